/*
 * The shell's `dhcp IFACE`: brings the device up, runs lwIP's DHCP client on its netif and
 * prints the lease as busybox udhcpc does ("lease of 10.0.2.15 obtained from 10.0.2.2, lease
 * time 86400"). The leased address, prefix and gateway become the device's (what `ip addr`
 * and `ip route` show); lwIP renews the lease from its timers.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/shell.h>
#include "lwip_port.h"
#include "lwip/dns.h"
#include "lwip/dhcp.h"

#define DHCP_TIMEOUT_MS 15000

/* The prefix length of a (contiguous) netmask. */
static unsigned int mask_prefix(u32 mask_be)
{
	unsigned int n = 0;

	for (u32 m = ntohl(mask_be); m & 0x80000000u; m <<= 1)
		n++;
	return n;
}

/* Brings name up and starts DHCP on it. 0, -ENODEV, or an errno from dev_open/dhcp_start. */
static int dhcp_begin(const char *name)
{
	struct net_device *dev;
	struct lwip_if *lif;
	int err;

	rtnl_lock();
	dev = __dev_get_by_name(name);
	err = dev ? dev_open(dev) : -ENODEV;
	mutex_lock(&lwip_core_lock);
	lif = lwip_if_by_name(name);
	if (!err && !lif)
		err = -EOPNOTSUPP; /* lo: no DHCP */
	if (!err) {
		lwip_netif_poll();
		err = dhcp_start(&lif->netif) == ERR_OK ? 0 : -ENOMEM;
	}
	mutex_unlock(&lwip_core_lock);
	rtnl_unlock();
	return err;
}

/* Has name's netif an address from DHCP? (No netif any more: stop waiting too.) */
static bool dhcp_bound(const char *name)
{
	struct lwip_if *lif;
	bool bound;

	mutex_lock(&lwip_core_lock);
	lif = lwip_if_by_name(name);
	bound = !lif || dhcp_supplied_address(&lif->netif);
	mutex_unlock(&lwip_core_lock);
	return bound;
}

/* Makes the lease the device's address; prints it. rtnl then lwip_core_lock, as lwipd's
 * poll compares the two under the latter. */
static int dhcp_finish(const char *name)
{
	ip4_addr_t dns[DNS_MAX_SERVERS];
	unsigned int ndns = 0;
	struct net_device *dev;
	struct lwip_if *lif;
	struct dhcp *dhcp;
	char a[16], s[16];
	int err = 0;

	rtnl_lock();
	mutex_lock(&lwip_core_lock);
	dev = __dev_get_by_name(name);
	lif = lwip_if_by_name(name);
	if (!dev || !lif || !dhcp_supplied_address(&lif->netif)) {
		err = -ENODEV;
		goto out;
	}
	dhcp = netif_dhcp_data(&lif->netif);
	dev->ip_addr = ip4_addr_get_u32(netif_ip4_addr(&lif->netif));
	dev->ip_prefixlen = (u8)mask_prefix(ip4_addr_get_u32(netif_ip4_netmask(&lif->netif)));
	dev->ip_gateway = ip4_addr_get_u32(netif_ip4_gw(&lif->netif));
	lif->applied_addr = dev->ip_addr;
	lif->applied_prefix = dev->ip_prefixlen;
	lif->applied_gateway = dev->ip_gateway;
	if (dev->ip_gateway)
		netif_set_default(&lif->netif);
	console_printf("dhcp: lease of %s obtained from %s, lease time %u\n",
		       ip4addr_ntoa_r(netif_ip4_addr(&lif->netif), a, sizeof(a)),
		       ip4addr_ntoa_r(ip_2_ip4(&dhcp->server_ip_addr), s, sizeof(s)),
		       (unsigned int)dhcp->offered_t0_lease);
	for (u8_t i = 0; i < DNS_MAX_SERVERS; i++)
		if (!ip_addr_isany(dns_getserver(i)))
			dns[ndns++] = *ip_2_ip4(dns_getserver(i));
out:
	mutex_unlock(&lwip_core_lock);
	rtnl_unlock();
	lwip_resolv_conf_write(dns, ndns);
	return err;
}

static void dhcp_give_up(const char *name)
{
	struct lwip_if *lif;

	mutex_lock(&lwip_core_lock);
	lif = lwip_if_by_name(name);
	if (lif)
		dhcp_stop(&lif->netif);
	mutex_unlock(&lwip_core_lock);
}

/* Sleeps until name is bound: 0, -ETIMEDOUT or -EINTR. */
static int dhcp_wait(const char *name)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(DHCP_TIMEOUT_MS);

	for (;;) {
		unsigned int seen = READ_ONCE(lwip_addr_changes);
		long left;

		if (dhcp_bound(name))
			return 0;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		if (wait_event_interruptible_timeout(lwip_waitq,
				READ_ONCE(lwip_addr_changes) != seen, left) < 0)
			return -EINTR;
	}
}

static int cmd_dhcp(int argc, char **argv)
{
	const char *name = argv[1];
	int err;

	err = dhcp_begin(name);
	if (err == -ENODEV || err == -EOPNOTSUPP) {
		console_printf("dhcp: %s: %s\n", name,
			       err == -ENODEV ? "no such device" : "not an Ethernet device");
		return 1;
	}
	if (err)
		return err;
	console_printf("dhcp: %s: broadcasting discover\n", name);
	err = dhcp_wait(name);
	if (err) {
		dhcp_give_up(name);
		if (err == -EINTR)
			return err;
		console_printf("dhcp: %s: no lease (no DHCP server answered)\n", name);
		return 1;
	}
	return dhcp_finish(name);
}

static const struct shell_command dhcp_command = {
	.name = "dhcp",
	.usage = "dhcp IFACE",
	.help = "lease an IPv4 address for a device (lwIP's DHCP client)",
	.run = cmd_dhcp,
};

int lwip_dhcp_init(void) { return shell_register_command(&dhcp_command); }
void lwip_dhcp_exit(void) { shell_unregister_command(&dhcp_command); }
