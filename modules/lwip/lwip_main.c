/*
 * lwip.ko: Debian's lwIP as Keel's TCP/IP stack (ARP, IPv4, ICMP, UDP, TCP, DHCP, DNS).
 * lwIP runs with NO_SYS=1 under one mutex; the `lwipd` kernel thread drives its timers and
 * follows the devices' state, the netrx thread feeds it frames, and the shell commands (ping,
 * dhcp, nc) call it directly. Unloading stops everything and frees all lwIP held.
 */
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/printk.h>
#include "lwip_port.h"
#include "lwip_sock.h"
#include "lwip/init.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#define LWIPD_MAX_SLEEP_MS 50 /* at most this late for a timeout added by a command */

static struct task_struct *lwipd_task;
static DECLARE_WAIT_QUEUE_HEAD(lwipd_wait);

static int lwipd(void *unused)
{
	while (!kthread_should_stop()) {
		u32_t sleep;

		mutex_lock(&lwip_core_lock);
		sys_check_timeouts();
		lwip_netif_poll();
		sleep = sys_timeouts_sleeptime();
		mutex_unlock(&lwip_core_lock);
		if (sleep > LWIPD_MAX_SLEEP_MS)
			sleep = LWIPD_MAX_SLEEP_MS;
		wait_event_interruptible_timeout(lwipd_wait, kthread_should_stop(),
						 msecs_to_jiffies(sleep ? sleep : 1));
	}
	return 0;
}

struct lwip_part {
	int (*init)(void);
	void (*exit)(void);
};
static const struct lwip_part lwip_parts[] = {
	{ lwip_netif_init, lwip_netif_exit },
	{ lwip_ping_init, lwip_ping_exit },
	{ lwip_dhcp_init, lwip_dhcp_exit },
	{ lwip_nc_init, lwip_nc_exit },
	{ lwip_stat_init, lwip_stat_exit },
	{ lwip_sock_init, lwip_sock_exit },
};

static void lwip_parts_exit(unsigned int n)
{
	while (n--)
		lwip_parts[n].exit();
}

static int __init lwip_module_init(void)
{
	unsigned int i;
	int err = 0;

	mutex_lock(&lwip_core_lock);
	lwip_init();
	mutex_unlock(&lwip_core_lock);
	lwipd_task = kthread_run(lwipd, NULL, "lwipd");
	if (IS_ERR(lwipd_task)) {
		err = PTR_ERR(lwipd_task);
		goto err_heap;
	}
	for (i = 0; i < ARRAY_SIZE(lwip_parts) && !err; i++)
		err = lwip_parts[i].init();
	if (err) {
		lwip_parts_exit(i - 1);
		goto err_thread;
	}
	pr_info("lwip: lwIP %s\n", LWIP_VERSION_STRING);
	return 0;

err_thread:
	kthread_stop(lwipd_task);
err_heap:
	lwip_port_free_all();
	return err;
}

static void __exit lwip_module_exit(void)
{
	lwip_parts_exit(ARRAY_SIZE(lwip_parts));
	kthread_stop(lwipd_task);
	lwip_port_free_all();
}

module_init(lwip_module_init);
module_exit(lwip_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP/IP stack: Debian's lwIP with Keel's port layer");
