/*
 * netecho's ARP (RFC 826): answers requests for a device's address and keeps a small cache
 * of what replies told it, for ping. Anything not Ethernet/IPv4 or too short is dropped and
 * counted; a flood of requests only ever costs one reply each.
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/jiffies.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "netecho.h"

#define ARP_CACHE_SIZE 16

/* Keyed by ifindex, never reused, so an entry outliving its device (rmmod) matches nothing. */
struct arp_entry {
	int ifindex;
	u32 ip;
	u8 mac[ETH_ALEN];
};

static struct arp_entry arp_cache[ARP_CACHE_SIZE];
static unsigned int arp_next_slot;
static DEFINE_SPINLOCK(arp_lock);
static DECLARE_WAIT_QUEUE_HEAD(arp_wait);

static void arp_learn(struct net_device *dev, u32 ip, const u8 *mac)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&arp_lock, flags);
	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].ifindex == dev->ifindex && arp_cache[i].ip == ip)
			break;
	if (i == ARP_CACHE_SIZE)
		i = arp_next_slot++ % ARP_CACHE_SIZE;
	arp_cache[i].ifindex = dev->ifindex;
	arp_cache[i].ip = ip;
	ether_addr_copy(arp_cache[i].mac, mac);
	spin_unlock_irqrestore(&arp_lock, flags);
	wake_up_all(&arp_wait);
}

static bool arp_lookup(struct net_device *dev, u32 ip, u8 *mac)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&arp_lock, flags);
	for (unsigned int i = 0; i < ARP_CACHE_SIZE && !found; i++) {
		if (arp_cache[i].ifindex == dev->ifindex && arp_cache[i].ip == ip) {
			ether_addr_copy(mac, arp_cache[i].mac);
			found = true;
		}
	}
	spin_unlock_irqrestore(&arp_lock, flags);
	return found;
}

void arp_flush_dev(struct net_device *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&arp_lock, flags);
	for (unsigned int i = 0; i < ARP_CACHE_SIZE; i++)
		if (!dev || arp_cache[i].ifindex == dev->ifindex)
			memset(&arp_cache[i], 0, sizeof(arp_cache[i]));
	spin_unlock_irqrestore(&arp_lock, flags);
}

/* Builds and sends an ARP packet from dev; tha NULL: a broadcast request. */
static int arp_send(struct net_device *dev, u16 op, u32 tip, const u8 *tha)
{
	struct sk_buff *skb = alloc_skb(ETH_HLEN + sizeof(struct arphdr_eth), GFP_KERNEL);
	struct arphdr_eth *arp;
	struct ethhdr *eth;

	if (!skb)
		return -ENOMEM;
	skb->dev = dev;
	eth = skb_put(skb, ETH_HLEN);
	arp = skb_put(skb, sizeof(*arp));
	ether_addr_copy(eth->h_dest, tha ? tha : dev->broadcast);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(ETH_P_ARP);
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(op);
	ether_addr_copy(arp->ar_sha, dev->dev_addr);
	arp->ar_sip = dev->ip_addr;
	memset(arp->ar_tha, 0, ETH_ALEN);
	if (tha)
		ether_addr_copy(arp->ar_tha, tha);
	arp->ar_tip = tip;
	return dev_queue_xmit(skb);
}

static bool arp_valid(const struct sk_buff *skb, const struct arphdr_eth *arp)
{
	return skb->len >= sizeof(*arp) && arp->ar_hrd == htons(ARPHRD_ETHER) &&
	       arp->ar_pro == htons(ETH_P_IP) && arp->ar_hln == ETH_ALEN && arp->ar_pln == 4 &&
	       (arp->ar_op == htons(ARPOP_REQUEST) || arp->ar_op == htons(ARPOP_REPLY)) &&
	       is_valid_ether_addr(arp->ar_sha);
}

int arp_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
	const struct arphdr_eth *arp = (const struct arphdr_eth *)skb->data;

	(void)pt;
	netecho_stats.arp_in++;
	if (!arp_valid(skb, arp)) {
		netecho_stats.arp_bad++;
		goto out;
	}
	if (!dev->ip_addr || arp->ar_tip != dev->ip_addr)
		goto out; /* not about us: Linux would not learn from it either */
	arp_learn(dev, arp->ar_sip, arp->ar_sha);
	if (arp->ar_op == htons(ARPOP_REQUEST)) {
		if (arp_send(dev, ARPOP_REPLY, arp->ar_sip, arp->ar_sha))
			netecho_stats.tx_failed++;
		else
			netecho_stats.arp_replied++;
	}
out:
	kfree_skb(skb);
	return 0;
}

int arp_resolve(struct net_device *dev, u32 ip, u8 *mac)
{
	for (int tries = 0; tries < 3; tries++) {
		long left;

		if (arp_lookup(dev, ip, mac))
			return 0;
		arp_send(dev, ARPOP_REQUEST, ip, NULL);
		left = wait_event_interruptible_timeout(arp_wait, arp_lookup(dev, ip, mac), HZ);
		if (left < 0)
			return (int)left;
		if (left > 0)
			return 0;
	}
	return -EHOSTUNREACH;
}
