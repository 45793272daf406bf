/* Network start-up at boot: the receive thread, lo, /proc/net/dev and /proc/net/route, the
 * ip command and the AF_PACKET family. */
#include <keel/printk.h>
#include "net_internal.h"

void net_init(void)
{
	if (netrx_start()) {
		pr_err("net: no netrx thread; networking disabled\n");
		return;
	}
	loopback_init();
	net_proc_init();
	ip_command_init();
	packet_init();
}
