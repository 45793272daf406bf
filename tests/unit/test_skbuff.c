/*
 * Host unit test for the sk_buff helpers (kernel/net/skbuff.c): headroom and tailroom
 * bookkeeping through reserve/put/push/pull/trim, pull refusing more than the data, skb_copy
 * keeping the headroom and metadata, and no leaked block after kfree_skb (the queues, which
 * need the interrupt flag, are tested in QEMU).
 */
/* UNIT_SOURCES: kernel/net/skbuff.c */
#include <keel/skbuff.h>
#include "host_bug.h"
#include "kernel_fakes.h"
#include "unit.h"

static void test_pointers(void)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);
	u8 *p;

	CHECK(skb != NULL);
	CHECK_UINT(skb->len, 0);
	CHECK_UINT(skb_tailroom(skb), 100);
	skb_reserve(skb, 30);
	CHECK_UINT(skb_headroom(skb), 30);
	CHECK_UINT(skb_tailroom(skb), 70);
	p = skb_put(skb, 20);
	CHECK(p == skb->head + 30);
	CHECK_UINT(skb->len, 20);
	p = skb_push(skb, 14);
	CHECK(p == skb->head + 16 && p == skb->data);
	CHECK_UINT(skb->len, 34);
	CHECK(skb_pull(skb, 40) == NULL); /* more than there is: left alone */
	CHECK_UINT(skb->len, 34);
	CHECK(skb_pull(skb, 14) == skb->head + 30);
	CHECK_UINT(skb->len, 20);
	skb_trim(skb, 50); /* longer than the data: nothing */
	CHECK_UINT(skb->len, 20);
	skb_trim(skb, 8);
	CHECK_UINT(skb->len, 8);
	CHECK(skb->tail == skb->data + 8);
	skb_reset_network_header(skb);
	CHECK(skb_network_header(skb) == skb->data);
	kfree_skb(skb);
}

static void test_limits(void)
{
	CHECK(alloc_skb(65537, GFP_KERNEL) == NULL);
	kfree_skb(NULL);
	struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

	CHECK(skb != NULL && skb_tailroom(skb) == 0);
	kfree_skb(skb);
}

/* skb_copy: the whole buffer (a pulled header still in front of data) and the metadata. */
static void test_copy(void)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL), *c;

	skb_reserve(skb, 2);
	memcpy(skb_put(skb, 20), "0123456789abcdefghij", 20);
	skb_pull(skb, 14);
	skb_reset_network_header(skb);
	skb->protocol = 0x0008;
	skb->pkt_type = PACKET_BROADCAST;
	c = skb_copy(skb, GFP_KERNEL);
	CHECK(c != NULL && c->head != skb->head);
	CHECK_UINT(c->len, 6);
	CHECK(!memcmp(c->data, "efghij", 6));
	CHECK(!memcmp(c->data - 14, "0123456789abcd", 14));
	CHECK(skb_network_header(c) == c->data);
	CHECK_UINT(c->protocol, 0x0008);
	CHECK_UINT(c->pkt_type, PACKET_BROADCAST);
	CHECK_UINT(skb_tailroom(c), skb_tailroom(skb));
	kfree_skb(c);
	kfree_skb(skb);
}

int main(void)
{
	test_pointers();
	test_copy();
	test_limits();
	CHECK_INT((int)heap_blocks, 0);
	CHECK_UINT(lock_errors, 0);
	return unit_summary();
}
