/*
 * Host unit test for <keel/list.h>: every list_head and hlist operation, checked by walking the
 * result both ways (so a broken prev/pprev link shows even when next links look right), and the
 * iterators, including deleting while iterating with the _safe forms.
 */
/* UNIT_SOURCES: */
#include <keel/list.h>
#include "unit.h"

struct item {
	int val;
	struct list_head node;
	struct hlist_node hnode;
};

static struct item items[8];

static void init_items(void)
{
	for (int i = 0; i < 8; i++) {
		items[i].val = i;
		INIT_LIST_HEAD(&items[i].node);
		INIT_HLIST_NODE(&items[i].hnode);
	}
}

/* The values in order, e.g. "1 2 3", after checking that every prev link mirrors a next link. */
static const char *list_str(const struct list_head *head)
{
	static char buf[128];
	const struct list_head *pos;
	size_t len = 0;

	buf[0] = '\0';
	for (pos = head->next; pos != head; pos = pos->next) {
		if (pos->next->prev != pos || pos->prev->next != pos)
			return "BROKEN LINKS";
		len += host_snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? " " : "",
				     list_entry(pos, struct item, node)->val);
	}
	if (head->next->prev != head || head->prev->next != head)
		return "BROKEN HEAD";
	return buf;
}

static const char *hlist_str(const struct hlist_head *head)
{
	static char buf[128];
	struct hlist_node *const *link = &head->first;
	const struct hlist_node *pos;
	size_t len = 0;

	buf[0] = '\0';
	for (pos = head->first; pos; pos = pos->next) {
		if (pos->pprev != link)
			return "BROKEN PPREV";
		link = &pos->next;
		len += host_snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? " " : "",
				     hlist_entry(pos, struct item, hnode)->val);
	}
	return buf;
}

/* A list holding items[first..last] in order. */
static void fill(struct list_head *head, int first, int last)
{
	INIT_LIST_HEAD(head);
	for (int i = first; i <= last; i++)
		list_add_tail(&items[i].node, head);
}

static void test_add_del(void)
{
	LIST_HEAD(head);

	init_items();
	CHECK(list_empty(&head));
	CHECK_STR(list_str(&head), "");
	list_add(&items[1].node, &head);
	list_add(&items[0].node, &head);
	list_add_tail(&items[2].node, &head);
	CHECK_STR(list_str(&head), "0 1 2");
	CHECK(!list_empty(&head));
	CHECK(list_is_first(&items[0].node, &head));
	CHECK(list_is_last(&items[2].node, &head));
	CHECK(!list_is_last(&items[1].node, &head));
	CHECK(list_is_head(&head, &head));
	CHECK_UINT(list_count_nodes(&head), 3);

	list_del(&items[1].node);
	CHECK_STR(list_str(&head), "0 2");
	CHECK(items[1].node.next == LIST_POISON1 && items[1].node.prev == LIST_POISON2);
	list_del_init(&items[0].node);
	CHECK_STR(list_str(&head), "2");
	CHECK(list_empty(&items[0].node));
	CHECK(list_is_singular(&head));
	list_del(&items[2].node);
	CHECK(list_empty(&head));
	CHECK(!list_is_singular(&head));
	CHECK_UINT(list_count_nodes(&head), 0);
}

static void test_move_replace(void)
{
	LIST_HEAD(a);
	LIST_HEAD(b);

	init_items();
	fill(&a, 0, 3);
	list_move(&items[2].node, &a);
	CHECK_STR(list_str(&a), "2 0 1 3");
	list_move_tail(&items[2].node, &a);
	CHECK_STR(list_str(&a), "0 1 3 2");
	list_move(&items[1].node, &b); /* between lists */
	CHECK_STR(list_str(&a), "0 3 2");
	CHECK_STR(list_str(&b), "1");

	list_replace(&items[3].node, &items[5].node);
	CHECK_STR(list_str(&a), "0 5 2");
	list_replace_init(&items[0].node, &items[6].node);
	CHECK_STR(list_str(&a), "6 5 2");
	CHECK(list_empty(&items[0].node));
	list_replace(&items[1].node, &items[7].node); /* the only entry */
	CHECK_STR(list_str(&b), "7");
}

static void test_splice(void)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	LIST_HEAD(empty);

	init_items();
	fill(&a, 0, 1);
	fill(&b, 2, 4);
	list_splice(&b, &a);
	CHECK_STR(list_str(&a), "2 3 4 0 1");
	INIT_LIST_HEAD(&b);

	fill(&a, 0, 1);
	fill(&b, 2, 4);
	list_splice_tail(&b, &a);
	CHECK_STR(list_str(&a), "0 1 2 3 4");

	fill(&a, 0, 1);
	fill(&b, 2, 4);
	list_splice_init(&b, &a);
	CHECK_STR(list_str(&a), "2 3 4 0 1");
	CHECK(list_empty(&b));

	fill(&a, 0, 1);
	fill(&b, 2, 4);
	list_splice_tail_init(&b, &a);
	CHECK_STR(list_str(&a), "0 1 2 3 4");
	CHECK(list_empty(&b));

	/* Into an empty list, and an empty list into another: no change. */
	fill(&b, 5, 6);
	list_splice_init(&b, &empty);
	CHECK_STR(list_str(&empty), "5 6");
	list_splice(&b, &a);
	list_splice_tail(&b, &a);
	list_splice_init(&b, &a);
	list_splice_tail_init(&b, &a);
	CHECK_STR(list_str(&a), "0 1 2 3 4");
}

