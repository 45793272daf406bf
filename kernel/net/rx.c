/*
 * The receive path: netif_rx() queues frames on the device's backlog from any context (the
 * driver's interrupt handler, usually), and one kernel thread, "netrx", delivers them to the
 * protocol handlers in task context, at most NETRX_BUDGET frames of a device at a time so a
 * flooded NIC cannot starve the others (Linux's softirq + NAPI budget, in a thread).
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/export.h>
#include <keel/kthread.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include "net_internal.h"

#define NETRX_BUDGET 64
#define NETDEV_MAX_BACKLOG 1000 /* frames waiting per device before netif_rx drops */

static LIST_HEAD(poll_list);       /* devices with frames waiting */
static DEFINE_SPINLOCK(poll_lock); /* poll_list and each dev->poll_list; IRQ-safe */
static DECLARE_WAIT_QUEUE_HEAD(netrx_wait);
static DEFINE_MUTEX(netrx_mutex);  /* held while a batch is delivered */
static LIST_HEAD(ptype_list);      /* under netrx_mutex */
static int ptype_all_count;        /* ETH_P_ALL taps on it; read without the mutex */
static struct sk_buff_head tx_taps; /* copies of sent frames waiting for the taps */
unsigned long net_rx_unhandled;

/* Puts dev on the poll list unless it is there already; poll_lock held. */
static void netrx_schedule(struct net_device *dev)
{
	if (list_empty(&dev->poll_list))
		list_add_tail(&dev->poll_list, &poll_list);
}

int netif_rx(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned long flags;

	spin_lock_irqsave(&poll_lock, flags);
	if (dev->unregistering || dev->backlog.qlen >= NETDEV_MAX_BACKLOG) {
		dev->stats.rx_dropped++;
		spin_unlock_irqrestore(&poll_lock, flags);
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	skb_queue_tail(&dev->backlog, skb);
	netrx_schedule(dev);
	spin_unlock_irqrestore(&poll_lock, flags);
	wake_up(&netrx_wait);
	return NET_RX_SUCCESS;
}
EXPORT_SYMBOL_GPL(netif_rx);

u16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;

	if (is_multicast_ether_addr(eth->h_dest))
		skb->pkt_type = is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST
								     : PACKET_MULTICAST;
	else if (ether_addr_equal(eth->h_dest, dev->dev_addr))
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	return eth->h_proto;
}
EXPORT_SYMBOL_GPL(eth_type_trans);

void dev_add_pack(struct packet_type *pt)
{
	mutex_lock(&netrx_mutex);
	list_add_tail(&pt->list, &ptype_list);
	if (pt->type == ETH_P_ALL)
		WRITE_ONCE(ptype_all_count, ptype_all_count + 1);
	mutex_unlock(&netrx_mutex);
}
EXPORT_SYMBOL_GPL(dev_add_pack);

void dev_remove_pack(struct packet_type *pt)
{
	mutex_lock(&netrx_mutex);
	if (!list_empty(&pt->list) && pt->type == ETH_P_ALL)
		WRITE_ONCE(ptype_all_count, ptype_all_count - 1);
	list_del_init(&pt->list);
	mutex_unlock(&netrx_mutex);
}
EXPORT_SYMBOL_GPL(dev_remove_pack);

/* Gives prev a copy of skb (the original goes to the last handler); netrx_mutex held. */
static void netrx_deliver_copy(struct sk_buff *skb, struct packet_type *pt)
{
	struct sk_buff *copy = skb_copy(skb, GFP_KERNEL);

	if (!copy) {
		skb->dev->stats.rx_dropped++;
		return;
	}
	pt->func(copy, copy->dev, pt);
}

/*
 * Gives one frame to every handler for its type and every ETH_P_ALL tap (packet sockets),
 * each owning its own copy, as Linux's __netif_receive_skb_core gives each a reference. A
 * frame only taps saw counts as unhandled, as in Linux. netrx_mutex held.
 */
