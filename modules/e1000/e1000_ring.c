/*
 * e1000's descriptor rings: one page each of 256 legacy descriptors in DMA memory. The NIC
 * owns RX descriptors from RDH up to RDT and fills them; the driver hands each filled buffer
 * to netif_rx and gives the slot back with a fresh one. TX descriptors between tx_clean and
 * tx_next are the NIC's until it writes DD back (RS asks for that), then they are reclaimed.
 */
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/string.h>
#include "e1000.h"

#define E1000_RX_BUDGET 256 /* frames per interrupt: one ring's worth */

static u64 e1000_dma_addr(const void *p) { return virt_to_phys(p); }

/* A receive buffer: 2 bytes of headroom keep the IP header 4-aligned. */
static struct sk_buff *e1000_alloc_rx_skb(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(E1000_RX_BUF_SIZE + NET_IP_ALIGN, gfp);

	if (skb)
		skb_reserve(skb, NET_IP_ALIGN);
	return skb;
}

static void e1000_set_rx_buffer(struct e1000_adapter *adapter, unsigned int i,
				struct sk_buff *skb)
{
	adapter->rx_skb[i] = skb;
	adapter->rx_ring[i].buffer_addr = e1000_dma_addr(skb->data);
	adapter->rx_ring[i].status = 0;
}

int e1000_setup_rings(struct e1000_adapter *adapter)
{
	adapter->rx_ring = alloc_page();
	adapter->tx_ring = alloc_page();
	if (!adapter->rx_ring || !adapter->tx_ring)
		goto err_free;
	memset(adapter->rx_ring, 0, PAGE_SIZE);
	memset(adapter->tx_ring, 0, PAGE_SIZE);
	for (unsigned int i = 0; i < E1000_RING_SIZE; i++) {
		struct sk_buff *skb = e1000_alloc_rx_skb(GFP_KERNEL);

		if (!skb)
			goto err_free;
		e1000_set_rx_buffer(adapter, i, skb);
	}
	adapter->rx_next = adapter->tx_next = adapter->tx_clean = 0;
	adapter->rx_discard = false;
	return 0;

err_free:
	e1000_free_rings(adapter);
	return -ENOMEM;
}

/* The hardware is stopped: every buffer is the driver's again. */
void e1000_free_rings(struct e1000_adapter *adapter)
{
	for (unsigned int i = 0; i < E1000_RING_SIZE; i++) {
		kfree_skb(adapter->rx_skb[i]);
		kfree_skb(adapter->tx_skb[i]);
		adapter->rx_skb[i] = adapter->tx_skb[i] = NULL;
	}
	if (adapter->rx_ring)
		free_page(adapter->rx_ring);
	if (adapter->tx_ring)
		free_page(adapter->tx_ring);
	adapter->rx_ring = NULL;
	adapter->tx_ring = NULL;
}

void e1000_configure_rings(struct e1000_adapter *adapter)
{
	u64 rx = e1000_dma_addr(adapter->rx_ring), tx = e1000_dma_addr(adapter->tx_ring);
	u32 size = E1000_RING_SIZE * sizeof(struct e1000_rx_desc);

	ew32(adapter, E1000_RDBAL, (u32)rx);
	ew32(adapter, E1000_RDBAH, (u32)(rx >> 32));
	ew32(adapter, E1000_RDLEN, size);
	ew32(adapter, E1000_RDH, 0);
	ew32(adapter, E1000_RDT, E1000_RING_SIZE - 1);
	ew32(adapter, E1000_TDBAL, (u32)tx);
	ew32(adapter, E1000_TDBAH, (u32)(tx >> 32));
	ew32(adapter, E1000_TDLEN, size);
	ew32(adapter, E1000_TDH, 0);
	ew32(adapter, E1000_TDT, 0);
}

static unsigned int e1000_tx_free(const struct e1000_adapter *adapter)
{
	unsigned int used = (adapter->tx_next - adapter->tx_clean) % E1000_RING_SIZE;

	return E1000_RING_SIZE - 1 - used;
}