static void test_rotate(void)
{
	LIST_HEAD(a);

	init_items();
	list_rotate_left(&a); /* empty: nothing */
	CHECK(list_empty(&a));
	fill(&a, 0, 3);
	list_rotate_left(&a);
	CHECK_STR(list_str(&a), "1 2 3 0");
	list_rotate_left(&a);
	CHECK_STR(list_str(&a), "2 3 0 1");
	list_rotate_to_front(&items[0].node, &a);
	CHECK_STR(list_str(&a), "0 1 2 3");
	fill(&a, 4, 4);
	list_rotate_left(&a); /* one entry */
	CHECK_STR(list_str(&a), "4");
}

static void test_entries(void)
{
	LIST_HEAD(a);
	struct item *pos, *n;
	char seen[64];
	size_t len = 0;

	init_items();
	CHECK(list_first_entry_or_null(&a, struct item, node) == NULL);
	fill(&a, 0, 4);
	CHECK(list_first_entry_or_null(&a, struct item, node) == &items[0]);
	CHECK(list_first_entry(&a, struct item, node) == &items[0]);
	CHECK(list_last_entry(&a, struct item, node) == &items[4]);
	CHECK(list_next_entry(&items[1], node) == &items[2]);
	CHECK(list_prev_entry(&items[1], node) == &items[0]);

	seen[0] = '\0';
	list_for_each_entry(pos, &a, node)
		len += host_snprintf(seen + len, sizeof(seen) - len, "%d", pos->val);
	CHECK_STR(seen, "01234");
	CHECK(list_entry_is_head(pos, &a, node)); /* the loop ends on the head */

	len = 0;
	list_for_each_entry_reverse(pos, &a, node)
		len += host_snprintf(seen + len, sizeof(seen) - len, "%d", pos->val);
	CHECK_STR(seen, "43210");

	/* Deleting the current entry (odd ones) is what _safe is for. */
	list_for_each_entry_safe(pos, n, &a, node)
		if (pos->val % 2)
			list_del(&pos->node);
	CHECK_STR(list_str(&a), "0 2 4");
	list_for_each_entry_safe(pos, n, &a, node)
		list_del_init(&pos->node);
	CHECK(list_empty(&a));
	list_for_each_entry_safe(pos, n, &a, node)
		CHECK(0); /* never runs on an empty list */

	struct list_head *p, *q;
	int count = 0;

	fill(&a, 0, 2);
	list_for_each(p, &a)
		count++;
	CHECK_INT(count, 3);
	list_for_each_safe(p, q, &a)
		list_del(p);
	CHECK(list_empty(&a));
}

static void test_hlist(void)
{
	HLIST_HEAD(h);
	struct hlist_head h2;
	struct item *pos;
	struct hlist_node *n;

	init_items();
	INIT_HLIST_HEAD(&h2);
	CHECK(hlist_empty(&h) && hlist_empty(&h2));
	CHECK(hlist_unhashed(&items[0].hnode));
	hlist_add_head(&items[2].hnode, &h);
	hlist_add_head(&items[0].hnode, &h);
	CHECK_STR(hlist_str(&h), "0 2");
	CHECK(!hlist_unhashed(&items[0].hnode));
	hlist_add_before(&items[1].hnode, &items[2].hnode); /* in the middle */
	CHECK_STR(hlist_str(&h), "0 1 2");
	hlist_add_before(&items[5].hnode, &items[0].hnode); /* before the first: a new first */
	CHECK_STR(hlist_str(&h), "5 0 1 2");
	hlist_add_behind(&items[3].hnode, &items[2].hnode); /* after the last */
	CHECK_STR(hlist_str(&h), "5 0 1 2 3");
	hlist_add_behind(&items[4].hnode, &items[0].hnode); /* in the middle */
	CHECK_STR(hlist_str(&h), "5 0 4 1 2 3");

	hlist_del(&items[5].hnode); /* the first */
	CHECK_STR(hlist_str(&h), "0 4 1 2 3");
	CHECK(items[5].hnode.next == LIST_POISON1 && (void *)items[5].hnode.pprev == LIST_POISON2);
	hlist_del_init(&items[3].hnode); /* the last */
	CHECK_STR(hlist_str(&h), "0 4 1 2");
	CHECK(hlist_unhashed(&items[3].hnode));
	hlist_del_init(&items[3].hnode); /* unhashed already: nothing happens */
	CHECK_STR(hlist_str(&h), "0 4 1 2");
	hlist_del_init(&items[4].hnode); /* the middle */
	CHECK_STR(hlist_str(&h), "0 1 2");

	int sum = 0;

	hlist_for_each_entry(pos, &h, hnode)
		sum = sum * 10 + pos->val;
	CHECK_INT(sum, 12);
	CHECK(pos == NULL);
	CHECK(hlist_entry_safe((struct hlist_node *)NULL, struct item, hnode) == NULL);

	hlist_for_each_entry_safe(pos, n, &h, hnode)
		if (pos->val != 1)
			hlist_del_init(&pos->hnode);
	CHECK_STR(hlist_str(&h), "1");
	hlist_for_each_entry_safe(pos, n, &h, hnode)
		hlist_del(&pos->hnode);
	CHECK(hlist_empty(&h));

	struct hlist_node *p, *q;
	int count = 0;

	hlist_add_head(&items[6].hnode, &h2);
	hlist_add_head(&items[7].hnode, &h2);
	hlist_for_each(p, &h2)
		count++;
	CHECK_INT(count, 2);
	hlist_for_each_safe(p, q, &h2)
		hlist_del_init(p);
	CHECK(hlist_empty(&h2));
}

int main(void)
{
	test_add_del();
	test_move_replace();
	test_splice();
	test_rotate();
	test_entries();
	test_hlist();
	return unit_summary();
}
