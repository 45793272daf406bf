/*
 * One lwIP netif per Keel Ethernet device, and one for lo (lwip_lo.c). A netdevice notifier
 * adds it when the device is registered (or already is at load) and removes it before the
 * device goes; received IPv4 and ARP frames come from the netrx thread through dev_add_pack
 * and are copied into pbufs; lwIP's frames leave through dev_queue_xmit. lwipd polls each
 * device so the netif follows `ip link set up|down`, the carrier and `ip addr add`, and
 * copies back what lwIP changed itself (a DHCP lease, IGMP's multicast groups).
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ip4.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

static LIST_HEAD(lwip_ifs); /* under lwip_core_lock */
unsigned int lwip_addr_changes;

static struct lwip_if *lwip_if_of(const struct net_device *dev)
{
	struct lwip_if *lif;

	list_for_each_entry(lif, &lwip_ifs, list)
		if (lif->dev == dev)
			return lif;
	return NULL;
}

struct netif *lwip_netif_by_ifindex(int ifindex)
{
	struct lwip_if *lif;

	list_for_each_entry(lif, &lwip_ifs, list)
		if (lif->dev->ifindex == ifindex)
			return &lif->netif;
	return NULL;
}

int lwip_netif_ifindex(const struct netif *netif)
{
	return ((const struct lwip_if *)netif->state)->dev->ifindex;
}

struct lwip_if *lwip_if_by_name(const char *name)
{
	struct lwip_if *lif;

	list_for_each_entry(lif, &lwip_ifs, list)
		if (!strcmp(lif->dev->name, name))
			return lif;
	return NULL;
}

static err_t lwip_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct lwip_if *lif = netif->state;
	struct sk_buff *skb = alloc_skb(p->tot_len, GFP_KERNEL);
	int err;

	if (!skb)
		return ERR_MEM;
	pbuf_copy_partial(p, skb_put(skb, p->tot_len), p->tot_len, 0);
	skb->dev = lif->dev;
	err = dev_queue_xmit(skb);
	/* a full ring: lwIP's TCP tries again from its timer, UDP and ICMP are lost */
	return err == -ENOBUFS ? ERR_MEM : err ? ERR_IF : ERR_OK;
}

