/*
 * Netdevice notifiers (see <keel/netdevice.h>): who wants to hear of devices registered,
 * opened, closed and unregistered. The list is only touched with rtnl held, so a notifier is
 * never called while it is being added or removed.
 */
#include <keel/export.h>
#include <keel/mutex.h>
#include "net_internal.h"

static LIST_HEAD(netdev_chain); /* under rtnl */

void call_netdevice_notifiers(unsigned long event, struct net_device *dev)
{
	struct notifier_block *nb;

	list_for_each_entry(nb, &netdev_chain, list)
		nb->notifier_call(nb, event, dev);
}

int register_netdevice_notifier(struct notifier_block *nb)
{
	struct net_device *dev;

	rtnl_lock();
	list_add_tail(&nb->list, &netdev_chain);
	for_each_netdev(dev) {
		nb->notifier_call(nb, NETDEV_REGISTER, dev);
		if (dev->flags & IFF_UP)
			nb->notifier_call(nb, NETDEV_UP, dev);
	}
	rtnl_unlock();
	return 0;
}
EXPORT_SYMBOL_GPL(register_netdevice_notifier);

void unregister_netdevice_notifier(struct notifier_block *nb)
{
	struct net_device *dev;

	rtnl_lock();
	for_each_netdev(dev) {
		if (dev->flags & IFF_UP)
			nb->notifier_call(nb, NETDEV_DOWN, dev);
		nb->notifier_call(nb, NETDEV_UNREGISTER, dev);
	}
	list_del_init(&nb->list);
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(unregister_netdevice_notifier);
