/*
 * lwIP's IGMP on Keel's multicast lists: each IPv4 group lwIP joins on an Ethernet netif
 * (224.0.0.1, all hosts, as soon as the netif exists, as Linux joins it; later whatever
 * sockets join) goes on its device's multicast list as 01:00:5e and the group's low 23 bits
 * (RFC 1112, 6.4), so the NIC's filter lets the group's frames in. lwIP asks through the
 * netif's igmp_mac_filter with lwip_core_lock held, but the list wants rtnl, which comes first
 * in the lock order: the requests wait on the lwip_if until a context holding both applies
 * them in order (the netdevice notifier, or lwipd). See docs/net.md, "Multicast lists".
 */
#include <keel/etherdevice.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include "lwip_port.h"
#include "lwip/igmp.h"

struct lwip_mc_op {
	struct list_head list;      /* on lif->mc_ops */
	u8 addr[ETH_ALEN];
	bool add;
};

static err_t lwip_igmp_mac_filter(struct netif *netif, const ip4_addr_t *group,
				  enum netif_mac_filter_action action)
{
	struct lwip_if *lif = netif->state;
	struct lwip_mc_op *op = kmalloc(sizeof(*op), GFP_KERNEL);
	u32 g = ntohl(ip4_addr_get_u32(group));

	if (!op)
		return ERR_MEM;
	op->addr[0] = 0x01;
	op->addr[1] = 0x00;
	op->addr[2] = 0x5e;
	op->addr[3] = (g >> 16) & 0x7f;
	op->addr[4] = (g >> 8) & 0xff;
	op->addr[5] = g & 0xff;
	op->add = action == NETIF_ADD_MAC_FILTER;
	list_add_tail(&op->list, &lif->mc_ops);
	lwip_sync_pending = true;
	return ERR_OK;
}

void lwip_igmp_setup(struct netif *netif)
{
	netif->flags |= NETIF_FLAG_IGMP;
	netif_set_igmp_mac_filter(netif, lwip_igmp_mac_filter);
}

void lwip_igmp_apply(struct lwip_if *lif)
{
	struct lwip_mc_op *op, *next;

	list_for_each_entry_safe(op, next, &lif->mc_ops, list) {
		int err = op->add ? dev_mc_add(lif->dev, op->addr) : dev_mc_del(lif->dev, op->addr);

		if (err) /* -ENOMEM: the group's frames stay out; lwIP still counts it joined */
			pr_err("lwip: %s: multicast list %s failed (%d)\n", lif->dev->name,
			       op->add ? "add" : "delete", err);
		list_del(&op->list);
		kfree(op);
	}
}
