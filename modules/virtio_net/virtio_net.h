/*
 * virtio_net.ko's private state and the virtio network device's structures (OASIS VIRTIO
 * 1.1, section 5.1): feature bits, the configuration layout, the header before every frame,
 * and the control queue's receive-mode commands.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <keel/netdevice.h>
#include <keel/spinlock.h>
#include <keel/virtio.h>

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18

/* Device configuration. */
#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define  VIRTIO_NET_S_LINK_UP 1

/* struct virtio_net_hdr_v1 (without MRG_RXBUF its num_buffers is there but unused). */
struct virtio_net_hdr {
	u8 flags;
	u8 gso_type;
	u16 hdr_len, gso_size, csum_start, csum_offset;
	u16 num_buffers;
};

/* Control queue: class VIRTIO_NET_CTRL_RX, commands PROMISC and ALLMULTI with one byte;
 * class VIRTIO_NET_CTRL_MAC, MAC_TABLE_SET with two tables (unicast, then multicast), each a
 * le32 count and that many addresses (5.1.6.5.2). */
#define VIRTIO_NET_CTRL_RX 0
#define  VIRTIO_NET_CTRL_RX_PROMISC 0
#define  VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_MAC 1
#define  VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_OK 0

#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_CTRLQ 2
#define VNET_QUEUE_MAX 256          /* entries per data queue */
#define VNET_BUF_SIZE 2048          /* one receive skb / one transmit bounce buffer */
#define VNET_MC_MAX 64              /* multicast table entries sent; more: all-multicast */
#define VNET_CTRL_SIZE 512          /* command, ack, then up to 12 + 6 * VNET_MC_MAX bytes */

struct virtnet_info {
	struct net_device *netdev;
	struct virtio_device vdev;
	struct virtqueue *rvq, *svq, *cvq;
	spinlock_t lock;            /* the queues; taken in the IRQ handler too */
	u8 *tx_bufs;                /* svq's size bounce buffers of VNET_BUF_SIZE */
	unsigned int tx_order;
	u8 **tx_free;               /* stack of free bounce buffers */
	unsigned int tx_nfree;
	u8 *ctrl;                   /* VNET_CTRL_SIZE bytes for control commands */
};

/* virtio_net_rxtx.c */
int virtnet_alloc_queues(struct virtnet_info *vi);
void virtnet_free_queues(struct virtnet_info *vi);
void virtnet_fill_rx(struct virtnet_info *vi, gfp_t gfp);
netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *netdev);
void virtnet_clean_tx(struct virtnet_info *vi);
void virtnet_rx(struct virtnet_info *vi);

#endif
