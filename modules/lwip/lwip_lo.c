/*
 * lwIP on Keel's `lo`: every IPv4 packet lwIP sends to itself (127.0.0.0/8, or one of its own
 * addresses such as 10.0.2.15) goes out through the `lo` net_device and comes back in through
 * the netrx thread, as on Linux, so lo's /proc/net/dev counters count it. lo carries Ethernet
 * frames with zero addresses (Linux's lo does too), so the core's eth_type_trans and
 * dev_add_pack dispatch work unchanged; lo's netif has no ARP. See docs/net.md, "lo".
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/ip4.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"

static struct net_device *lo_dev; /* Keel's lo while it has a netif; lwip_core_lock */

/* Sends one IPv4 packet through lo; lwip_core_lock held. ERR_OK, ERR_MEM or ERR_IF. */
static err_t lwip_lo_xmit(struct pbuf *p)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	if (!lo_dev)
		return ERR_IF;
	skb = alloc_skb(ETH_HLEN + p->tot_len, GFP_KERNEL);
	if (!skb) {
		lo_dev->stats.tx_dropped++;
		return ERR_MEM;
	}
	eth = skb_put(skb, ETH_HLEN);
	memset(eth, 0, 2 * ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	pbuf_copy_partial(p, skb_put(skb, p->tot_len), p->tot_len, 0);
	skb->dev = lo_dev;
	return dev_queue_xmit(skb) ? ERR_IF : ERR_OK;
}

static err_t lwip_lo_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest)
{
	return lwip_lo_xmit(p);
}

err_t lwip_lo_setup(struct netif *netif)
{
	struct lwip_if *lif = netif->state;

	netif->name[0] = 'l';
	netif->name[1] = 'o';
	netif->output = lwip_lo_output;
	netif->mtu = 0; /* lo's 65536 does not fit; 0: lwIP never fragments for it */
	netif->flags = NETIF_FLAG_IGMP; /* no ARP, no broadcast; groups joined on lo (Linux's) */
	lo_dev = lif->dev;
	return ERR_OK;
}

void lwip_lo_forget(struct net_device *dev)
{
	if (lo_dev == dev)
		lo_dev = NULL;
}

/*
 * lwIP's netif_loop_output() queues a packet for itself on the netif and asks for a
 * netif_poll() through tcpip_try_callback(), which lwipopts.h maps here: instead of lwIP's
 * ip_input on the queue, each packet is sent through lo at once. Only lo's queue is touched,
 * and lo's netif_rx just queues for the netrx thread, so lwIP is never re-entered. Always 0
 * (ERR_OK): a packet lo refuses (down) is dropped and counted in its tx_dropped.
 */
int lwip_lo_kick(struct netif *netif)
{
	while (netif->loop_first) {
		struct pbuf *in = netif->loop_first, *end = in;

		while (end->len != end->tot_len && end->next)
			end = end->next;
		netif->loop_first = end->next;
		if (!netif->loop_first)
			netif->loop_last = NULL;
		end->next = NULL;
		if (lwip_lo_xmit(in) != ERR_OK)
			LINK_STATS_INC(link.drop);
		pbuf_free(in);
	}
	return ERR_OK;
}

/*
 * LWIP_HOOK_IP4_INPUT: 127.0.0.0/8 from or to anywhere but lo is a martian, dropped as
 * Linux's ip_route_input_slow does (lwIP, with no loopif of its own, would accept 127.0.0.1 on
 * every netif). Returns 1 when it ate (freed) p.
 */
int lwip_lo_martian(struct pbuf *p, struct netif *inp)
{
	const struct ip_hdr *iph = p->payload;

	if (inp->output == lwip_lo_output || p->len < IP_HLEN)
		return 0; /* a short header is lwIP's to drop */
	if (!ip4_addr_isloopback(&iph->src) && !ip4_addr_isloopback(&iph->dest))
		return 0;
	IP_STATS_INC(ip.drop);
	pbuf_free(p);
	return 1;
}