/* Called under dev->tx_lock with interrupts off (dev_queue_xmit). */
netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	struct e1000_tx_desc *desc;
	unsigned int i;

	spin_lock(&adapter->lock);
	if (!e1000_tx_free(adapter)) {
		netif_stop_queue(netdev);
		spin_unlock(&adapter->lock);
		return NETDEV_TX_BUSY;
	}
	i = adapter->tx_next;
	desc = &adapter->tx_ring[i];
	adapter->tx_skb[i] = skb;
	desc->buffer_addr = e1000_dma_addr(skb->data);
	desc->length = (u16)skb->len;
	desc->status = 0;
	desc->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	adapter->tx_next = (i + 1) % E1000_RING_SIZE;
	wmb(); /* the descriptor before the tail that hands it over */
	ew32(adapter, E1000_TDT, adapter->tx_next);
	if (e1000_tx_free(adapter) < 2) /* room for the next frame or stop now */
		netif_stop_queue(netdev);
	spin_unlock(&adapter->lock);
	return NETDEV_TX_OK;
}

/* Frees the frames the NIC has sent (DD written back) and wakes a stopped queue. */
void e1000_clean_tx(struct e1000_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;
	unsigned long flags;

	spin_lock_irqsave(&adapter->lock, flags);
	while (adapter->tx_clean != adapter->tx_next) {
		unsigned int i = adapter->tx_clean;
		struct sk_buff *skb = adapter->tx_skb[i];

		if (!(READ_ONCE(adapter->tx_ring[i].status) & E1000_TXD_STAT_DD))
			break;
		netdev->stats.tx_packets++;
		netdev->stats.tx_bytes += skb->len;
		dev_kfree_skb_any(skb);
		adapter->tx_skb[i] = NULL;
		adapter->tx_clean = (i + 1) % E1000_RING_SIZE;
	}
	if (netif_queue_stopped(netdev) && e1000_tx_free(adapter) >= 2)
		netif_wake_queue(netdev);
	spin_unlock_irqrestore(&adapter->lock, flags);
}

/* Whether descriptor desc holds a frame to pass up; counts the ones it drops. */
static bool e1000_rx_frame_ok(struct e1000_adapter *adapter, const struct e1000_rx_desc *desc)
{
	struct net_device_stats *stats = &adapter->netdev->stats;
	bool eop = desc->status & E1000_RXD_STAT_EOP;
	bool discard = adapter->rx_discard;

	/* A frame spread over several buffers (longer than 2048) is dropped whole. */
	adapter->rx_discard = !eop;
	if (!eop || discard) {
		if (eop) {
			stats->rx_length_errors++;
			stats->rx_errors++;
		}
		return false;
	}
	if (desc->errors & E1000_RXD_ERR_FRAME) {
		stats->rx_frame_errors++;
		stats->rx_errors++;
		return false;
	}
	if (desc->length < ETH_HLEN) {
		stats->rx_length_errors++;
		stats->rx_errors++;
		return false;
	}
	return true;
}

/* Passes the frame in slot i up, replacing its buffer; keeps it when none is to be had. */
static void e1000_receive_one(struct e1000_adapter *adapter, unsigned int i)
{
	struct net_device *netdev = adapter->netdev;
	struct sk_buff *skb = adapter->rx_skb[i], *fresh;
	unsigned int len = adapter->rx_ring[i].length;

	if (!e1000_rx_frame_ok(adapter, &adapter->rx_ring[i]))
		goto reuse;
	fresh = e1000_alloc_rx_skb(GFP_ATOMIC);
	if (!fresh) {
		netdev->stats.rx_dropped++;
		goto reuse;
	}
	skb_put(skb, len);
	skb->dev = netdev;
	netdev->stats.rx_packets++;
	netdev->stats.rx_bytes += len;
	if (is_multicast_ether_addr(skb->data))
		netdev->stats.multicast++;
	netif_rx(skb);
	e1000_set_rx_buffer(adapter, i, fresh);
	return;

reuse:
	adapter->rx_ring[i].status = 0;
}

void e1000_clean_rx(struct e1000_adapter *adapter)
{
	unsigned int done = 0, i = adapter->rx_next;

	while (done < E1000_RX_BUDGET &&
	       (READ_ONCE(adapter->rx_ring[i].status) & E1000_RXD_STAT_DD)) {
		rmb(); /* the status before the rest of the descriptor */
		e1000_receive_one(adapter, i);
		wmb(); /* the new buffer address before the slot goes back */
		ew32(adapter, E1000_RDT, i);
		i = (i + 1) % E1000_RING_SIZE;
		done++;
	}
	adapter->rx_next = i;
}
