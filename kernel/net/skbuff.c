/*
 * sk_buff allocation and the pointer helpers (see <keel/skbuff.h>). Pure pointer arithmetic
 * plus kmalloc, so the host unit test (tests/unit/test_skbuff.c) runs it as it is.
 */
#include <keel/bug.h>
#include <keel/export.h>
#include <keel/netdevice.h> /* the same view of sk_buff as drivers: modversions CRCs */
#include <keel/skbuff.h>
#include <keel/slab.h>
#include <keel/string.h>

#define SKB_MAX_SIZE 65536u

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp)
{
	struct sk_buff *skb;

	if (size > SKB_MAX_SIZE)
		return NULL;
	skb = kzalloc(sizeof(*skb), gfp);
	if (!skb)
		return NULL;
	skb->head = kmalloc(size ? size : 1, gfp);
	if (!skb->head) {
		kfree(skb);
		return NULL;
	}
	INIT_LIST_HEAD(&skb->list);
	skb->data = skb->tail = skb->head;
	skb->end = skb->head + size;
	return skb;
}
EXPORT_SYMBOL_GPL(alloc_skb);

struct sk_buff *skb_copy(const struct sk_buff *skb, gfp_t gfp)
{
	struct sk_buff *n = alloc_skb((unsigned int)(skb->end - skb->head), gfp);

	if (!n)
		return NULL;
	memcpy(n->head, skb->head, (size_t)(skb->tail - skb->head));
	n->data = n->head + (skb->data - skb->head);
	n->tail = n->data + skb->len;
	n->len = skb->len;
	n->dev = skb->dev;
	n->protocol = skb->protocol;
	n->network_header = skb->network_header;
	n->pkt_type = skb->pkt_type;
	return n;
}
EXPORT_SYMBOL_GPL(skb_copy);

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	kfree(skb->head);
	kfree(skb);
}
EXPORT_SYMBOL_GPL(kfree_skb);

void skb_reserve(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(skb->len || len > skb_tailroom(skb));
	skb->data += len;
	skb->tail += len;
}
EXPORT_SYMBOL_GPL(skb_reserve);

void *skb_put(struct sk_buff *skb, unsigned int len)
{
	u8 *old = skb->tail;

	BUG_ON(len > skb_tailroom(skb));
	skb->tail += len;
	skb->len += len;
	return old;
}
EXPORT_SYMBOL_GPL(skb_put);

void *skb_push(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(len > skb_headroom(skb));
	skb->data -= len;
	skb->len += len;
	return skb->data;
}
EXPORT_SYMBOL_GPL(skb_push);

void *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->data += len;
	skb->len -= len;
	return skb->data;
}
EXPORT_SYMBOL_GPL(skb_pull);

void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len <= len)
		return;
	skb->len = len;
	skb->tail = skb->data + len;
}
EXPORT_SYMBOL_GPL(skb_trim);
