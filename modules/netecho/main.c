/*
 * netecho.ko: registers the ARP and IPv4 handlers with the netdev core and the `ping` and
 * `netecho` shell commands. A test aid that proves a NIC driver end to end; lwIP's port will
 * replace it (see docs/net.md).
 */
#include <keel/console.h>
#include <keel/module.h>
#include <keel/shell.h>
#include "netecho.h"

struct netecho_stats netecho_stats;

static struct packet_type arp_packet_type = { .type = ETH_P_ARP, .func = arp_rcv };
static struct packet_type ip_packet_type = { .type = ETH_P_IP, .func = ip_rcv };

static int cmd_netecho(int argc, char **argv)
{
	const struct netecho_stats *s = &netecho_stats;

	(void)argc;
	(void)argv;
	console_printf("ip: in %lu hdr_errors %lu csum_errors %lu options %lu fragments %lu\n",
		       s->ip_in, s->ip_hdr_errors, s->ip_csum_errors, s->ip_options,
		       s->ip_fragments);
	console_printf("ip: not_ours %lu\nicmp: in %lu csum_errors %lu other %lu replied %lu\n",
		       s->ip_not_ours, s->icmp_in, s->icmp_csum_errors, s->icmp_other,
		       s->echo_replied);
	console_printf("arp: in %lu bad %lu replied %lu\ntx_failed %lu\n", s->arp_in, s->arp_bad,
		       s->arp_replied, s->tx_failed);
	return 0;
}

static const struct shell_command netecho_command = {
	.name = "netecho",
	.usage = "netecho",
	.help = "netecho.ko's counters: frames answered and dropped",
	.run = cmd_netecho,
	.flags = SHELL_CMD_DEBUG,
};

static int __init netecho_init(void)
{
	int err = ping_init();

	if (err)
		return err;
	err = shell_register_command(&netecho_command);
	if (err)
		goto err_ping;
	dev_add_pack(&arp_packet_type);
	dev_add_pack(&ip_packet_type);
	return 0;

err_ping:
	ping_exit();
	return err;
}

static void __exit netecho_exit(void)
{
	dev_remove_pack(&ip_packet_type);
	dev_remove_pack(&arp_packet_type);
	shell_unregister_command(&netecho_command);
	ping_exit();
	arp_flush_dev(NULL);
}

module_init(netecho_init);
module_exit(netecho_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test aid: answers ARP and ICMP echo, provides ping (until lwIP)");
