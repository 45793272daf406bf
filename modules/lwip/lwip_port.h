/*
 * lwip.ko's port layer, shared by its files: the core lock every lwIP call is made under,
 * the netif per Keel net_device, and the shell commands built on lwIP's raw API. See
 * docs/net.md, "The protocol stack module".
 */
#ifndef LWIP_PORT_H
#define LWIP_PORT_H

#include <keel/mutex.h>
#include <keel/netdevice.h>
#include <keel/wait.h>
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

/*
 * lwIP (NO_SYS=1) is not re-entrant: every call into it, and every lwIP callback, runs with
 * lwip_core_lock held. Taken by lwipd (timers), the netrx thread (received frames) and the
 * shell commands. Lock order: rtnl, then lwip_core_lock; never sleep for the network while
 * holding it (wait on a wait queue with it released).
 */
extern struct mutex lwip_core_lock;

/* lwip_port.c: the heap lwIP allocates from (kmalloc), freed whole at unload */
void lwip_port_free_all(void);

/* lwip_netif.c: one netif per Ethernet net_device, and one for lo */
struct lwip_if {
	struct netif netif;
	struct net_device *dev;
	struct list_head list;      /* lwip_ifs, under lwip_core_lock */
	u32 applied_addr;           /* dev->ip_addr as last given to lwIP (big-endian) */
	u8 applied_prefix;
	u32 applied_gateway;        /* dev->ip_gateway as last given to lwIP */
	bool link_up;
	bool lease_changed;         /* lwIP's DHCP changed the address; lwipd copies it */
	struct list_head mc_ops;    /* IGMP's multicast list changes waiting for rtnl */
};
int lwip_netif_init(void);
void lwip_netif_exit(void);
/* The lwip_if of the device named name, or NULL; lwip_core_lock held. */
struct lwip_if *lwip_if_by_name(const char *name);
/* The netif of the device with Keel's ifindex (not lwIP's netif_get_index, which counts
 * in the order lwip.ko met the devices), or NULL; and the reverse. lwip_core_lock held. */
struct netif *lwip_netif_by_ifindex(int ifindex);
int lwip_netif_ifindex(const struct netif *netif);
/* Bumped (and lwip_waitq woken) whenever a netif's address changes, e.g. DHCP bound. */
extern unsigned int lwip_addr_changes;
/* Follows each device's up/carrier state and `ip addr` address; lwip_core_lock held. */
void lwip_netif_poll(void);
/* Set (lwip_core_lock held) when a lease changed or IGMP changed a multicast list. */
extern bool lwip_sync_pending;
/* Makes the netif's address (a DHCP lease) the device's: ip_addr, prefix and, when the lease
 * has a router, ip_gateway. rtnl and lwip_core_lock held. */
void lwip_if_take_lease(struct lwip_if *lif);
/* lwipd, no lock held: takes rtnl and copies the leases DHCP changed since into the devices,
 * so `ip addr` and `ip route` follow a renewal to a new address, or a lost lease, and applies
 * IGMP's multicast list changes. */
void lwip_netif_sync(void);

/* lwip_igmp.c: IGMP groups on the device's multicast list. lwip_igmp_setup is for netif_add's
 * init; lwip_igmp_apply makes the waiting changes, rtnl and lwip_core_lock held. */
void lwip_igmp_setup(struct netif *netif);
void lwip_igmp_apply(struct lwip_if *lif);

/* lwip_lo.c: the netif of Keel's lo (netif_add's init; lwip_core_lock held), and its end */
err_t lwip_lo_setup(struct netif *netif);
void lwip_lo_forget(struct net_device *dev);

/* lwip_util.c */
/* A dotted quad, or a name through lwIP's DNS (servers from DHCP). 0, -EINVAL (not an
 * address, no DNS server), -EHOSTUNREACH (no such name), -EINTR (Ctrl-C). Task context. */
int lwip_resolve(const char *host, ip4_addr_t *addr);
/* Writes /etc/resolv.conf with n name servers ("nameserver A" lines), as udhcpc's script
 * does; nothing when n is 0. Task context, lwip_core_lock not held. */
void lwip_resolv_conf_write(const ip4_addr_t *servers, unsigned int n);
void lwip_wake(void);               /* wakes lwip_wait's sleepers; any lwIP callback */
extern wait_queue_head_t lwip_waitq;

/* Shell commands */
int lwip_ping_init(void);
void lwip_ping_exit(void);
int lwip_dhcp_init(void);
void lwip_dhcp_exit(void);
int lwip_stat_init(void);
void lwip_stat_exit(void);
int lwip_nc_init(void);
void lwip_nc_exit(void);

#endif
