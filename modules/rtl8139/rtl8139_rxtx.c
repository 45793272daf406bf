/*
 * rtl8139's data path. Receive: the chip writes frames one after another into a ring buffer,
 * each behind a 4-byte header (status, length with the CRC); the driver copies each into an
 * skb and moves CAPR past it. Transmit: four slots used in turn, each a bounce buffer the
 * frame is copied into (the chip needs one contiguous buffer below 4 GiB and pads nothing);
 * writing the slot's TSD starts it, TOK/TABT in TSD says when it is done.
 */
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/ratelimit.h>
#include <keel/string.h>
#include "rtl8139.h"

#define PHYS_4G (1ULL << 32)

/* Both DMA areas, below 4 GiB (the chip has 32-bit address registers). 0 or -ENOMEM. */
int rtl8139_alloc_buffers(struct rtl8139_priv *p)
{
	p->rx_ring = alloc_pages(RTL_RX_BUF_ORDER);
	p->tx_bufs = alloc_pages(RTL_TX_BUF_ORDER);
	if (!p->rx_ring || !p->tx_bufs)
		goto err_free;
	if (virt_to_phys(p->rx_ring) + RTL_RX_BUF_LEN > PHYS_4G ||
	    virt_to_phys(p->tx_bufs) + RTL_NUM_TX * RTL_TX_BUF_SIZE > PHYS_4G) {
		pr_err("rtl8139: %s: no DMA memory below 4 GiB\n", p->netdev->name);
		goto err_free;
	}
	memset(p->rx_ring, 0, RTL_RX_BUF_LEN);
	p->tx_cur = p->tx_dirty = 0;
	return 0;

err_free:
	rtl8139_free_buffers(p);
	return -ENOMEM;
}

void rtl8139_free_buffers(struct rtl8139_priv *p)
{
	if (p->rx_ring)
		free_pages(p->rx_ring, RTL_RX_BUF_ORDER);
	if (p->tx_bufs)
		free_pages(p->tx_bufs, RTL_TX_BUF_ORDER);
	p->rx_ring = p->tx_bufs = NULL;
}

/*
 * RCR and MAR from dev->flags and the multicast list's hash (p->mar), also after a receive
 * error, in the interrupt handler. RCR.AM lets multicast frames that hit MAR in; Linux always
 * sets it.
 */
static void rtl8139_write_rcr(struct rtl8139_priv *p)
{
	unsigned int flags = p->netdev->flags;
	u32 rcr = RTL_RCR_APM | RTL_RCR_AB | RTL_RCR_AM | RTL_RCR_MXDMA_UNLIM |
		  RTL_RCR_RBLEN_8K | RTL_RCR_RXFTH_NONE;
	bool all = flags & (IFF_PROMISC | IFF_ALLMULTI);

	if (flags & IFF_PROMISC)
		rcr |= RTL_RCR_AAP;
	rtl_w32(p, RTL_MAR0, all ? 0xffffffff : p->mar[0]);
	rtl_w32(p, RTL_MAR0 + 4, all ? 0xffffffff : p->mar[1]);
	rtl_w32(p, RTL_RCR, rcr);
}

/* MAR is a 64-bit hash filter indexed by the top six bits of each address's Ethernet CRC
 * (Linux's rtl8139_set_rx_mode). rtnl held: the list does not change meanwhile. */
static void rtl8139_hash_mc_list(struct rtl8139_priv *p, u32 *mar)
{
	struct netdev_hw_addr *ha;

	mar[0] = mar[1] = 0;
	netdev_for_each_mc_addr(ha, p->netdev) {
		unsigned int bit = ether_crc(ETH_ALEN, ha->addr) >> 26;

		mar[bit >> 5] |= 1u << (bit & 31);
	}
}

/*
 * (Re)starts the receiver at the start of the ring, with RCR from dev->flags. The chip takes
 * RCR only once RE and TE are on (the programming guide's order). After a receive error this
 * is the recovery. Called with the receive path quiet (open, or interrupts off).
 */
