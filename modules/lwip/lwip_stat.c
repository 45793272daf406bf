/*
 * `lwipstat` (help debug): lwIP's own counters per protocol, what it received, sent and
 * dropped and why, as a table within 80 columns. The malformed-frame tests read it.
 */
#include <keel/console.h>
#include <keel/shell.h>
#include "lwip_port.h"
#include "lwip/stats.h"

static void stat_line(const char *name, const struct stats_proto *s)
{
	console_printf("%-7s%9lu%9lu%9lu%9lu%9lu%9lu%9lu%9lu\n", name, (unsigned long)s->recv,
		       (unsigned long)s->xmit, (unsigned long)s->drop, (unsigned long)s->chkerr,
		       (unsigned long)s->lenerr, (unsigned long)s->memerr,
		       (unsigned long)s->proterr, (unsigned long)s->err);
}

static int cmd_lwipstat(int argc, char **argv)
{
	struct stats_ copy;

	mutex_lock(&lwip_core_lock);
	copy = lwip_stats;
	mutex_unlock(&lwip_core_lock);
	console_printf("%-7s%9s%9s%9s%9s%9s%9s%9s%9s\n", "proto", "recv", "xmit", "drop",
		       "chkerr", "lenerr", "memerr", "proterr", "err");
	stat_line("link", &copy.link);
	stat_line("etharp", &copy.etharp);
	stat_line("ip", &copy.ip);
	stat_line("ipfrag", &copy.ip_frag);
	stat_line("icmp", &copy.icmp);
	stat_line("udp", &copy.udp);
	stat_line("tcp", &copy.tcp);
	return 0;
}

static const struct shell_command lwipstat_command = {
	.name = "lwipstat",
	.usage = "lwipstat",
	.help = "lwIP's counters: packets received, sent, dropped and why",
	.run = cmd_lwipstat,
	.flags = SHELL_CMD_DEBUG,
};

int lwip_stat_init(void) { return shell_register_command(&lwipstat_command); }
void lwip_stat_exit(void) { shell_unregister_command(&lwipstat_command); }
