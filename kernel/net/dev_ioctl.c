/*
 * The netdev ioctls every socket takes (Linux's net/core/dev_ioctl.c and the socket side of
 * net/ipv4/devinet.c): interface names, flags, MTU, hardware and IPv4 addresses, as ifconfig
 * and udhcpc use them through struct ifreq; SIOCGIFCONF's list; the routes (route.c). Errors
 * follow Linux's (netdevice(7)): -ENODEV for an unknown name or index, -EFAULT for a bad
 * pointer, -EINVAL for a bad value, -EADDRNOTAVAIL for a device without an IPv4 address,
 * -EOPNOTSUPP where no Keel driver can do it, -ENOENT for deleting a multicast address never
 * added, -ENOTTY for an ioctl that is not one of these.
 */
#include <keel/errno.h>
#include <keel/in.h>
#include <keel/net.h>
#include <keel/sockios.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "net_internal.h"

/* SIOCGIFCONF: one ifreq per IPv4 address (name and ifr_addr) in the caller's buffer, or
 * the length needed when ifc_buf is NULL; ifc_len becomes the bytes used. Linux's
 * dev_ifconf and inet_gifconf. */
static int dev_ifconf(struct ifconf __user *uifc)
{
	struct net_device *dev;
	struct ifconf ifc;
	struct ifreq ifr;
	int total = 0, err = 0;

	if (copy_from_user(&ifc, uifc, sizeof(ifc)))
		return -EFAULT;
	rtnl_lock();
	for_each_netdev(dev) {
		if (!dev->ip_addr)
			continue;
		if (ifc.ifc_buf && ifc.ifc_len - total < (int)sizeof(ifr))
			break;
		if (ifc.ifc_buf) {
			memset(&ifr, 0, sizeof(ifr));
			strlcpy(ifr.ifr_name, dev->name, IFNAMSIZ);
			((struct sockaddr_in *)&ifr.ifr_addr)->sin_family = AF_INET;
			((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr = dev->ip_addr;
			err = copy_to_user(ifc.ifc_buf + total, &ifr, sizeof(ifr)) ? -EFAULT : 0;
		}
		if (err)
			break;
		total += (int)sizeof(ifr);
	}
	rtnl_unlock();
	if (!err && copy_to_user(&uifc->ifc_len, &total, sizeof(total)))
		err = -EFAULT;
	return err;
}

/* SIOCSIFFLAGS (Linux's __dev_change_flags): up/down open and close the device, promisc
 * and allmulti go to the driver, the other flags a user may set are kept; the rest (loopback,
 * broadcast, running) are the device's. Down takes the default route with it, as in Linux
 * (the shell's `ip link set down` keeps it). rtnl held. */
static int dev_change_flags(struct net_device *dev, unsigned int flags)
{
	const unsigned int user = IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC |
				  IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA;
	unsigned int old = dev->flags;
	int err = 0;

	dev->flags = (flags & user) | (old & ~user);
	if ((old ^ flags) & IFF_UP)
		err = (old & IFF_UP) ? dev_close(dev) : dev_open(dev);
	if ((old & IFF_UP) && !(flags & IFF_UP))
		dev->ip_gateway = 0; /* Linux's fib_disable_ip flushes the routes through dev */
	if ((old ^ flags) & IFF_PROMISC)
		dev_set_promiscuity(dev, flags & IFF_PROMISC);
	if ((old ^ flags) & IFF_ALLMULTI)
		dev_set_allmulti(dev, flags & IFF_ALLMULTI);
	return err;
}

static int dev_set_mtu(struct net_device *dev, int mtu)
{
	if (mtu < 0 || (unsigned int)mtu < dev->min_mtu || (unsigned int)mtu > dev->max_mtu)
		return -EINVAL;
	WRITE_ONCE(dev->mtu, (unsigned int)mtu); /* dev_queue_xmit reads it under tx_lock */
	return 0;
}

/* The ioctls that read a device (Linux's dev_ifsioc_locked). */
static int dev_ifsioc_get(struct net_device *dev, unsigned int cmd, struct ifreq *ifr)
{
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr->ifr_flags = (short)dev_get_flags(dev);
		return 0;
	case SIOCGIFMETRIC:
		ifr->ifr_metric = 0;
		return 0;
	case SIOCGIFMTU:
		ifr->ifr_mtu = (int)dev->mtu;
		return 0;
	case SIOCGIFHWADDR:
		memset(ifr->ifr_hwaddr.sa_data, 0, sizeof(ifr->ifr_hwaddr.sa_data));
		memcpy(ifr->ifr_hwaddr.sa_data, dev->dev_addr, ETH_ALEN);
		ifr->ifr_hwaddr.sa_family = dev->type;
		return 0;
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = dev->ifindex;
		return 0;
	case SIOCGIFTXQLEN:
		ifr->ifr_qlen = (int)dev->tx_queue_len;
		return 0;
	case SIOCGIFMAP: /* no Keel driver records its I/O window or IRQ here */
		memset(&ifr->ifr_map, 0, sizeof(ifr->ifr_map));
		return 0;
	default:
		return -ENOTTY;
	}
}

/* The ioctls that change a device (Linux's dev_ifsioc). */
static int dev_ifsioc_set(struct net_device *dev, unsigned int cmd, struct ifreq *ifr)
{
	switch (cmd) {
	case SIOCSIFFLAGS:
		return dev_change_flags(dev, (unsigned short)ifr->ifr_flags);
	case SIOCSIFMTU:
		return dev_set_mtu(dev, ifr->ifr_mtu);
	case SIOCSIFTXQLEN:
		if (ifr->ifr_qlen < 0)
			return -EINVAL;
		dev->tx_queue_len = (unsigned int)ifr->ifr_qlen;
		return 0;
	case SIOCADDMULTI: /* Linux's dev_ifsioc: only a device with a filter, AF_UNSPEC */
	case SIOCDELMULTI:
		if (!dev->netdev_ops->ndo_set_rx_mode || ifr->ifr_hwaddr.sa_family != AF_UNSPEC)
			return -EINVAL;
		return cmd == SIOCADDMULTI ? dev_mc_add_global(dev, (u8 *)ifr->ifr_hwaddr.sa_data)
					   : dev_mc_del_global(dev, (u8 *)ifr->ifr_hwaddr.sa_data);
	case SIOCSIFMETRIC: /* Linux's answer too */
	case SIOCSIFHWADDR: /* no Keel driver has ndo_set_mac_address */
	case SIOCSIFMAP:    /* nor ndo_set_config */
	case SIOCSIFNAME:   /* names are given at registration only */
		return -EOPNOTSUPP;
	default:
		return dev_ifsioc_get(dev, cmd, ifr);
	}
}

static bool is_devinet_cmd(unsigned int cmd)
{
	return (cmd >= SIOCGIFADDR && cmd <= SIOCSIFNETMASK);
}

/* The ifreq ioctls: 1 for those that copy the ifreq back, 0 for those that only set, -1
 * for any other number. */
static int ifreq_cmd_kind(unsigned int cmd)
{
	static const unsigned short cmds[][2] = {
		{ SIOCGIFNAME, 1 }, { SIOCGIFFLAGS, 1 }, { SIOCSIFFLAGS, 0 },
		{ SIOCGIFADDR, 1 }, { SIOCSIFADDR, 0 }, { SIOCGIFDSTADDR, 1 },
		{ SIOCSIFDSTADDR, 0 }, { SIOCGIFBRDADDR, 1 }, { SIOCSIFBRDADDR, 0 },
		{ SIOCGIFNETMASK, 1 }, { SIOCSIFNETMASK, 0 }, { SIOCGIFMETRIC, 1 },
		{ SIOCSIFMETRIC, 0 }, { SIOCGIFMTU, 1 }, { SIOCSIFMTU, 0 }, { SIOCSIFNAME, 0 },
		{ SIOCSIFHWADDR, 0 }, { SIOCGIFHWADDR, 1 }, { SIOCGIFINDEX, 1 },
		{ SIOCGIFTXQLEN, 1 }, { SIOCSIFTXQLEN, 0 }, { SIOCGIFMAP, 1 }, { SIOCSIFMAP, 0 },
		{ SIOCADDMULTI, 0 }, { SIOCDELMULTI, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i][0] == cmd)
			return cmds[i][1];
	return -1;
}

/* One ifreq ioctl on its device; rtnl held. */
static int dev_ifsioc(unsigned int cmd, struct ifreq *ifr)
{
	struct net_device *dev;
	char *colon;

	if (cmd == SIOCGIFNAME) {
		dev = __dev_get_by_index(ifr->ifr_ifindex);
		if (!dev)
			return -ENODEV;
		strlcpy(ifr->ifr_name, dev->name, IFNAMSIZ);
		return 0;
	}
	/* "eth0:1" is an alias label of eth0: the device is eth0's, the address is not there */
	colon = strchr(ifr->ifr_name, ':');
	if (colon)
		*colon = '\0';
	dev = __dev_get_by_name(ifr->ifr_name);
	if (colon)
		*colon = ':';
	if (!dev)
		return -ENODEV;
	if (is_devinet_cmd(cmd) && colon)
		return cmd == SIOCSIFADDR ? -EOPNOTSUPP : -EADDRNOTAVAIL;
	if (is_devinet_cmd(cmd))
		return devinet_ioctl(dev, cmd, ifr);
	return dev_ifsioc_set(dev, cmd, ifr);
}

int dev_ioctl(unsigned int cmd, void __user *arg)
{
	struct ifreq ifr;
	int err;

	if (cmd == SIOCGIFCONF)
		return dev_ifconf(arg);
	if (cmd == SIOCADDRT || cmd == SIOCDELRT)
		return ip_rt_ioctl(cmd, arg);
	if ((cmd >> 8) != 0x89) /* not a socket ioctl (Linux's is_socket_ioctl_cmd) */
		return -ENOTTY;
	if (copy_from_user(&ifr, arg, sizeof(ifr)))
		return -EFAULT;
	if (ifreq_cmd_kind(cmd) < 0)
		return -ENOTTY;
	ifr.ifr_name[IFNAMSIZ - 1] = '\0';
	rtnl_lock();
	err = dev_ifsioc(cmd, &ifr);
	rtnl_unlock();
	if (!err && ifreq_cmd_kind(cmd) && copy_to_user(arg, &ifr, sizeof(ifr)))
		err = -EFAULT;
	return err;
}
