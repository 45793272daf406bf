/* The shell's built-in system commands: help, echo, mem, dmesg, uptime, cmdline, power, crash. */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/time.h>
#include "acpi/acpi.h"
#include "console/log.h"
#include "cpu/cpu.h"
#include "mm/mm.h"
#include "shell/shell_internal.h"

static void print_help_line(const struct shell_command *cmd)
{
	console_printf("  %-22s %s\n", cmd->usage ? cmd->usage : cmd->name, cmd->help ? cmd->help : "");
}

static int cmd_help(int argc, char **argv)
{
	console_puts("Commands:\n");
	shell_for_each_command(print_help_line);
	return 0;
}

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

static int cmd_cmdline(int argc, char **argv)
{
	console_puts(cmdline_get_raw());
	console_puts("\n");
	return 0;
}

static int cmd_reboot(int argc, char **argv)
{
	console_puts("Rebooting...\n");
	machine_reboot();
	return -EIO; /* not reached: machine_reboot ends in a triple fault at worst */
}

static int cmd_poweroff(int argc, char **argv)
{
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
};

static int cmd_crash(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage(&crash_command);
	for (unsigned int i = 0; i < ARRAY_SIZE(crash_kinds); i++)
		if (strcmp(argv[1], crash_kinds[i]) == 0)
			return crash_trigger(argv[1]);
	shell_print_error("crash", argv[1], "unknown kind (usage: crash <pf|gp|ud|de|df>)");
	return SHELL_FAILED;
}

static const struct shell_command builtin_commands[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "echo", "echo [word...]", "print the words", cmd_echo },
	{ "mem", "mem", "memory statistics", cmd_mem },
	{ "dmesg", "dmesg", "print the kernel log", cmd_dmesg },
	{ "uptime", "uptime", "seconds since boot", cmd_uptime },
	{ "cmdline", "cmdline", "print the kernel command line", cmd_cmdline },
	{ "reboot", "reboot", "restart the machine", cmd_reboot },
	{ "poweroff", "poweroff", "switch the machine off (ACPI S5)", cmd_poweroff },
};

void shell_register_builtins(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(builtin_commands); i++)
		shell_register_command(&builtin_commands[i]);
	shell_register_command(&crash_command);
}