void rtl8139_start_rx(struct rtl8139_priv *p)
{
	rtl_w8(p, RTL_CR, RTL_CR_TE);
	p->rx_off = 0;
	rtl_w32(p, RTL_RBSTART, (u32)virt_to_phys(p->rx_ring));
	rtl_w8(p, RTL_CR, RTL_CR_RE | RTL_CR_TE);
	rtl8139_write_rcr(p);
	rtl_w16(p, RTL_CAPR, (u16)(0 - 16));
}

/*
 * ndo_set_rx_mode. QEMU's model moves its ring pointers back to 0 on every RCR write, the
 * chip does not: restarting the receiver keeps both in step, at the cost of the frames
 * waiting in the ring. Interrupts are off meanwhile, so the handler never sees it half done.
 */
void rtl8139_set_rx_mode(struct net_device *netdev)
{
	struct rtl8139_priv *p = netdev_priv(netdev);
	unsigned long flags;
	u32 mar[2];

	rtl8139_hash_mc_list(p, mar);
	spin_lock_irqsave(&p->lock, flags);
	p->mar[0] = mar[0];
	p->mar[1] = mar[1];
	if (p->rx_ring) /* else down: open writes RCR */
		rtl8139_start_rx(p);
	spin_unlock_irqrestore(&p->lock, flags);
}