static void netrx_deliver(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct packet_type *pt, *prev = NULL;
	bool handled = false;
	u16 type;

	if (skb->len < ETH_HLEN) {
		dev->stats.rx_length_errors++;
		dev->stats.rx_dropped++;
		kfree_skb(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, dev);
	type = ntohs(skb->protocol);
	list_for_each_entry(pt, &ptype_list, list) {
		if (pt->type != type && pt->type != ETH_P_ALL)
			continue;
		if (prev)
			netrx_deliver_copy(skb, prev);
		handled |= pt->type == type;
		prev = pt;
	}
	if (!handled) {
		net_rx_unhandled++;
		dev->stats.rx_dropped++; /* as Linux did before rx_nohandler */
	}
	if (prev)
		prev->func(skb, dev, prev);
	else
		kfree_skb(skb);
}

void dev_queue_xmit_nit(const struct sk_buff *skb)
{
	struct sk_buff *copy;

	if (!READ_ONCE(ptype_all_count) || tx_taps.qlen >= NETDEV_MAX_BACKLOG)
		return;
	copy = skb_copy(skb, GFP_ATOMIC);
	if (!copy)
		return;
	copy->sk = skb->sk;
	copy->pkt_type = PACKET_OUTGOING;
	skb_queue_tail(&tx_taps, copy);
	wake_up(&netrx_wait);
}

/* A sent frame's copy to every ETH_P_ALL tap but its sender's (Linux's skb_loop_sk), past
 * its Ethernet header as received frames are; netrx_mutex held. */
static void netrx_deliver_outgoing(struct sk_buff *skb)
{
	struct packet_type *pt, *prev = NULL;

	skb->protocol = ((const struct ethhdr *)skb->data)->h_proto;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	list_for_each_entry(pt, &ptype_list, list) {
		if (pt->type != ETH_P_ALL || (pt->af_packet_priv && pt->af_packet_priv == skb->sk))
			continue;
		if (prev)
			netrx_deliver_copy(skb, prev);
		prev = pt;
	}
	if (prev)
		prev->func(skb, skb->dev, prev);
	else
		kfree_skb(skb);
}

/* The next device with frames, taken off the list, or NULL. */
static struct net_device *netrx_next_device(void)
{
	struct net_device *dev = NULL;
	unsigned long flags;

	spin_lock_irqsave(&poll_lock, flags);
	if (!list_empty(&poll_list)) {
		dev = list_first_entry(&poll_list, struct net_device, poll_list);
		list_del_init(&dev->poll_list);
	}
	spin_unlock_irqrestore(&poll_lock, flags);
	return dev;
}

/* Delivers up to the budget of dev's frames; requeues dev when some are left. */
static void netrx_poll(struct net_device *dev)
{
	unsigned long flags;
	struct sk_buff *skb;
	int done = 0;

	while (done < NETRX_BUDGET && (skb = skb_dequeue(&dev->backlog))) {
		netrx_deliver(skb);
		done++;
	}
	spin_lock_irqsave(&poll_lock, flags);
	if (dev->backlog.qlen)
		netrx_schedule(dev);
	spin_unlock_irqrestore(&poll_lock, flags);
}

static bool netrx_pending(void)
{
	return !list_empty(&poll_list) || READ_ONCE(tx_taps.qlen) || kthread_should_stop();
}

static int netrx_thread(void *unused)
{
	struct net_device *dev;
	struct sk_buff *skb;

	while (!kthread_should_stop()) {
		/* interruptible: an idle thread is not a hung one (the hung task detector) */
		wait_event_interruptible(netrx_wait, netrx_pending());
		mutex_lock(&netrx_mutex);
		while ((skb = skb_dequeue(&tx_taps)))
			netrx_deliver_outgoing(skb);
		while ((dev = netrx_next_device()))
			netrx_poll(dev);
		mutex_unlock(&netrx_mutex);
		cond_resched(); /* a flood must not keep the shell from running */
	}
	return 0;
}

/* Drops the sent frames of dev still waiting for the taps; netrx_mutex held, and dev sends
 * no more (unregistering). */
static void netrx_forget_taps(struct net_device *dev)
{
	struct sk_buff_head keep;
	struct sk_buff *skb;

	skb_queue_head_init(&keep);
	while ((skb = skb_dequeue(&tx_taps))) {
		if (skb->dev == dev)
			kfree_skb(skb);
		else
			skb_queue_tail(&keep, skb);
	}
	while ((skb = skb_dequeue(&keep)))
		skb_queue_tail(&tx_taps, skb);
}

void netrx_forget_device(struct net_device *dev)
{
	unsigned long flags;

	mutex_lock(&netrx_mutex);
	spin_lock_irqsave(&poll_lock, flags);
	list_del_init(&dev->poll_list);
	spin_unlock_irqrestore(&poll_lock, flags);
	skb_queue_purge(&dev->backlog);
	netrx_forget_taps(dev);
	mutex_unlock(&netrx_mutex);
}

int netrx_start(void)
{
	struct task_struct *t;

	skb_queue_head_init(&tx_taps);
	t = kthread_run(netrx_thread, NULL, "netrx");

	return IS_ERR(t) ? PTR_ERR(t) : 0;
}
