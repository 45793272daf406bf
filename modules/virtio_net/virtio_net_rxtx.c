/*
 * virtio_net's data path. Receive: the receive queue is kept full of skbs the device writes a
 * virtio_net_hdr and one frame into (no mergeable buffers: each holds a whole frame). Transmit:
 * the frame is copied behind a zeroed header into one of the transmit queue's bounce buffers
 * (one descriptor per frame, whatever the skb's headroom), so no skb outlives xmit.
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "virtio_net.h"

#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)

static unsigned int order_for(size_t bytes)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static int virtnet_alloc_tx_bufs(struct virtnet_info *vi)
{
	unsigned int n = virtqueue_get_vring_size(vi->svq);

	vi->tx_order = order_for((size_t)n * VNET_BUF_SIZE);
	vi->tx_bufs = alloc_pages(vi->tx_order);
	vi->tx_free = kmalloc(n * sizeof(*vi->tx_free), GFP_KERNEL);
	if (!vi->tx_bufs || !vi->tx_free)
		return -ENOMEM;
	for (vi->tx_nfree = 0; vi->tx_nfree < n; vi->tx_nfree++)
		vi->tx_free[vi->tx_nfree] = vi->tx_bufs + vi->tx_nfree * VNET_BUF_SIZE;
	return 0;
}

static struct virtqueue *setup_vq(struct virtnet_info *vi, unsigned int index,
				  unsigned int max, int *err)
{
	struct virtqueue *vq = virtio_setup_vq(&vi->vdev, index, max);

	if (IS_ERR(vq)) {
		*err = (int)PTR_ERR(vq);
		return NULL;
	}
	return vq;
}

/* The queues (control only when negotiated) and the bounce buffers. 0 or -errno. */
int virtnet_alloc_queues(struct virtnet_info *vi)
{
	int err = 0;

	vi->rvq = setup_vq(vi, VNET_RXQ, VNET_QUEUE_MAX, &err);
	if (vi->rvq)
		vi->svq = setup_vq(vi, VNET_TXQ, VNET_QUEUE_MAX, &err);
	if (vi->svq && virtio_has_feature(&vi->vdev, VIRTIO_NET_F_CTRL_VQ))
		vi->cvq = setup_vq(vi, VNET_CTRLQ, 8, &err);
	if (!err)
		err = virtnet_alloc_tx_bufs(vi);
	if (!err) {
		vi->ctrl = kmalloc(VNET_CTRL_SIZE, GFP_KERNEL);
		err = vi->ctrl ? 0 : -ENOMEM;
	}
	if (err)
		virtnet_free_queues(vi);
	return err;
}

/* After a reset (the device has let go of every buffer). */
void virtnet_free_queues(struct virtnet_info *vi)
{
	struct sk_buff *skb;

	while (vi->rvq && (skb = virtqueue_detach_unused_buf(vi->rvq)))
		kfree_skb(skb);
	virtio_del_vq(vi->rvq);
	virtio_del_vq(vi->svq);
	virtio_del_vq(vi->cvq);
	vi->rvq = vi->svq = vi->cvq = NULL;
	if (vi->tx_bufs)
		free_pages(vi->tx_bufs, vi->tx_order);
	kfree(vi->tx_free);
	kfree(vi->ctrl);
	vi->tx_bufs = NULL;
	vi->tx_free = NULL;
	vi->ctrl = NULL;
}

/* Tops the receive queue up with fresh skbs and tells the device. Caller holds vi->lock or
 * runs before the interrupt is requested. */
void virtnet_fill_rx(struct virtnet_info *vi, gfp_t gfp)
{
	bool added = false;

	for (;;) {
		struct sk_buff *skb = alloc_skb(VNET_BUF_SIZE, gfp);

		if (!skb)
			break;
		skb_reserve(skb, NET_IP_ALIGN);
		if (virtqueue_add_buf(vi->rvq, skb->data, skb_tailroom(skb), true, skb)) {
			kfree_skb(skb);
			break;
		}
		added = true;
	}
	if (added)
		virtqueue_kick(vi->rvq);
}

/* Called under dev->tx_lock with interrupts off (dev_queue_xmit). Copies and frees skb. */
netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct virtnet_info *vi = netdev_priv(netdev);
	u8 *buf;

	spin_lock(&vi->lock);
	if (!vi->tx_nfree) {
		netif_stop_queue(netdev);
		spin_unlock(&vi->lock);
		return NETDEV_TX_BUSY;
	}
	buf = vi->tx_free[--vi->tx_nfree];
	memset(buf, 0, VNET_HDR_LEN);
	memcpy(buf + VNET_HDR_LEN, skb->data, skb->len);
	/* One descriptor per frame and as many buffers as descriptors: this cannot fail. */
	virtqueue_add_buf(vi->svq, buf, (u32)(VNET_HDR_LEN + skb->len), false, buf);
	virtqueue_kick(vi->svq);
	netdev->stats.tx_packets++;
	netdev->stats.tx_bytes += skb->len;
	if (!vi->tx_nfree)
		netif_stop_queue(netdev);
	spin_unlock(&vi->lock);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Takes back the bounce buffers the device has sent and wakes a stopped queue. */
void virtnet_clean_tx(struct virtnet_info *vi)
{
	unsigned long flags;
	u32 len;
	u8 *buf;

	spin_lock_irqsave(&vi->lock, flags);
	while ((buf = virtqueue_get_buf(vi->svq, &len)))
		vi->tx_free[vi->tx_nfree++] = buf;
	if (netif_queue_stopped(vi->netdev) && vi->tx_nfree)
		netif_wake_queue(vi->netdev);
	spin_unlock_irqrestore(&vi->lock, flags);
}

/* Hands one used receive skb (len bytes written: header and frame) up, or drops it. */
static void virtnet_receive_one(struct virtnet_info *vi, struct sk_buff *skb, u32 len)
{
	struct net_device *netdev = vi->netdev;

	if (len < VNET_HDR_LEN + ETH_HLEN || len > skb_tailroom(skb)) {
		netdev->stats.rx_length_errors++;
		netdev->stats.rx_errors++;
		kfree_skb(skb);
		return;
	}
	skb_put(skb, len);
	skb_pull(skb, VNET_HDR_LEN);
	skb->dev = netdev;
	netdev->stats.rx_packets++;
	netdev->stats.rx_bytes += skb->len;
	if (is_multicast_ether_addr(skb->data))
		netdev->stats.multicast++;
	netif_rx(skb);
}

/* From the interrupt: every frame the device has written, then the queue refilled. */
void virtnet_rx(struct virtnet_info *vi)
{
	struct sk_buff *skb;
	unsigned long flags;
	u32 len;

	spin_lock_irqsave(&vi->lock, flags);
	while ((skb = virtqueue_get_buf(vi->rvq, &len)))
		virtnet_receive_one(vi, skb, len);
	virtnet_fill_rx(vi, GFP_ATOMIC);
	spin_unlock_irqrestore(&vi->lock, flags);
}
