/*
 * /proc/net/dev and /proc/net/dev_mcast in Linux's exact formats (net/core/net-procfs.c), so
 * tools and tests written for Linux read them as they are: /proc/net/dev has two header lines,
 * then one line per device; dev_mcast one line per multicast address (ifindex, name, users,
 * whether `ip maddr add` added it, the address in hex).
 */
#include <keel/netdevice.h>
#include <keel/proc_fs.h>
#include <keel/seq_file.h>
#include "net_internal.h"

static void dev_seq_printf_stats(struct seq_file *m, const struct net_device *dev)
{
	const struct net_device_stats *s = &dev->stats;

	seq_printf(m, "%6s: %7lu %7lu %4lu %4lu %4lu %5lu %10lu %9lu "
		   "%8lu %7lu %4lu %4lu %4lu %5lu %7lu %10lu\n",
		   dev->name, s->rx_bytes, s->rx_packets, s->rx_errors,
		   s->rx_dropped, s->rx_fifo_errors,
		   s->rx_length_errors + s->rx_crc_errors + s->rx_frame_errors,
		   0UL, s->multicast, s->tx_bytes, s->tx_packets, s->tx_errors,
		   s->tx_dropped, s->tx_fifo_errors, s->collisions,
		   s->tx_carrier_errors, 0UL);
}

static int dev_proc_show(struct seq_file *m, void *v)
{
	struct net_device *dev;

	seq_puts(m, "Inter-|   Receive                            "
		    "                    |  Transmit\n"
		    " face |bytes    packets errs drop fifo frame "
		    "compressed multicast|bytes    packets errs "
		    "drop fifo colls carrier compressed\n");
	rtnl_lock();
	for_each_netdev(dev)
		dev_seq_printf_stats(m, dev);
	rtnl_unlock();
	return 0;
}

static int dev_mc_proc_show(struct seq_file *m, void *v)
{
	struct netdev_hw_addr *ha;
	struct net_device *dev;

	rtnl_lock();
	for_each_netdev(dev)
		netdev_for_each_mc_addr(ha, dev)
			seq_printf(m, "%-4d %-15s %-5d %-5d %02x%02x%02x%02x%02x%02x\n",
				   dev->ifindex, dev->name, ha->refcount, ha->global_use,
				   ha->addr[0], ha->addr[1], ha->addr[2], ha->addr[3], ha->addr[4],
				   ha->addr[5]);
	rtnl_unlock();
	return 0;
}

void net_proc_init(void)
{
	struct proc_dir_entry *net = proc_mkdir("net", NULL);

	if (!net)
		return;
	proc_create_single("dev", 0, net, dev_proc_show);
	proc_create_single("dev_mcast", 0, net, dev_mc_proc_show);
	fib_proc_init(net);
}
