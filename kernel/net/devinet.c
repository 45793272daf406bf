/*
 * The IPv4 address ioctls (Linux's devinet_ioctl in net/ipv4/devinet.c) on a device's one
 * address (dev->ip_addr, ip_prefixlen, ip_broadcast): what ifconfig reads and sets. As in
 * Linux, changing the address, netmask or broadcast removes and re-adds the address, which
 * takes the routes through the device with it (the default gateway is cleared), and setting
 * 0.0.0.0 removes the address.
 */
#include <keel/errno.h>
#include <keel/in.h>
#include <keel/inet.h>
#include <keel/sockios.h>
#include <keel/string.h>
#include "net_internal.h"

/* The prefix length of a classful address, 0 for 0.x.x.x and 255.255.255.255, -1 for
 * multicast (Linux's inet_abc_len: SIOCSIFADDR's first guess at the netmask). */
static int inet_abc_len(u32 addr)
{
	u32 h = ntohl(addr);

	if (!(h & 0xff000000u) || h == INADDR_BROADCAST)
		return 0;
	if (!(h & 0x80000000u))
		return 8;                     /* class A */
	if ((h & 0xc0000000u) == 0x80000000u)
		return 16;                    /* class B */
	if ((h & 0xe0000000u) == 0xc0000000u)
		return 24;                    /* class C */
	if ((h & 0xf0000000u) == 0xf0000000u)
		return 32;                    /* class E */
	return -1;                            /* class D: multicast */
}

static void put_sin(struct ifreq *ifr, u32 addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

/* A new address, netmask or broadcast: Linux deletes and re-inserts the address, and the last
 * address going flushes the device's routes, so the default route goes too. */
static void devinet_changed(struct net_device *dev)
{
	dev->ip_gateway = 0;
	if (!dev->ip_addr) {
		dev->ip_prefixlen = 0;
		dev->ip_broadcast = 0;
	}
}

static int devinet_set_addr(struct net_device *dev, u32 addr)
{
	int plen = inet_abc_len(addr);

	if (plen < 0)
		return -EINVAL;
	if (dev->ip_addr && dev->ip_addr == addr)
		return 0;
	dev->ip_addr = addr;
	dev->ip_prefixlen = (u8)plen;
	dev->ip_broadcast = 0;
	if ((dev->flags & IFF_BROADCAST) && plen < 31)
		dev->ip_broadcast = addr | ~inet_make_mask((unsigned int)plen);
	devinet_changed(dev);
	return 0;
}

static int devinet_set_mask(struct net_device *dev, u32 mask)
{
	u32 old = inet_make_mask(dev->ip_prefixlen);

	if (bad_mask(mask, 0))
		return -EINVAL;
	if (mask == old)
		return 0;
	dev->ip_prefixlen = (u8)inet_mask_len(mask);
	/* A broadcast that followed the old mask follows the new one; one set by hand stays. */
	if ((dev->flags & IFF_BROADCAST) && dev->ip_prefixlen < 31 &&
	    dev->ip_broadcast == (dev->ip_addr | ~old))
		dev->ip_broadcast = dev->ip_addr | ~mask;
	devinet_changed(dev);
	return 0;
}

static int devinet_set(struct net_device *dev, unsigned int cmd, u32 addr)
{
	switch (cmd) {
	case SIOCSIFADDR:
		return devinet_set_addr(dev, addr);
	case SIOCSIFNETMASK:
		return devinet_set_mask(dev, addr);
	case SIOCSIFBRDADDR:
		if (dev->ip_broadcast != addr) {
			dev->ip_broadcast = addr;
			devinet_changed(dev);
		}
		return 0;
	default: /* SIOCSIFDSTADDR: the peer of a point-to-point link, which Keel has not */
		return -EOPNOTSUPP;
	}
}

int devinet_ioctl(struct net_device *dev, unsigned int cmd, struct ifreq *ifr)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ifr->ifr_addr;
	bool set = cmd == SIOCSIFADDR || cmd == SIOCSIFNETMASK || cmd == SIOCSIFBRDADDR ||
		   cmd == SIOCSIFDSTADDR;

	if (set && sin->sin_family != AF_INET)
		return -EINVAL;
	if (!dev->ip_addr && cmd != SIOCSIFADDR)
		return -EADDRNOTAVAIL;
	if (set)
		return devinet_set(dev, cmd, sin->sin_addr.s_addr);
	switch (cmd) {
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR: /* not point-to-point: the local address, as Linux's */
		put_sin(ifr, dev->ip_addr);
		break;
	case SIOCGIFBRDADDR:
		put_sin(ifr, dev->ip_broadcast);
		break;
	default: /* SIOCGIFNETMASK */
		put_sin(ifr, inet_make_mask(dev->ip_prefixlen));
		break;
	}
	return 0;
}
