/*
 * The network device core (see <keel/netdevice.h>): allocation, registration and names,
 * bringing devices up and down, and the transmit path with its queue control.
 */
#include <keel/bug.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/export.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include "net_internal.h"

LIST_HEAD(net_device_list);
EXPORT_SYMBOL_GPL(net_device_list);
static DEFINE_MUTEX(rtnl_mutex);
static int next_ifindex = 1;

void rtnl_lock(void) { mutex_lock(&rtnl_mutex); }
EXPORT_SYMBOL_GPL(rtnl_lock);
void rtnl_unlock(void) { mutex_unlock(&rtnl_mutex); }
EXPORT_SYMBOL_GPL(rtnl_unlock);

struct net_device *alloc_netdev(size_t sizeof_priv, void (*setup)(struct net_device *dev))
{
	/* One allocation: the driver's area right after the struct, 16-aligned like Linux's. */
	size_t size = (sizeof(struct net_device) + 15) & ~(size_t)15;
	struct net_device *dev = kzalloc(size + sizeof_priv, GFP_KERNEL);

	if (!dev)
		return NULL;
	dev->priv = (u8 *)dev + size;
	INIT_LIST_HEAD(&dev->dev_list);
	INIT_LIST_HEAD(&dev->poll_list);
	INIT_LIST_HEAD(&dev->mc.list);
	spin_lock_init(&dev->tx_lock);
	skb_queue_head_init(&dev->backlog);
	dev->state = 1UL << __LINK_STATE_NOCARRIER;
	if (setup)
		setup(dev);
	return dev;
}
EXPORT_SYMBOL_GPL(alloc_netdev);

void free_netdev(struct net_device *dev)
{
	if (!dev)
		return;
	WARN_ON(dev->registered);
	dev_mc_flush(dev);
	kfree(dev);
}
EXPORT_SYMBOL_GPL(free_netdev);

void ether_setup(struct net_device *dev)
{
	dev->type = ARPHRD_ETHER;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_DATA_LEN; /* receive buffers are sized for it: no jumbo frames */
	dev->tx_queue_len = 1000;    /* Linux's DEFAULT_TX_QUEUE_LEN */
	dev->flags = IFF_BROADCAST | IFF_MULTICAST;
	memset(dev->broadcast, 0xff, ETH_ALEN);
}
EXPORT_SYMBOL_GPL(ether_setup);

struct net_device *alloc_etherdev(size_t sizeof_priv)
{
	return alloc_netdev(sizeof_priv, ether_setup);
}
EXPORT_SYMBOL_GPL(alloc_etherdev);

struct net_device *__dev_get_by_name(const char *name)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}
EXPORT_SYMBOL_GPL(__dev_get_by_name);

struct net_device *__dev_get_by_index(int ifindex)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (dev->ifindex == ifindex)
			return dev;
	return NULL;
}
EXPORT_SYMBOL_GPL(__dev_get_by_index);

/* The first ethN not taken, as Linux's dev_alloc_name("eth%d"); rtnl held. */
static int dev_alloc_name(struct net_device *dev)
{
	char name[IFNAMSIZ];

	if (dev->flags & IFF_LOOPBACK) {
		strlcpy(name, "lo", sizeof(name));
		if (__dev_get_by_name(name))
			return -ENFILE;
		strlcpy(dev->name, name, IFNAMSIZ);
		return 0;
	}
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "eth%d", i);
		if (!__dev_get_by_name(name)) {
			strlcpy(dev->name, name, IFNAMSIZ);
			return 0;
		}
	}
	return -ENFILE;
}