static err_t lwip_netif_setup(struct netif *netif)
{
	struct lwip_if *lif = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = lwip_linkoutput;
	netif->mtu = (u16_t)lif->dev->mtu;
	netif->hwaddr_len = ETH_ALEN;
	memcpy(netif->hwaddr, lif->dev->dev_addr, ETH_ALEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	lwip_igmp_setup(netif);
	return ERR_OK;
}

/* The netmask of a prefix length, big-endian. */
static u32 prefix_mask(unsigned int prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

/* Gives lwIP the address and gateway `ip addr add` and `ip route add` set on the device. */
static void lwip_apply_addr(struct lwip_if *lif)
{
	ip4_addr_t addr, mask, gw;

	lif->applied_addr = lif->dev->ip_addr;
	lif->applied_prefix = lif->dev->ip_prefixlen;
	lif->applied_gateway = lif->dev->ip_gateway;
	ip4_addr_set_u32(&addr, lif->applied_addr);
	ip4_addr_set_u32(&mask, prefix_mask(lif->applied_prefix));
	ip4_addr_set_u32(&gw, lif->applied_gateway);
	netif_set_addr(&lif->netif, &addr, &mask, &gw);
	if (lif->dev->type == ARPHRD_LOOPBACK)
		return; /* never the default route */
	if (lif->applied_gateway || (lif->applied_addr && !netif_default))
		netif_set_default(&lif->netif);
}

/* The prefix length of a (contiguous) netmask. */
static unsigned int mask_prefix(u32 mask_be)
{
	unsigned int n = 0;

	for (u32 m = ntohl(mask_be); m & 0x80000000u; m <<= 1)
		n++;
	return n;
}

void lwip_if_take_lease(struct lwip_if *lif)
{
	struct net_device *dev = lif->dev;
	u32 gw = ip4_addr_get_u32(netif_ip4_gw(&lif->netif));

	dev->ip_addr = ip4_addr_get_u32(netif_ip4_addr(&lif->netif));
	dev->ip_prefixlen = (u8)mask_prefix(ip4_addr_get_u32(netif_ip4_netmask(&lif->netif)));
	if (gw || !dev->ip_addr)
		dev->ip_gateway = gw; /* a lease without a router keeps `ip route add`'s */
	lif->applied_addr = dev->ip_addr;
	lif->applied_prefix = dev->ip_prefixlen;
	lif->applied_gateway = gw; /* lwip_netif_poll gives lwIP a kept gateway back */
	lif->lease_changed = false;
	if (gw)
		netif_set_default(&lif->netif);
}

bool lwip_sync_pending;

static void lwip_netif_status(struct netif *netif)
{
	struct lwip_if *lif = netif->state;

	/* Not what lwip_apply_addr gave: lwIP's DHCP bound, renewed with another address, or
	 * lost its lease. lwipd makes it the device's, under rtnl. */
	if (ip4_addr_get_u32(netif_ip4_addr(netif)) != lif->applied_addr ||
	    ip4_addr_get_u32(netif_ip4_netmask(netif)) != prefix_mask(lif->applied_prefix) ||
	    ip4_addr_get_u32(netif_ip4_gw(netif)) != lif->applied_gateway)
		lif->lease_changed = lwip_sync_pending = true;
	lwip_addr_changes++;
	lwip_wake();
}

void lwip_netif_sync(void)
{
	struct lwip_if *lif;

	if (!READ_ONCE(lwip_sync_pending))
		return;
	rtnl_lock();
	mutex_lock(&lwip_core_lock);
	lwip_sync_pending = false;
	list_for_each_entry(lif, &lwip_ifs, list) {
		if (lif->lease_changed)
			lwip_if_take_lease(lif);
		lwip_igmp_apply(lif);
	}
	mutex_unlock(&lwip_core_lock);
	rtnl_unlock();
}

void lwip_netif_poll(void)
{
	struct lwip_if *lif;

	list_for_each_entry(lif, &lwip_ifs, list) {
		struct net_device *dev = lif->dev;
		bool up = dev->flags & IFF_UP, link = up && netif_carrier_ok(dev);

		if (up && !netif_is_up(&lif->netif))
			netif_set_up(&lif->netif);
		else if (!up && netif_is_up(&lif->netif))
			netif_set_down(&lif->netif);
		if (link != lif->link_up) {
			lif->link_up = link;
			if (link)
				netif_set_link_up(&lif->netif);
			else
				netif_set_link_down(&lif->netif);
		}
		if (dev->ip_addr != lif->applied_addr || dev->ip_prefixlen != lif->applied_prefix ||
		    dev->ip_gateway != lif->applied_gateway)
			lwip_apply_addr(lif);
	}
}

static void lwip_if_add(struct net_device *dev)
{
	bool lo = dev->type == ARPHRD_LOOPBACK;
	struct lwip_if *lif;

	if (dev->type != ARPHRD_ETHER && !lo)
		return;
	lif = kzalloc(sizeof(*lif), GFP_KERNEL);
	if (!lif) {
		pr_err("lwip: %s: no memory for its netif\n", dev->name);
		return;
	}
	lif->dev = dev;
	INIT_LIST_HEAD(&lif->mc_ops);
	mutex_lock(&lwip_core_lock);
	if (!netif_add(&lif->netif, NULL, NULL, NULL, lif, lo ? lwip_lo_setup : lwip_netif_setup,
		       lo ? ip4_input : ethernet_input)) {
		mutex_unlock(&lwip_core_lock);
		pr_err("lwip: %s: netif_add failed\n", dev->name);
		kfree(lif);
		return;
	}
	netif_set_status_callback(&lif->netif, lwip_netif_status);
	list_add_tail(&lif->list, &lwip_ifs);
	lwip_igmp_apply(lif); /* 224.0.0.1; the notifier holds rtnl */
	lwip_netif_poll();
	mutex_unlock(&lwip_core_lock);
}

static void lwip_if_remove(struct net_device *dev)
{
	struct lwip_if *lif;

	mutex_lock(&lwip_core_lock);
	lif = lwip_if_of(dev);
	if (lif) {
		list_del(&lif->list);
		lwip_lo_forget(dev);
		dhcp_release_and_stop(&lif->netif);
		dhcp_cleanup(&lif->netif);
		netif_remove(&lif->netif);
		lwip_igmp_apply(lif); /* igmp_stop's deletions; the notifier holds rtnl */
	}
	mutex_unlock(&lwip_core_lock);
	kfree(lif);
}

static int lwip_netdev_event(struct notifier_block *nb, unsigned long event, void *data)
{
	if (event == NETDEV_REGISTER)
		lwip_if_add(data);
	else if (event == NETDEV_UNREGISTER)
		lwip_if_remove(data);
	return NOTIFY_DONE;
}

/* IPv4 and ARP frames, in the netrx thread: skb->data is past the Ethernet header. */
static int lwip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
	bool lo = dev->type == ARPHRD_LOOPBACK;
	struct lwip_if *lif;
	struct pbuf *p;

	/* another host's (promiscuous: as Linux's ip_rcv, not ours), or not IPv4 on lo */
	if (skb->pkt_type == PACKET_OTHERHOST || (lo && skb->protocol != htons(ETH_P_IP))) {
		kfree_skb(skb);
		return 0;
	}
	if (!lo)
		skb_push(skb, ETH_HLEN); /* ethernet_input wants the frame, lo's ip4_input the packet */
	if (skb->len > 0xffff) { /* more than a pbuf (or an IPv4 packet) holds */
		dev->stats.rx_length_errors++;
		kfree_skb(skb);
		return 0;
	}
	mutex_lock(&lwip_core_lock);
	lwip_netif_poll(); /* a frame right after `ip addr add` finds the address in place */
	lif = lwip_if_of(dev);
	if (lif && netif_is_up(&lif->netif)) {
		p = pbuf_alloc(PBUF_RAW, (u16_t)skb->len, PBUF_RAM);
		if (!p)
			dev->stats.rx_dropped++;
		else if (pbuf_take(p, skb->data, (u16_t)skb->len) != ERR_OK ||
			 lif->netif.input(p, &lif->netif) != ERR_OK)
			pbuf_free(p);
	}
	mutex_unlock(&lwip_core_lock);
	kfree_skb(skb);
	return 0;
}

static struct notifier_block lwip_netdev_notifier = { .notifier_call = lwip_netdev_event };
static struct packet_type lwip_ip_type = { .type = ETH_P_IP, .func = lwip_rcv };
static struct packet_type lwip_arp_type = { .type = ETH_P_ARP, .func = lwip_rcv };

int lwip_netif_init(void)
{
	register_netdevice_notifier(&lwip_netdev_notifier);
	dev_add_pack(&lwip_arp_type);
	dev_add_pack(&lwip_ip_type);
	return 0;
}

void lwip_netif_exit(void)
{
	dev_remove_pack(&lwip_ip_type);
	dev_remove_pack(&lwip_arp_type);
	unregister_netdevice_notifier(&lwip_netdev_notifier);
}
