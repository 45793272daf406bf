/*
 * The shell's `ip maddr`, iproute2's "ip maddress" for link-layer addresses: lists each
 * device's multicast list in iproute2's layout (a device line, then one "link" line per
 * address, "users N" when several hold it, "static" when `ip maddr add` did), and adds or
 * deletes the user's own entry (dev_mc_add_global/dev_mc_del_global, Linux's
 * SIOCADDMULTI/SIOCDELMULTI), which reprograms the NIC's multicast filter.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "net_internal.h"

static void ip_maddr_print(const struct net_device *dev)
{
	const struct netdev_hw_addr *ha;

	if (netdev_mc_empty(dev))
		return;
	console_printf("%d:\t%s\n", dev->ifindex, dev->name);
	netdev_for_each_mc_addr(ha, dev) {
		console_printf("\tlink  ");
		ip_print_mac(ha->addr);
		if (ha->refcount != 1)
			console_printf(" users %d", ha->refcount);
		console_printf("%s\n", ha->global_use ? " static" : "");
	}
}

static int hex_digit(char c)
{
	if (isdigit(c))
		return c - '0';
	return isxdigit(c) ? (c | 32) - 'a' + 10 : -1;
}

/* xx:xx:xx:xx:xx:xx into mac. 0 or -EINVAL. */
static int ip_parse_mac(const char *s, u8 *mac)
{
	for (int i = 0; i < ETH_ALEN; i++, s += 3) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0 || s[2] != (i < ETH_ALEN - 1 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

/* ip maddr add|del MAC dev DEV */
static int ip_maddr_change(bool add, int argc, char **argv, const struct shell_command *ip)
{
	struct net_device *dev;
	u8 mac[ETH_ALEN];
	int err;

	if (argc != 3 || strcmp(argv[1], "dev"))
		return shell_usage(ip);
	if (ip_parse_mac(argv[0], mac) || !is_multicast_ether_addr(mac)) {
		console_printf("ip: %s: not a multicast link-layer address\n", argv[0]);
		return 1;
	}
	rtnl_lock();
	dev = __dev_get_by_name(argv[2]);
	if (!dev)
		err = -ENODEV;
	else
		err = add ? dev_mc_add_global(dev, mac) : dev_mc_del_global(dev, mac);
	rtnl_unlock();
	return err;
}

/* argv[0] is "maddr": show [dev DEV], add MAC dev DEV, del MAC dev DEV. */
int ip_maddr(int argc, char **argv, const struct shell_command *ip)
{
	struct net_device *dev;
	const char *only = NULL;
	int err = 0;

	if (argc >= 2 && (!strcmp(argv[1], "add") || !strcmp(argv[1], "del") ||
			  !strcmp(argv[1], "delete")))
		return ip_maddr_change(!strcmp(argv[1], "add"), argc - 2, argv + 2, ip);
	if (argc >= 2 && strcmp(argv[1], "show") && strcmp(argv[1], "list"))
		return shell_usage(ip);
	if (argc == 4 && !strcmp(argv[2], "dev"))
		only = argv[3];
	else if (argc > 2)
		return shell_usage(ip);
	rtnl_lock();
	if (only) {
		dev = __dev_get_by_name(only);
		if (dev)
			ip_maddr_print(dev);
		else
			err = -ENODEV;
	} else {
		for_each_netdev(dev)
			ip_maddr_print(dev);
	}
	rtnl_unlock();
	return err;
}
