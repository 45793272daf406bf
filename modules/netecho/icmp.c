/*
 * netecho's IPv4 input and ICMP echo (RFC 791, 792): every header field is checked before
 * anything is trusted (version, length, checksum), fragments and options are dropped and
 * counted since nothing here reassembles or parses them, and an echo request gets a reply
 * with the same identifier, sequence and data.
 */
#include <keel/checksum.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/string.h>
#include "netecho.h"

#define IP_TTL 64
static u16 ip_next_id;

/* The IPv4 header if the frame holds a sound one addressed to dev, else NULL (counted). */
static const struct iphdr *ip_check(struct sk_buff *skb, struct net_device *dev)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	unsigned int tot_len;

	if (skb->len < sizeof(*iph) || (iph->ihl_version >> 4) != 4 ||
	    (iph->ihl_version & 0xf) < 5)
		goto hdr_error;
	tot_len = ntohs(iph->tot_len);
	if (tot_len > skb->len || tot_len < (iph->ihl_version & 0xfu) * 4)
		goto hdr_error;
	if (ip_compute_csum(iph, (iph->ihl_version & 0xfu) * 4)) {
		netecho_stats.ip_csum_errors++;
		return NULL;
	}
	if ((iph->ihl_version & 0xf) != 5) {
		netecho_stats.ip_options++;
		return NULL;
	}
	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) {
		netecho_stats.ip_fragments++;
		return NULL;
	}
	/* PACKET_OTHERHOST: seen only in promiscuous mode, meant for another station */
	if (!dev->ip_addr || iph->daddr != dev->ip_addr || skb->pkt_type == PACKET_OTHERHOST) {
		netecho_stats.ip_not_ours++;
		return NULL;
	}
	skb_trim(skb, tot_len); /* drop the Ethernet padding */
	return iph;

hdr_error:
	netecho_stats.ip_hdr_errors++;
	return NULL;
}

struct sk_buff *ip_alloc_skb(struct net_device *dev, unsigned int len)
{
	unsigned int room = ETH_HLEN + sizeof(struct iphdr);
	struct sk_buff *skb = alloc_skb(room + len, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb->dev = dev;
	skb_reserve(skb, room);
	return skb;
}

int ip_send(struct sk_buff *skb, u32 daddr, const u8 *dmac)
{
	struct net_device *dev = skb->dev;
	struct iphdr *iph = skb_push(skb, sizeof(*iph));
	struct ethhdr *eth;

	iph->ihl_version = 4 << 4 | 5;
	iph->tos = 0;
	iph->tot_len = htons((u16)skb->len);
	iph->id = htons(ip_next_id++);
	iph->frag_off = htons(0x4000); /* DF: we never fragment */
	iph->ttl = IP_TTL;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = dev->ip_addr;
	iph->daddr = daddr;
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	eth = skb_push(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dmac);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(ETH_P_IP);
	return dev_queue_xmit(skb);
}

/* Answers an echo request: same id, sequence and data, back to the sender's MAC. */
static void icmp_echo(struct sk_buff *skb, const struct iphdr *iph, const u8 *smac)
{
	unsigned int len = skb->len;
	struct sk_buff *reply = ip_alloc_skb(skb->dev, len);
	struct icmphdr *icmp;

	if (!reply) {
		netecho_stats.tx_failed++;
		return;
	}
	icmp = skb_put(reply, len);
	memcpy(icmp, skb->data, len);
	icmp->type = ICMP_ECHOREPLY;
	icmp->code = 0;
	icmp->checksum = 0;
	icmp->checksum = ip_compute_csum(icmp, len);
	if (ip_send(reply, iph->saddr, smac))
		netecho_stats.tx_failed++;
	else
		netecho_stats.echo_replied++;
}

static void icmp_rcv(struct sk_buff *skb, const struct iphdr *iph, const u8 *smac)
{
	const struct icmphdr *icmp = (const struct icmphdr *)skb->data;

	netecho_stats.icmp_in++;
	if (skb->len < sizeof(*icmp) || ip_compute_csum(icmp, skb->len)) {
		netecho_stats.icmp_csum_errors++;
		return;
	}
	if (icmp->type == ICMP_ECHO && icmp->code == 0)
		icmp_echo(skb, iph, smac);
	else if (icmp->type == ICMP_ECHOREPLY)
		ping_echo_reply(iph, icmp);
	else
		netecho_stats.icmp_other++;
}

int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
	const struct ethhdr *eth = (const struct ethhdr *)(skb->data - ETH_HLEN);
	const struct iphdr *iph;

	(void)pt;
	netecho_stats.ip_in++;
	iph = ip_check(skb, dev);
	if (iph && iph->protocol == IPPROTO_ICMP) {
		skb_pull(skb, sizeof(*iph));
		icmp_rcv(skb, iph, eth->h_source);
	}
	kfree_skb(skb);
	return 0;
}
