/*
 * Reference solution of the "uptimefmt" exercise (docs/shell.md): a module that adds the shell
 * command `uptimef`, printing the time since boot as "up D days, HH:MM:SS.mmm". Kept out of
 * the default build; `make check-exercise N=uptimefmt SOLUTION=1` builds and checks it.
 */
#include <keel/console.h>
#include <keel/ktime.h>
#include <keel/module.h>
#include <keel/shell.h>

static int uptimef_run(int argc, char **argv)
{
	u64 ms = ktime_get_ns() / NSEC_PER_MSEC;
	unsigned long s = (unsigned long)(ms / 1000);

	if (argc != 1) {
		console_puts("usage: uptimef\n");
		return 1; /* failed, already reported (<keel/shell.h>) */
	}
	console_printf("up %lu days, %02lu:%02lu:%02lu.%03lu\n", s / 86400, s / 3600 % 24,
		       s / 60 % 60, s % 60, (unsigned long)(ms % 1000));
	return 0;
}

static const struct shell_command uptimef_command = {
	.name = "uptimef",
	.usage = "uptimef",
	.help = "time since boot as days, hours, minutes, seconds and milliseconds",
	.run = uptimef_run,
};

static int __init uptimefmt_init(void)
{
	return shell_register_command(&uptimef_command);
}

static void __exit uptimefmt_exit(void)
{
	shell_unregister_command(&uptimef_command);
}

module_init(uptimefmt_init);
module_exit(uptimefmt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: the uptimef shell command");