/* Called under dev->tx_lock with interrupts off (dev_queue_xmit). Copies and frees skb. */
netdev_tx_t rtl8139_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct rtl8139_priv *p = netdev_priv(netdev);
	unsigned int slot, len = skb->len;
	u8 *buf;

	spin_lock(&p->lock);
	if (p->tx_cur - p->tx_dirty >= RTL_NUM_TX) {
		netif_stop_queue(netdev);
		spin_unlock(&p->lock);
		return NETDEV_TX_BUSY;
	}
	slot = p->tx_cur % RTL_NUM_TX;
	buf = p->tx_bufs + slot * RTL_TX_BUF_SIZE;
	memcpy(buf, skb->data, len);
	if (len < ETH_ZLEN) { /* the chip sends what it is given: pad runts with zeros */
		memset(buf + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	p->tx_len[slot] = skb->len;
	rtl_w32(p, RTL_TSAD0 + 4 * slot, (u32)virt_to_phys(buf));
	wmb(); /* the frame's bytes before the status write that starts the DMA */
	rtl_w32(p, RTL_TSD0 + 4 * slot, len | RTL_TSD_ERTXTH(256));
	p->tx_cur++;
	if (p->tx_cur - p->tx_dirty == RTL_NUM_TX)
		netif_stop_queue(netdev);
	spin_unlock(&p->lock);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Counts the slots the chip is done with and wakes a stopped queue. Any context. */
void rtl8139_clean_tx(struct rtl8139_priv *p)
{
	struct net_device *netdev = p->netdev;
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	while (p->tx_dirty != p->tx_cur) {
		unsigned int slot = p->tx_dirty % RTL_NUM_TX;
		u32 tsd = rtl_r32(p, RTL_TSD0 + 4 * slot);

		if (!(tsd & (RTL_TSD_TOK | RTL_TSD_TUN | RTL_TSD_TABT)))
			break;
		if (tsd & RTL_TSD_TOK) {
			netdev->stats.tx_packets++;
			netdev->stats.tx_bytes += p->tx_len[slot];
		} else {
			netdev->stats.tx_errors++;
			if (tsd & RTL_TSD_TUN)
				netdev->stats.tx_fifo_errors++;
			if (tsd & RTL_TSD_TABT) /* let the chip go on with the next slot */
				rtl_w32(p, RTL_TCR, rtl_r32(p, RTL_TCR) | RTL_TCR_CLRABT);
		}
		p->tx_dirty++;
	}
	if (netif_queue_stopped(netdev) && p->tx_cur - p->tx_dirty < RTL_NUM_TX)
		netif_wake_queue(netdev);
	spin_unlock_irqrestore(&p->lock, flags);
}

/*
 * Whether the header status/size (size with the 4-byte CRC) is one the chip writes; one it
 * never writes (Linux's test in rtl8139_rx) means the ring is out of step. Counted.
 */
static bool rtl8139_rx_header_ok(struct rtl8139_priv *p, u16 status, u16 size)
{
	struct net_device_stats *stats = &p->netdev->stats;

	if ((status & RTL_RX_ROK) && !(status & RTL_RX_BAD) && size >= 8 &&
	    size <= ETH_FRAME_LEN + ETH_FCS_LEN)
		return true;
	/* Bad frames are the network's doing, not the kernel's: dmesg, not the console. */
	printk_ratelimited(KERN_DEBUG "rtl8139: %s: bad receive header (status %#06x, length "
			   "%u), receiver restarted\n", p->netdev->name, status, size);
	stats->rx_errors++;
	if (status & RTL_RX_CRC)
		stats->rx_crc_errors++;
	else if (status & RTL_RX_FAE)
		stats->rx_frame_errors++;
	else
		stats->rx_length_errors++;
	return false;
}

/*
 * Copies the frame at ring offset off (len bytes, no CRC) into an skb, in two pieces when it
 * continues at the start of the ring, and hands it up.
 */
static void rtl8139_rx_frame(struct rtl8139_priv *p, unsigned int off, unsigned int len)
{
	struct net_device *netdev = p->netdev;
	struct sk_buff *skb = alloc_skb(len + NET_IP_ALIGN, GFP_ATOMIC);
	unsigned int first = min(len, RTL_RX_RING_LEN - off);
	u8 *data;

	if (!skb) {
		netdev->stats.rx_dropped++;
		return;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	data = skb_put(skb, len);
	memcpy(data, p->rx_ring + off, first);
	memcpy(data + first, p->rx_ring, len - first);
	skb->dev = netdev;
	netdev->stats.rx_packets++;
	netdev->stats.rx_bytes += len;
	if (is_multicast_ether_addr(data))
		netdev->stats.multicast++;
	netif_rx(skb);
}

/*
 * Takes the frames the chip has written since the last call (at most RTL_RX_BUDGET). A
 * header the chip should never write (a bad status or length) means the ring is out of step:
 * the receiver restarts at offset 0, as Linux's rtl8139_rx_err does.
 */
void rtl8139_rx(struct rtl8139_priv *p)
{
	for (unsigned int done = 0; done < RTL_RX_BUDGET; done++) {
		const u8 *hdr;
		u16 status, size;

		if (rtl_r8(p, RTL_CR) & RTL_CR_BUFE)
			return;
		rmb(); /* BUFE before the header the chip wrote */
		hdr = p->rx_ring + p->rx_off;
		status = (u16)(hdr[0] | hdr[1] << 8);
		size = (u16)(hdr[2] | hdr[3] << 8);
		if (size == RTL_RX_EARLY)
			return; /* still being copied in: the next interrupt brings it */
		if (!rtl8139_rx_header_ok(p, status, size)) {
			rtl8139_start_rx(p);
			return;
		}
		if (size - ETH_FCS_LEN >= ETH_HLEN) {
			rtl8139_rx_frame(p, (p->rx_off + 4) % RTL_RX_RING_LEN,
					 size - ETH_FCS_LEN);
		} else {
			p->netdev->stats.rx_length_errors++;
			p->netdev->stats.rx_errors++;
		}
		p->rx_off = (p->rx_off + size + 4 + 3) & ~3u;
		p->rx_off %= RTL_RX_RING_LEN;
		rtl_w16(p, RTL_CAPR, (u16)(p->rx_off - 16));
	}
}
