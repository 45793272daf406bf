/* panic: the last word. Prints the message and a backtrace on every console and stops this CPU. */
#include <keel/console.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "console/log.h"

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	local_irq_disable();
	console_verbose(); /* whatever loglevel= said, the panic must be seen */
	console_flush(); /* interrupt-driven consoles must print without interrupts from now on */
	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	dump_stack();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", msg);
	for (;;)
		cpu_halt();
}
EXPORT_SYMBOL(panic);
