/* `symbench`: times export-table lookups in the running kernel, for `make bench`. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/shell.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include "module/exports.h"
#include "module/module.h"

/* symbench <iterations> <symbol>...: average ns per lookup over all the names, repeated. */
static int cmd_symbench(int argc, char **argv)
{
	unsigned int iterations;
	unsigned long found = 0;
	u64 start, elapsed;

	if (argc < 3 || kstrtouint(argv[1], 10, &iterations) || iterations == 0)
		return -EINVAL;
	start = ktime_get_ns();
	for (unsigned int i = 0; i < iterations; i++) {
		if (signal_pending(current))
			return -EINTR; /* Ctrl-C */
		for (int s = 2; s < argc; s++)
			found += export_lookup(argv[s]) != NULL;
	}
	elapsed = ktime_get_ns() - start;
	console_printf("symbench: %zu exports, %lu lookups (%lu found), %lu ns per lookup\n",
		       export_count(), (unsigned long)iterations * (argc - 2), found,
		       (unsigned long)(elapsed / ((u64)iterations * (argc - 2))));
	return 0;
}

static const struct shell_command symbench_command = {
	.name = "symbench",
	.usage = "symbench <iterations> <symbol>...",
	.help = "time export table lookups",
	.run = cmd_symbench,
	.flags = SHELL_CMD_DEBUG,
};

void module_register_symbench(void)
{
	shell_register_command(&symbench_command);
}
