/*
 * IPv4 routes as route(8) sees them: SIOCADDRT/SIOCDELRT (Linux's ip_rt_ioctl in
 * net/ipv4/fib_frontend.c) and /proc/net/route (fib_route_seq_show in fib_trie.c). Keel's
 * routing table is what the devices hold: each up device with an address has its subnet
 * route, and one device at a time holds the default route's gateway (dev->ip_gateway), which
 * lwip.ko follows. So the ioctls add and delete the default route; a subnet route that is
 * there already is -EEXIST, and any other route -EOPNOTSUPP.
 */
#include <keel/errno.h>
#include <keel/in.h>
#include <keel/inet.h>
#include <keel/proc_fs.h>
#include <keel/route.h>
#include <keel/seq_file.h>
#include <keel/sockios.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "net_internal.h"

/* A route as the ioctl asks for it, checked (Linux's rtentry_to_fib_config). */
struct fib_config {
	u32 dst, mask, gw;
	struct net_device *dev; /* rt_dev's device, or NULL */
	bool has_gw;
};

static u32 sk_extract_addr(const struct sockaddr *sa)
{
	return ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
}

/* rt_dev's device into cfg->dev; rtnl held. 0, -EFAULT, -ENODEV. */
static int rt_dev_lookup(const char __user *udev, struct fib_config *cfg)
{
	char name[IFNAMSIZ];
	char *colon;

	if (!udev)
		return 0;
	if (copy_from_user(name, udev, IFNAMSIZ - 1))
		return -EFAULT;
	name[IFNAMSIZ - 1] = '\0';
	colon = strchr(name, ':');
	if (colon)
		*colon = '\0';
	cfg->dev = __dev_get_by_name(name);
	return cfg->dev ? 0 : -ENODEV;
}

/* rtnl held. 0 or Linux's errors for a malformed route. */
static int rtentry_to_fib_config(unsigned int cmd, const struct rtentry *rt,
				 struct fib_config *cfg)
{
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (rt->rt_dst.sa_family != AF_INET)
		return -EAFNOSUPPORT;
	cfg->dst = sk_extract_addr(&rt->rt_dst);
	cfg->mask = 0xffffffffu;
	if (!(rt->rt_flags & RTF_HOST)) {
		cfg->mask = sk_extract_addr(&rt->rt_genmask);
		if (rt->rt_genmask.sa_family != AF_INET && (cfg->mask || rt->rt_genmask.sa_family))
			return -EAFNOSUPPORT;
		if (bad_mask(cfg->mask, cfg->dst))
			return -EINVAL;
	}
	err = rt_dev_lookup(rt->rt_dev, cfg);
	if (err)
		return err;
	cfg->gw = sk_extract_addr(&rt->rt_gateway);
	cfg->has_gw = rt->rt_gateway.sa_family == AF_INET && cfg->gw;
	if (cmd == SIOCADDRT && (rt->rt_flags & RTF_GATEWAY) && !cfg->has_gw)
		return -EINVAL;
	return 0;
}

/* Whether dev has an address and is up, so its subnet route exists. */
static bool dev_has_subnet(const struct net_device *dev)
{
	return dev->ip_addr && (dev->flags & IFF_UP) && dev->type != ARPHRD_LOOPBACK;
}

static bool dev_reaches(const struct net_device *dev, u32 gw)
{
	u32 mask = inet_make_mask(dev->ip_prefixlen);

	return dev_has_subnet(dev) && (gw & mask) == (dev->ip_addr & mask);
}

/* The default route through gw: on cfg->dev if given, else on the device whose subnet holds
 * gw (Linux's fib_check_nh: -ENETUNREACH when no connected route leads to it). */
