/*
 * The shell's `ip` command, a small iproute2: `ip link` lists devices, `ip link set DEV
 * up|down|promisc on|off|allmulticast on|off` changes them, `ip addr` lists them with their
 * IPv4 address and `ip addr add A.B.C.D/N dev DEV` sets it (one address per device), `ip
 * route` lists the subnets and default gateway that follow from them and `ip route add|del
 * default` sets or removes the gateway (with route(8)'s rules, route.c); `ip maddr` (ipmaddr.c) lists and changes
 * multicast lists. lwip.ko's netifs follow these settings (docs/net.md). The listing follows
 * iproute2's layout, trimmed to fit 80 columns.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/inet.h>
#include <keel/netdevice.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "net_internal.h"

static const struct shell_command ip_command;

static void ip_print_flags(const struct net_device *dev)
{
	static const struct { unsigned int flag; const char *name; } names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_MULTICAST, "MULTICAST" }, { IFF_ALLMULTI, "ALLMULTI" },
		{ IFF_PROMISC, "PROMISC" }, { IFF_UP, "UP" },
		{ IFF_RUNNING, "LOWER_UP" },
	};
	unsigned int flags = dev_get_flags(dev);
	const char *sep = "";

	console_printf("<");
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].flag) {
			console_printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	console_printf(">");
}

static const char *ip_state(const struct net_device *dev)
{
	if (dev->flags & IFF_LOOPBACK)
		return (dev->flags & IFF_UP) ? "UNKNOWN" : "DOWN";
	if (!(dev->flags & IFF_UP))
		return "DOWN";
	return netif_carrier_ok(dev) ? "UP" : "NO-CARRIER";
}

void ip_print_mac(const u8 *a)
{
	console_printf("%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void ip_print_link(const struct net_device *dev)
{
	console_printf("%d: %s: ", dev->ifindex, dev->name);
	ip_print_flags(dev);
	console_printf(" mtu %u state %s\n    link/%s ", dev->mtu, ip_state(dev),
		       dev->type == ARPHRD_LOOPBACK ? "loopback" : "ether");
	ip_print_mac(dev->dev_addr);
	console_printf(" brd ");
	ip_print_mac(dev->broadcast);
	console_printf("\n");
}

static void ip_print_addr(const struct net_device *dev)
{
	char buf[16];

	ip_print_link(dev);
	if (dev->ip_addr)
		console_printf("    inet %s/%u scope %s %s\n", inet_ntop4(dev->ip_addr, buf),
			       dev->ip_prefixlen,
			       dev->type == ARPHRD_LOOPBACK ? "host" : "global", dev->name);
}

/* iproute2's lines for the device's default route and its subnet. */
static void ip_print_route(const struct net_device *dev)
{
	char addr[16], net[16];
	u32 mask;

	if (!dev->ip_addr || !(dev->flags & IFF_UP) || dev->type == ARPHRD_LOOPBACK)
		return;
	if (dev->ip_gateway)
		console_printf("default via %s dev %s\n", inet_ntop4(dev->ip_gateway, addr),
			       dev->name);
	mask = inet_make_mask(dev->ip_prefixlen);
	console_printf("%s/%u dev %s proto kernel scope link src %s\n",
		       inet_ntop4(dev->ip_addr & mask, net), dev->ip_prefixlen, dev->name,
		       inet_ntop4(dev->ip_addr, addr));
}

static int ip_list(void (*print)(const struct net_device *dev))
{
	struct net_device *dev;

	rtnl_lock();
	for_each_netdev(dev)
		print(dev);
	rtnl_unlock();
	return 0;
}

/* The device named name, or NULL after iproute2's message. rtnl held. */
static struct net_device *ip_dev(const char *name)
{
	struct net_device *dev = __dev_get_by_name(name);

	if (!dev)
		console_printf("ip: Cannot find device \"%s\"\n", name);
	return dev;
}

/* ip link set DEV up|down|promisc on|off|allmulticast on|off; rtnl held. */
static int ip_link_set(struct net_device *dev, int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "up"))
		return dev_open(dev);
	if (argc == 1 && !strcmp(argv[0], "down"))
		return dev_close(dev);
	if (argc == 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
		if (!strcmp(argv[0], "promisc")) {
			dev_set_promiscuity(dev, !strcmp(argv[1], "on"));
			return 0;
		}
		if (!strcmp(argv[0], "allmulticast")) {
			dev_set_allmulti(dev, !strcmp(argv[1], "on"));
			return 0;
		}
	}
	return shell_usage(&ip_command);
}

/* A.B.C.D/N into *addr and *prefix. 0 or -EINVAL. */
static int ip_parse_prefix(char *s, u32 *addr, unsigned int *prefix)
{
	char *slash = strchr(s, '/');
	int err;

	*prefix = 32;
	if (slash) {
		*slash = '\0';
		if (kstrtouint(slash + 1, 10, prefix) || *prefix > 32) {
			*slash = '/'; /* the caller's error message names the whole word */
			return -EINVAL;
		}
	}
	err = inet_pton4(s, addr);
	if (slash)
		*slash = '/';
	return err;
}

