/*
 * e1000e's descriptor rings: one page each of 256 16-byte descriptors. Receive descriptors
 * are extended ones: the driver writes a buffer address (and zeros), the NIC writes back the
 * length and a status/error word over the same 16 bytes, so a slot is re-armed by writing its
 * read format again. Transmit descriptors are legacy ones, reclaimed once the NIC writes DD.
 */
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/string.h>
#include "e1000e.h"

#define E1000E_RX_BUDGET 256 /* frames per interrupt: one ring's worth */

static struct sk_buff *e1000e_alloc_rx_skb(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(E1000E_RX_BUF_SIZE + NET_IP_ALIGN, gfp);

	if (skb)
		skb_reserve(skb, NET_IP_ALIGN);
	return skb;
}

/* Arms slot i with skb's buffer (the read format; the write-back zeroed with it). */
static void e1000e_arm_rx(struct e1000e_adapter *adapter, unsigned int i, struct sk_buff *skb)
{
	adapter->rx_skb[i] = skb;
	adapter->rx_ring[i].read.buffer_addr = virt_to_phys(skb->data);
	adapter->rx_ring[i].read.reserved = 0;
}

int e1000e_setup_rings(struct e1000e_adapter *adapter)
{
	adapter->rx_ring = alloc_page();
	adapter->tx_ring = alloc_page();
	if (!adapter->rx_ring || !adapter->tx_ring)
		goto err_free;
	memset(adapter->rx_ring, 0, PAGE_SIZE);
	memset(adapter->tx_ring, 0, PAGE_SIZE);
	for (unsigned int i = 0; i < E1000E_RING_SIZE; i++) {
		struct sk_buff *skb = e1000e_alloc_rx_skb(GFP_KERNEL);

		if (!skb)
			goto err_free;
		e1000e_arm_rx(adapter, i, skb);
	}
	adapter->rx_next = adapter->tx_next = adapter->tx_clean = 0;
	adapter->rx_discard = false;
	return 0;

err_free:
	e1000e_free_rings(adapter);
	return -ENOMEM;
}

