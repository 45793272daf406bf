/*
 * sk_buff queues (see <keel/skbuff.h>): a list with its own IRQ-safe lock, for backlogs a
 * driver's interrupt handler fills and a thread empties. Apart from skbuff.c because the host
 * unit test cannot run the interrupt-flag code.
 */
#include <keel/export.h>
#include <keel/netdevice.h> /* the same view of sk_buff as drivers: modversions CRCs */
#include <keel/skbuff.h>

void skb_queue_head_init(struct sk_buff_head *q)
{
	INIT_LIST_HEAD(&q->list);
	q->qlen = 0;
	spin_lock_init(&q->lock);
}
EXPORT_SYMBOL_GPL(skb_queue_head_init);

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	list_add_tail(&skb->list, &q->list);
	q->qlen++;
	spin_unlock_irqrestore(&q->lock, flags);
}
EXPORT_SYMBOL_GPL(skb_queue_tail);

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	struct sk_buff *skb = NULL;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (!list_empty(&q->list)) {
		skb = list_first_entry(&q->list, struct sk_buff, list);
		list_del_init(&skb->list);
		q->qlen--;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return skb;
}
EXPORT_SYMBOL_GPL(skb_dequeue);

void skb_queue_purge(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(q)))
		kfree_skb(skb);
}
EXPORT_SYMBOL_GPL(skb_queue_purge);