/* ip addr add A.B.C.D/N dev DEV; rtnl held. */
static int ip_addr_add(int argc, char **argv)
{
	struct net_device *dev;
	unsigned int prefix;
	u32 addr;

	if (argc != 3 || strcmp(argv[1], "dev"))
		return shell_usage(&ip_command);
	if (ip_parse_prefix(argv[0], &addr, &prefix)) {
		console_printf("ip: %s: not an IPv4 address/prefix\n", argv[0]);
		return 1;
	}
	dev = ip_dev(argv[2]);
	if (!dev)
		return 1;
	dev->ip_addr = addr;
	dev->ip_prefixlen = (u8)prefix;
	dev->ip_broadcast = 0; /* as iproute2 without "brd" */
	return 0;
}

/* ip route add|del default [via A.B.C.D] [dev DEV] (add needs via); rtnl held. The rules
 * are route(8)'s (route.c): the gateway must be on an attached subnet, one default route. */
static int ip_route_change(bool add, int argc, char **argv)
{
	struct net_device *dev = NULL;
	u32 gw = 0;
	int i;

	if (argc < 1 || strcmp(argv[0], "default") || argc % 2 == 0)
		return shell_usage(&ip_command);
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "via") && !gw) {
			if (inet_pton4(argv[i + 1], &gw) || !gw) {
				console_printf("ip: %s: not an IPv4 address\n", argv[i + 1]);
				return 1;
			}
		} else if (!strcmp(argv[i], "dev") && !dev) {
			dev = ip_dev(argv[i + 1]);
			if (!dev)
				return 1;
		} else {
			return shell_usage(&ip_command);
		}
	}
	if (add && !gw)
		return shell_usage(&ip_command);
	return ip_route_default(add, dev, gw);
}

static int ip_set(int argc, char **argv, const char *what)
{
	struct net_device *dev;
	int err;

	rtnl_lock();
	if (!strcmp(what, "link")) {
		dev = ip_dev(argv[0]);
		err = dev ? ip_link_set(dev, argc - 1, argv + 1) : 1;
	} else if (!strcmp(what, "route add") || !strcmp(what, "route del")) {
		err = ip_route_change(what[6] == 'a', argc, argv);
	} else {
		err = ip_addr_add(argc, argv);
	}
	rtnl_unlock();
	return err;
}

static bool ip_is_show(int argc, char **argv)
{
	return argc == 2 || (argc == 3 && (!strcmp(argv[2], "show") || !strcmp(argv[2], "list")));
}

static int cmd_ip(int argc, char **argv)
{
	bool link = argc >= 2 && !strcmp(argv[1], "link");
	bool addr = argc >= 2 && (!strcmp(argv[1], "addr") || !strcmp(argv[1], "address"));
	bool route = argc >= 2 && !strcmp(argv[1], "route");

	if (argc >= 2 && (!strcmp(argv[1], "maddr") || !strcmp(argv[1], "maddress")))
		return ip_maddr(argc - 1, argv + 1, &ip_command);
	if (!link && !addr && !route)
		return shell_usage(&ip_command);
	if (ip_is_show(argc, argv))
		return ip_list(link ? ip_print_link : addr ? ip_print_addr : ip_print_route);
	if (link && argc >= 5 && !strcmp(argv[2], "set"))
		return ip_set(argc - 3, argv + 3, "link");
	if (addr && argc >= 4 && !strcmp(argv[2], "add"))
		return ip_set(argc - 3, argv + 3, "addr");
	if (route && argc >= 4 && !strcmp(argv[2], "add"))
		return ip_set(argc - 3, argv + 3, "route add");
	if (route && argc >= 4 && !strcmp(argv[2], "del"))
		return ip_set(argc - 3, argv + 3, "route del");
	return shell_usage(&ip_command);
}

static const struct shell_command ip_command = {
	.name = "ip",
	.usage = "ip link [show]\n"
		 "ip link set DEV up|down\n"
		 "ip link set DEV promisc|allmulticast on|off\n"
		 "ip addr [show]\n"
		 "ip addr add A.B.C.D/N dev DEV\n"
		 "ip route [show]\n"
		 "ip route add default via A.B.C.D [dev DEV]\n"
		 "ip route del default [via A.B.C.D] [dev DEV]\n"
		 "ip maddr [show [dev DEV]]\n"
		 "ip maddr add|del MAC dev DEV",
	.help = "network devices, their addresses and routes",
	.run = cmd_ip,
	.flags = SHELL_CMD_RAW_ARGS,
};

void ip_command_init(void)
{
	shell_register_command(&ip_command);
}