/* The hardware is stopped: every buffer is the driver's again. */
void e1000e_free_rings(struct e1000e_adapter *adapter)
{
	for (unsigned int i = 0; i < E1000E_RING_SIZE; i++) {
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

static void e1000e_ring_regs(struct e1000e_adapter *adapter, u32 base, const void *ring)
{
	u64 dma = virt_to_phys(ring);

	ew32(adapter, base, (u32)dma);                /* xDBAL */
	ew32(adapter, base + 4, (u32)(dma >> 32));    /* xDBAH */
	ew32(adapter, base + 8, PAGE_SIZE);           /* xDLEN */
	ew32(adapter, base + 0x10, 0);                /* xDH */
}

void e1000e_configure_rings(struct e1000e_adapter *adapter)
{
	ew32(adapter, E1000E_RFCTL, er32(adapter, E1000E_RFCTL) | E1000E_RFCTL_EXSTEN);
	e1000e_ring_regs(adapter, E1000E_RDBAL, adapter->rx_ring);
	ew32(adapter, E1000E_RDT, E1000E_RING_SIZE - 1);
	e1000e_ring_regs(adapter, E1000E_TDBAL, adapter->tx_ring);
	ew32(adapter, E1000E_TDT, 0);
}

static unsigned int e1000e_tx_free(const struct e1000e_adapter *adapter)
{
	return E1000E_RING_SIZE - 1 -
	       (adapter->tx_next - adapter->tx_clean) % E1000E_RING_SIZE;
}

/* Called under dev->tx_lock with interrupts off (dev_queue_xmit). */
netdev_tx_t e1000e_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1000e_adapter *adapter = netdev_priv(netdev);
	struct e1000e_tx_desc *desc;

	spin_lock(&adapter->lock);
	if (!e1000e_tx_free(adapter)) {
		netif_stop_queue(netdev);
		spin_unlock(&adapter->lock);
		return NETDEV_TX_BUSY;
	}
	desc = &adapter->tx_ring[adapter->tx_next];
	adapter->tx_skb[adapter->tx_next] = skb;
	*desc = (struct e1000e_tx_desc){
		.buffer_addr = virt_to_phys(skb->data), .length = (u16)skb->len,
		.cmd = E1000E_TXD_CMD_EOP | E1000E_TXD_CMD_IFCS | E1000E_TXD_CMD_RS,
	};
	adapter->tx_next = (adapter->tx_next + 1) % E1000E_RING_SIZE;
	wmb(); /* the descriptor before the tail that hands it over */
	ew32(adapter, E1000E_TDT, adapter->tx_next);
	if (e1000e_tx_free(adapter) < 2)
		netif_stop_queue(netdev);
	spin_unlock(&adapter->lock);
	return NETDEV_TX_OK;
}

/* Frees the frames the NIC has sent and wakes a stopped queue. Any context. */
void e1000e_clean_tx(struct e1000e_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;
	unsigned long flags;

	spin_lock_irqsave(&adapter->lock, flags);
	for (; adapter->tx_clean != adapter->tx_next;
	     adapter->tx_clean = (adapter->tx_clean + 1) % E1000E_RING_SIZE) {
		unsigned int i = adapter->tx_clean;

		if (!(READ_ONCE(adapter->tx_ring[i].status) & E1000E_TXD_STAT_DD))
			break;
		netdev->stats.tx_packets++;
		netdev->stats.tx_bytes += adapter->tx_skb[i]->len;
		dev_kfree_skb_any(adapter->tx_skb[i]);
		adapter->tx_skb[i] = NULL;
	}
	if (netif_queue_stopped(netdev) && e1000e_tx_free(adapter) >= 2)
		netif_wake_queue(netdev);
	spin_unlock_irqrestore(&adapter->lock, flags);
}

/* The length of the good frame in a written-back descriptor, or 0 (counted) to drop it. */
static unsigned int e1000e_rx_length(struct e1000e_adapter *adapter, u32 staterr, u16 length)
{
	struct net_device_stats *stats = &adapter->netdev->stats;
	bool eop = staterr & E1000E_RXD_STAT_EOP, discard = adapter->rx_discard;

	adapter->rx_discard = !eop; /* a frame spread over buffers is dropped whole */
	if (!eop || discard) {
		if (eop) {
			stats->rx_length_errors++;
			stats->rx_errors++;
		}
		return 0;
	}
	if ((staterr & E1000E_RXD_ERR_FRAME) || length < ETH_HLEN) {
		if (staterr & E1000E_RXD_ERR_FRAME)
			stats->rx_frame_errors++;
		else
			stats->rx_length_errors++;
		stats->rx_errors++;
		return 0;
	}
	return length;
}

/* Passes the frame in slot i up and re-arms the slot, with a fresh buffer when there is one. */
static void e1000e_receive_one(struct e1000e_adapter *adapter, unsigned int i, u32 staterr)
{
	struct net_device *netdev = adapter->netdev;
	struct sk_buff *skb = adapter->rx_skb[i], *fresh = NULL;
	unsigned int len = e1000e_rx_length(adapter, staterr, adapter->rx_ring[i].wb.length);

	if (len)
		fresh = e1000e_alloc_rx_skb(GFP_ATOMIC);
	if (len && !fresh)
		netdev->stats.rx_dropped++;
	if (!fresh) {
		e1000e_arm_rx(adapter, i, skb); /* the old buffer again */
		return;
	}
	skb_put(skb, len);
	skb->dev = netdev;
	netdev->stats.rx_packets++;
	netdev->stats.rx_bytes += len;
	if (is_multicast_ether_addr(skb->data))
		netdev->stats.multicast++;
	netif_rx(skb);
	e1000e_arm_rx(adapter, i, fresh);
}

void e1000e_clean_rx(struct e1000e_adapter *adapter)
{
	unsigned int done = 0, i = adapter->rx_next;
	u32 staterr;

	while (done < E1000E_RX_BUDGET &&
	       ((staterr = READ_ONCE(adapter->rx_ring[i].wb.status_error)) & E1000E_RXD_STAT_DD)) {
		rmb(); /* the status before the rest of the write-back */
		e1000e_receive_one(adapter, i, staterr);
		wmb(); /* the re-armed slot before the tail that gives it back */
		ew32(adapter, E1000E_RDT, i);
		i = (i + 1) % E1000E_RING_SIZE;
		done++;
	}
	adapter->rx_next = i;
}
