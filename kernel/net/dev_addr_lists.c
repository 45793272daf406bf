/*
 * Each device's multicast list (see <keel/netdevice.h>, after Linux's
 * net/core/dev_addr_lists.c): the link-layer multicast addresses its receive filter must let
 * in, refcounted per user, with the user's own `ip maddr add` entry kept apart (global_use)
 * as Linux does. Every change reprograms the driver's filter through ndo_set_rx_mode.
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/export.h>
#include <keel/slab.h>
#include "net_internal.h"

static struct netdev_hw_addr *mc_find(struct net_device *dev, const u8 *addr)
{
	struct netdev_hw_addr *ha;

	netdev_for_each_mc_addr(ha, dev)
		if (ether_addr_equal(ha->addr, addr))
			return ha;
	return NULL;
}

/* The driver's filter after a change: only while up (dev_open programs it otherwise). */
static void dev_set_rx_mode(struct net_device *dev)
{
	if ((dev->flags & IFF_UP) && dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
}

static int mc_add(struct net_device *dev, const u8 *addr, bool global)
{
	struct netdev_hw_addr *ha;

	if (!is_multicast_ether_addr(addr))
		return -EINVAL;
	ha = mc_find(dev, addr);
	if (ha) {
		if (global && ha->global_use)
			return 0;
		ha->global_use |= global;
		ha->refcount++;
		return 0;
	}
	ha = kzalloc(sizeof(*ha), GFP_KERNEL);
	if (!ha)
		return -ENOMEM;
	ether_addr_copy(ha->addr, addr);
	ha->refcount = 1;
	ha->global_use = global;
	list_add_tail(&ha->list, &dev->mc.list);
	dev->mc.count++;
	dev_set_rx_mode(dev);
	return 0;
}

static int mc_del(struct net_device *dev, const u8 *addr, bool global)
{
	struct netdev_hw_addr *ha = mc_find(dev, addr);

	/* a stack's last user may not take the user's entry with it, nor the reverse */
	if (!ha || (global && !ha->global_use) || (!global && ha->refcount == ha->global_use))
		return -ENOENT;
	if (global)
		ha->global_use = false;
	if (--ha->refcount)
		return 0;
	list_del(&ha->list);
	dev->mc.count--;
	kfree(ha);
	dev_set_rx_mode(dev);
	return 0;
}

int dev_mc_add(struct net_device *dev, const u8 *addr) { return mc_add(dev, addr, false); }
EXPORT_SYMBOL_GPL(dev_mc_add);
int dev_mc_del(struct net_device *dev, const u8 *addr) { return mc_del(dev, addr, false); }
EXPORT_SYMBOL_GPL(dev_mc_del);
int dev_mc_add_global(struct net_device *dev, const u8 *addr) { return mc_add(dev, addr, true); }
EXPORT_SYMBOL_GPL(dev_mc_add_global);
int dev_mc_del_global(struct net_device *dev, const u8 *addr) { return mc_del(dev, addr, true); }
EXPORT_SYMBOL_GPL(dev_mc_del_global);

void dev_mc_flush(struct net_device *dev)
{
	struct netdev_hw_addr *ha, *next;

	list_for_each_entry_safe(ha, next, &dev->mc.list, list) {
		list_del(&ha->list);
		kfree(ha);
	}
	dev->mc.count = 0;
}
EXPORT_SYMBOL_GPL(dev_mc_flush);
