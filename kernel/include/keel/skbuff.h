/*
 * Socket buffers, after Linux's <linux/skbuff.h>: one packet in one contiguous buffer with
 * room before (headroom, for headers pushed on the way down) and after it (tailroom):
 *
 *   head ........ data ======== tail ........ end
 *        headroom      len bytes     tailroom
 *
 * Drivers receive into skb->data and hand the skb to netif_rx(); senders build the payload
 * with skb_put(), push headers with skb_push() and give it to dev_queue_xmit(). Whoever holds
 * an skb frees it exactly once with kfree_skb() (or dev_kfree_skb_any() from a driver).
 */
#ifndef KEEL_SKBUFF_H
#define KEEL_SKBUFF_H

#include <keel/gfp.h>
#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

struct net_device;

struct sk_buff {
	struct list_head list;  /* on a sk_buff_head (backlog, driver queue) */
	struct net_device *dev; /* received on, or to be sent from */
	u8 *head, *data, *tail, *end;
	unsigned int len;       /* tail - data */
	u16 protocol;           /* ethertype, big-endian (eth_type_trans) */
	u16 network_header;     /* offset of the L3 header from head */
	u8 pkt_type;            /* PACKET_HOST... (eth_type_trans) */
	const void *sk;         /* the packet socket that sent it, or NULL (never dereferenced) */
	/* The current owner's scratch space (Linux's control buffer): a packet socket keeps
	 * the frame's sockaddr_ll here while it waits in the socket's queue. */
	char cb[48] __attribute__((aligned(8)));
};

/* pkt_type: who the frame was addressed to. */
#define PACKET_HOST 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING 4       /* a copy of a sent frame, for ETH_P_ALL taps */

/* Headroom drivers reserve so the IP header after the 14-byte Ethernet one is 4-aligned. */
#define NET_IP_ALIGN 2

/*
 * A new skb with size bytes of data room, len 0 and no headroom. gfp: GFP_ATOMIC from IRQ
 * context or under a spinlock, else GFP_KERNEL. Returns NULL when memory is short (or size is
 * over 64 KiB).
 */
struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
/*
 * A private copy of skb: its whole buffer (headroom included, so headers pulled off are still
 * in front of data), len, dev, protocol, network header and pkt_type. For handing one frame
 * to several owners (Linux's skb_copy). gfp as alloc_skb. NULL when memory is short.
 */
struct sk_buff *skb_copy(const struct sk_buff *skb, gfp_t gfp);
/* Frees skb and its data; NULL is ignored. Any context (IRQ included). */
void kfree_skb(struct sk_buff *skb);
/* Linux's name for drivers freeing a sent or dropped skb from any context. */
static inline void dev_kfree_skb_any(struct sk_buff *skb) { kfree_skb(skb); }

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline unsigned int skb_tailroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->end - skb->tail);
}

/*
 * Each of these BUGs when the room is not there, as Linux's do: a caller asks only for what
 * it reserved. Any context.
 *   skb_reserve: moves data and tail len bytes on (empty skb only): headroom.
 *   skb_put:     adds len bytes at the tail; returns where they start.
 *   skb_push:    adds len bytes before data; returns the new data.
 *   skb_pull:    drops len bytes from the front; returns the new data, or NULL (skb left
 *                alone) when the skb holds fewer than len bytes.
 */
void skb_reserve(struct sk_buff *skb, unsigned int len);
void *skb_put(struct sk_buff *skb, unsigned int len);
void *skb_push(struct sk_buff *skb, unsigned int len);
void *skb_pull(struct sk_buff *skb, unsigned int len);
/* Cuts the data to len bytes when it is longer (drops an Ethernet pad). */
void skb_trim(struct sk_buff *skb, unsigned int len);

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = (u16)(skb->data - skb->head);
}

static inline u8 *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

/* A queue of skbs with its own IRQ-safe lock (backlogs, driver queues). */
struct sk_buff_head {
	struct list_head list;
	unsigned int qlen;
	spinlock_t lock;
};

void skb_queue_head_init(struct sk_buff_head *q);
/* Adds skb at the tail; any context. */
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
/* The skb at the head, removed, or NULL when empty; any context. */
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
/* Frees every skb on q; any context. */
void skb_queue_purge(struct sk_buff_head *q);

#endif