static int rt_add_default(struct fib_config *cfg)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (dev->ip_gateway && dev_has_subnet(dev))
			return -EEXIST; /* one default route: delete the old one first */
	if (cfg->dev && !dev_reaches(cfg->dev, cfg->gw))
		return -ENETUNREACH;
	for_each_netdev(dev)
		if (!cfg->dev && dev_reaches(dev, cfg->gw))
			cfg->dev = dev;
	if (!cfg->dev)
		return -ENETUNREACH;
	for_each_netdev(dev)
		dev->ip_gateway = 0; /* a down device's, which Linux would have flushed */
	cfg->dev->ip_gateway = cfg->gw;
	return 0;
}

/* Whether a device's subnet route is the one cfg names. */
static bool rt_is_subnet(const struct fib_config *cfg)
{
	struct net_device *dev;

	for_each_netdev(dev) {
		u32 mask = inet_make_mask(dev->ip_prefixlen);

		if (dev_has_subnet(dev) && cfg->mask == mask && cfg->dst == (dev->ip_addr & mask) &&
		    (!cfg->dev || cfg->dev == dev))
			return true;
	}
	return false;
}

static int rt_del_default(const struct fib_config *cfg)
{
	struct net_device *dev;

	for_each_netdev(dev) {
		if (!dev->ip_gateway || !dev_has_subnet(dev) || (cfg->dev && cfg->dev != dev) ||
		    (cfg->has_gw && cfg->gw != dev->ip_gateway))
			continue;
		dev->ip_gateway = 0;
		return 0;
	}
	return -ESRCH;
}

int ip_route_default(bool add, struct net_device *dev, u32 gw)
{
	struct fib_config cfg = { .gw = gw, .dev = dev, .has_gw = gw != 0 };

	return add ? rt_add_default(&cfg) : rt_del_default(&cfg);
}

static int rt_change(unsigned int cmd, struct fib_config *cfg)
{
	bool is_default = !cfg->dst && !cfg->mask;

	if (is_default && cmd == SIOCDELRT)
		return rt_del_default(cfg);
	if (is_default && cfg->has_gw)
		return rt_add_default(cfg);
	if (rt_is_subnet(cfg) && !cfg->has_gw)
		return cmd == SIOCADDRT ? -EEXIST : -EOPNOTSUPP;
	return cmd == SIOCADDRT ? -EOPNOTSUPP : -ESRCH;
}

int ip_rt_ioctl(unsigned int cmd, void __user *arg)
{
	struct fib_config cfg;
	struct rtentry rt;
	int err;

	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	rtnl_lock();
	err = rtentry_to_fib_config(cmd, &rt, &cfg);
	if (!err)
		err = rt_change(cmd, &cfg);
	rtnl_unlock();
	return err;
}

/* One line: Linux prints the big-endian words as host-order hex, padded to 127 columns. */
static void fib_route_line(struct seq_file *m, const struct net_device *dev, u32 dst, u32 gw,
			   unsigned int flags, u32 mask)
{
	char line[128];

	snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
		 dev->name, dst, gw, flags, 0, 0U, 0, mask, 0, 0U, 0U);
	seq_printf(m, "%-127s\n", line);
}

/* The default route first (Linux's trie walk goes by address), then the subnets in device
 * order. */
static int fib_route_show(struct seq_file *m, void *v)
{
	struct net_device *dev;

	(void)v;
	seq_printf(m, "%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
				  "Mask\t\tMTU\tWindow\tIRTT");
	rtnl_lock();
	for_each_netdev(dev)
		if (dev_has_subnet(dev) && dev->ip_gateway)
			fib_route_line(m, dev, 0, dev->ip_gateway, RTF_UP | RTF_GATEWAY, 0);
	for_each_netdev(dev) {
		u32 mask = inet_make_mask(dev->ip_prefixlen);

		if (dev_has_subnet(dev))
			fib_route_line(m, dev, dev->ip_addr & mask, 0,
				       RTF_UP | (mask == 0xffffffffu ? RTF_HOST : 0), mask);
	}
	rtnl_unlock();
	return 0;
}

void fib_proc_init(struct proc_dir_entry *net)
{
	proc_create_single("route", 0, net, fib_route_show);
}
