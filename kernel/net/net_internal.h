/* Shared between the files of kernel/net/ only. */
#ifndef KEEL_NET_INTERNAL_H
#define KEEL_NET_INTERNAL_H

#include <keel/netdevice.h>

/* Takes dev off the netrx thread's list and frees its backlog, waiting for a batch of its
 * frames the thread is delivering. rtnl held, task context. */
void netrx_forget_device(struct net_device *dev);
int netrx_start(void);
/* A copy of skb (about to go to the driver) for the ETH_P_ALL taps, delivered by the netrx
 * thread; nothing when there is no tap. Any context but hard IRQ (Linux's
 * dev_queue_xmit_nit). */
void dev_queue_xmit_nit(const struct sk_buff *skb);
void packet_init(void); /* registers AF_PACKET (af_packet.c) */
struct proc_dir_entry;
struct ifreq;
/* /proc/net/route (route.c). */
void fib_proc_init(struct proc_dir_entry *net);
/* SIOCADDRT/SIOCDELRT with the caller's struct rtentry: 0 or -errno. Takes rtnl. */
int ip_rt_ioctl(unsigned int cmd, void __user *arg);
/* The IPv4 address ioctls (SIOCGIFADDR..SIOCSIFNETMASK) on dev; rtnl held. 0 or -errno. */
int devinet_ioctl(struct net_device *dev, unsigned int cmd, struct ifreq *ifr);
/* Calls every netdevice notifier with event (NETDEV_*) for dev; rtnl held. */
void call_netdevice_notifiers(unsigned long event, struct net_device *dev);
void loopback_init(void);
void net_proc_init(void);
void ip_command_init(void);
/* ipcmd.c: xx:xx:xx:xx:xx:xx on the console */
void ip_print_mac(const u8 *a);
struct shell_command;
/* ipmaddr.c: `ip maddr ...`, argv[0] being "maddr"; ip's usage on bad arguments */
int ip_maddr(int argc, char **argv, const struct shell_command *ip);

/* route.c: adds (a gateway on an attached subnet, one default route: -ENETUNREACH,
 * -EEXIST) or deletes (-ESRCH when none matches; dev NULL and gw 0 match any) the default
 * route, with the rules route(8)'s SIOCADDRT/SIOCDELRT follow. rtnl held. */
int ip_route_default(bool add, struct net_device *dev, u32 gw);

#endif