int register_netdev(struct net_device *dev)
{
	int err;

	if (!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit)
		return -EINVAL;
	if (dev->registered)
		return -EEXIST;
	rtnl_lock();
	err = dev_alloc_name(dev);
	if (!err) {
		dev->ifindex = next_ifindex++;
		dev->unregistering = false;
		dev->registered = true;
		list_add_tail(&dev->dev_list, &net_device_list);
		call_netdevice_notifiers(NETDEV_REGISTER, dev);
	}
	rtnl_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(register_netdev);

void unregister_netdev(struct net_device *dev)
{
	unsigned long flags;

	rtnl_lock();
	dev_close(dev);
	call_netdevice_notifiers(NETDEV_UNREGISTER, dev);
	dev_mc_flush(dev);
	/* Taking tx_lock once after setting the flag waits out a transmit in flight; later
	 * callers see the flag under the same lock and drop. */
	spin_lock_irqsave(&dev->tx_lock, flags);
	dev->unregistering = true;
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	netrx_forget_device(dev);
	list_del_init(&dev->dev_list);
	dev->registered = false;
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(unregister_netdev);

int dev_open(struct net_device *dev)
{
	int err = 0;

	if (dev->flags & IFF_UP)
		return 0;
	if (dev->netdev_ops->ndo_open)
		err = dev->netdev_ops->ndo_open(dev);
	if (err)
		return err;
	dev->flags |= IFF_UP;
	if (dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
	call_netdevice_notifiers(NETDEV_UP, dev);
	return 0;
}
EXPORT_SYMBOL_GPL(dev_open);

int dev_close(struct net_device *dev)
{
	unsigned long flags;

	if (!(dev->flags & IFF_UP))
		return 0;
	/* Clear IFF_UP under tx_lock first: no transmit starts while the driver stops. */
	spin_lock_irqsave(&dev->tx_lock, flags);
	dev->flags &= ~(unsigned int)IFF_UP;
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	if (dev->netdev_ops->ndo_stop)
		dev->netdev_ops->ndo_stop(dev);
	call_netdevice_notifiers(NETDEV_DOWN, dev);
	return 0;
}
EXPORT_SYMBOL_GPL(dev_close);

static void dev_set_rx_flag(struct net_device *dev, unsigned int flag, bool on)
{
	if (on)
		dev->flags |= flag;
	else
		dev->flags &= ~flag;
	if ((dev->flags & IFF_UP) && dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
}

void dev_set_promiscuity(struct net_device *dev, bool on)
{
	dev_set_rx_flag(dev, IFF_PROMISC, on);
}
EXPORT_SYMBOL_GPL(dev_set_promiscuity);

void dev_set_allmulti(struct net_device *dev, bool on)
{
	dev_set_rx_flag(dev, IFF_ALLMULTI, on);
}
EXPORT_SYMBOL_GPL(dev_set_allmulti);

void netif_stop_queue(struct net_device *dev)
{
	__atomic_fetch_or(&dev->state, 1UL << __LINK_STATE_XOFF, __ATOMIC_SEQ_CST);
}
EXPORT_SYMBOL_GPL(netif_stop_queue);

void netif_wake_queue(struct net_device *dev)
{
	__atomic_fetch_and(&dev->state, ~(1UL << __LINK_STATE_XOFF), __ATOMIC_SEQ_CST);
}
EXPORT_SYMBOL_GPL(netif_wake_queue);

bool netif_queue_stopped(const struct net_device *dev)
{
	return READ_ONCE(dev->state) & (1UL << __LINK_STATE_XOFF);
}
EXPORT_SYMBOL_GPL(netif_queue_stopped);

/* Why a frame cannot go now, as an errno; tx_lock held. */
static int dev_xmit_check(struct net_device *dev, const struct sk_buff *skb)
{
	if (dev->unregistering || !(dev->flags & IFF_UP))
		return -ENETDOWN;
	if (skb->len > dev->mtu + ETH_HLEN || skb->len < ETH_HLEN)
		return -EMSGSIZE;
	if (netif_queue_stopped(dev))
		return -ENOBUFS;
	return 0;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned long flags;
	int err;

	spin_lock_irqsave(&dev->tx_lock, flags);
	err = dev_xmit_check(dev, skb);
	if (!err)
		dev_queue_xmit_nit(skb);
	if (!err && dev->netdev_ops->ndo_start_xmit(skb, dev) != NETDEV_TX_OK)
		err = -ENOBUFS;
	if (err)
		dev->stats.tx_dropped++;
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	if (err)
		kfree_skb(skb);
	return err;
}
EXPORT_SYMBOL_GPL(dev_queue_xmit);

bool netif_carrier_ok(const struct net_device *dev)
{
	return !(READ_ONCE(dev->state) & (1UL << __LINK_STATE_NOCARRIER));
}
EXPORT_SYMBOL_GPL(netif_carrier_ok);

void netif_carrier_on(struct net_device *dev)
{
	__atomic_fetch_and(&dev->state, ~(1UL << __LINK_STATE_NOCARRIER), __ATOMIC_SEQ_CST);
}
EXPORT_SYMBOL_GPL(netif_carrier_on);

void netif_carrier_off(struct net_device *dev)
{
	__atomic_fetch_or(&dev->state, 1UL << __LINK_STATE_NOCARRIER, __ATOMIC_SEQ_CST);
}
EXPORT_SYMBOL_GPL(netif_carrier_off);

unsigned int dev_get_flags(const struct net_device *dev)
{
	unsigned int flags = READ_ONCE(dev->flags) & ~(unsigned int)IFF_RUNNING;

	if ((flags & IFF_UP) && netif_carrier_ok(dev))
		flags |= IFF_RUNNING;
	return flags;
}
EXPORT_SYMBOL_GPL(dev_get_flags);
