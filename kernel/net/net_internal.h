/* Shared between the files of kernel/net/ only. */
#ifndef KEEL_NET_INTERNAL_H
#define KEEL_NET_INTERNAL_H

#include <keel/netdevice.h>

/* Takes dev off the netrx thread's list and frees its backlog, waiting for a batch of its
 * frames the thread is delivering. rtnl held, task context. */
void netrx_forget_device(struct net_device *dev);
int netrx_start(void);
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

#endif
