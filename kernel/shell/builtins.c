/*
 * The shell's built-in system commands: echo, mem, dmesg, uptime, sleep, cmdline, power, crash,
 * and repeat (runs a command line many times: leak and robustness tests).
 */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include "acpi/acpi.h"
#include "console/log.h"
#include "cpu/cpu.h"
#include "mm/mm.h"
#include "shell/shell_internal.h"

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			console_write(" ", 1);
		console_puts(argv[i]);
	}
	console_write("\n", 1);
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	struct meminfo mi;

	mm_get_meminfo(&mi);
	console_printf("MemTotal:       %8lu kB\n", (unsigned long)mi.total_kb);
	console_printf("MemFree:        %8lu kB\n", (unsigned long)mi.free_kb);
	console_printf("Reserved:       %8lu kB\n", (unsigned long)mi.reserved_kb);
	console_printf("HeapUsed:       %8lu bytes\n", (unsigned long)mi.heap_used_bytes);
	console_printf("HeapBlocks:     %8lu\n", (unsigned long)mi.heap_blocks);
	console_printf("HeapModules:    %8lu bytes in %lu blocks\n",
		       (unsigned long)mi.heap_module_bytes, (unsigned long)mi.heap_module_blocks);
	return 0;
}

static void dmesg_sink(const char *s, size_t n)
{
	console_write(s, n);
}

static int cmd_dmesg(int argc, char **argv)
{
	log_read_all(dmesg_sink);
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	u64 ns = ktime_get_ns();

	console_printf("up %lu.%03lu s\n", (unsigned long)(ns / 1000000000),
		       (unsigned long)(ns / 1000000 % 1000));
	return 0;
}

#define SLEEP_MAX_SECONDS 86400u

/*
 * Parses busybox's "sleep 2", "sleep 0.5", "sleep .25" into milliseconds (digits after the
 * third decimal are ignored). -EINVAL, or -ERANGE beyond SLEEP_MAX_SECONDS.
 */
static int parse_seconds(const char *s, unsigned int *ms)
{
	unsigned int seconds = 0, frac = 0, scale = 100;
	const char *p = s;

	for (; isdigit(*p); p++) {
		seconds = seconds * 10 + (unsigned int)(*p - '0');
		if (seconds > SLEEP_MAX_SECONDS)
			return -ERANGE;
	}
	if (*p == '.')
		for (p++; isdigit(*p); p++, scale /= 10)
			frac += (unsigned int)(*p - '0') * scale;
	if (*p || p == s || (p == s + 1 && *s == '.'))
		return -EINVAL;
	if (seconds == SLEEP_MAX_SECONDS && frac)
		return -ERANGE;
	*ms = seconds * 1000 + frac;
	return 0;
}

/* Keeps the shell busy (typed input waits in the console tty meanwhile). */
static int cmd_sleep(int argc, char **argv)
{
	unsigned int ms;
	int err = parse_seconds(argv[1], &ms);

	if (err == -ERANGE) {
		console_printf("sleep: %s: too long (at most %u seconds)\n", argv[1],
			       SLEEP_MAX_SECONDS);
		return SHELL_FAILED;
	}
	if (err) {
		shell_print_error("sleep", argv[1], "not a number of seconds (e.g. 2, 0.5)");
		return SHELL_FAILED;
	}
	return msleep_interruptible(ms) ? -EINTR : 0; /* Ctrl-C ends it early */
}

static int cmd_cmdline(int argc, char **argv)
{
	console_puts(cmdline_get_raw());
	console_puts("\n");
	return 0;
}

static int cmd_reboot(int argc, char **argv)
{
	ksys_sync(); /* as busybox's reboot does: filesystems' metadata too, not only pages */
	console_puts("Rebooting...\n");
	machine_reboot();
	return -EIO; /* not reached: machine_reboot ends in a triple fault at worst */
}

static int cmd_poweroff(int argc, char **argv)
{
	ksys_sync(); /* as busybox's poweroff does; acpi_poweroff only writes cached pages */
	console_puts("Powering off...\n");
	return acpi_poweroff();
}

static const char *const crash_kinds[] = { "pf", "gp", "ud", "de", "df" };

static int cmd_crash(int argc, char **argv);

static const struct shell_command crash_command = {
	.name = "crash",
	.usage = "crash <pf|gp|ud|de|df>",
	.help = "fault on purpose: page fault, #GP, #UD, divide error, double fault",
	.run = cmd_crash,
	.flags = SHELL_CMD_DEBUG,
};

static int cmd_crash(int argc, char **argv)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(crash_kinds); i++)
		if (strcmp(argv[1], crash_kinds[i]) == 0)
			return crash_trigger(argv[1]);
	shell_print_error("crash", argv[1], "unknown kind (usage: crash <pf|gp|ud|de|df>)");
	return SHELL_FAILED;
}

static const struct shell_command builtin_commands[] = {
	{ "echo", "echo [word...]", "print the words", cmd_echo, SHELL_CMD_RAW_ARGS, NULL },
	{ "mem", "mem", "memory statistics", cmd_mem, 0, NULL },
	{ "dmesg", "dmesg", "print the kernel log", cmd_dmesg, 0, NULL },
	{ "uptime", "uptime", "seconds since boot", cmd_uptime, 0, NULL },
	{ "sleep", "sleep SECONDS", "wait SECONDS (fractions allowed: 0.5)", cmd_sleep, 0, NULL },
	{ "cmdline", "cmdline", "print the kernel command line", cmd_cmdline, 0, NULL },
	{ "reboot", "reboot", "restart the machine", cmd_reboot, 0, NULL },
	{ "poweroff", "poweroff", "switch the machine off (ACPI S5)", cmd_poweroff, 0, NULL },
};

void shell_register_builtins(void)
{
	shell_register_help();
	for (unsigned int i = 0; i < ARRAY_SIZE(builtin_commands); i++)
		shell_register_command(&builtin_commands[i]);
	shell_register_command(&crash_command);
	shell_register_repeat_commands();
}
