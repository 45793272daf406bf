/*
 * The shell's built-in system commands: echo, mem, dmesg, uptime, sleep, cmdline, power, crash,
 * and repeat (runs a command line many times: leak and robustness tests).
 */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/errno.h>
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

/*
 * repeat [-q] <count> <command> [; <command>...]: the commands run in order, count times.
 * The words after the count are the tokenizer's output, so each command is put back into one
 * line (quoting what needs it) for shell_execute. A word ";" (or a word ending in ';') ends a
 * command. The first failure stops everything and names the iteration and command.
 */
#define REPEAT_QUIET_LOGLEVEL 5 /* -q: errors and warnings still reach the console */

static bool word_needs_quotes(const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (isspace(word[i]) || strchr("\"\\;'#", word[i]))
			return true;
	return len == 0;
}

/* Appends word to line[*len], quoted and escaped when needed; false when it does not fit. */
static bool append_word(char *line, size_t *len, const char *word, size_t word_len)
{
	bool quote = word_needs_quotes(word, word_len);
	size_t n = *len;

	if (n + word_len * 2 + 4 >= SHELL_LINE_MAX)
		return false;
	if (n)
		line[n++] = ' ';
	if (quote)
		line[n++] = '"';
	for (size_t i = 0; i < word_len; i++) {
		if (word[i] == '"' || word[i] == '\\')
			line[n++] = '\\';
		line[n++] = word[i];
	}
	if (quote)
		line[n++] = '"';
	line[n] = '\0';
	*len = n;
	return true;
}

/*
 * Builds the command starting at argv[*next] into line and moves *next past its ';'.
 * Returns the line's length (0 for an empty command) or -E2BIG.
 */
static int repeat_next_command(int argc, char **argv, int *next, char *line)
{
	size_t len = 0;

	line[0] = '\0';
	while (*next < argc) {
		const char *word = argv[(*next)++];
		size_t word_len = strlen(word);
		bool ends = word_len && word[word_len - 1] == ';';

		if (ends)
			word_len--;
		if ((word_len || !ends) && !append_word(line, &len, word, word_len))
			return -E2BIG;
		if (ends)
			break;
	}
	return (int)len;
}

/*
 * One pass over the commands: 0; the 1-based number of the command that failed (reported);
 * or a negative errno passed up without a message: Ctrl-C (-EINTR), the nesting limit.
 */
static int repeat_once(int argc, char **argv, int first, char *line, unsigned long iteration,
		       unsigned long count)
{
	int next = first, nr = 0, ret;

	while (next < argc) {
		int len;

		if (signal_pending(current))
			return -EINTR; /* checked before each command: even empty ones stop */
		len = repeat_next_command(argc, argv, &next, line);
		if (len < 0) {
			console_printf("repeat: command %d is too long (max %d characters)\n",
				       nr + 1, SHELL_LINE_MAX - 1);
			return nr + 1;
		}
		nr++;
		if (len == 0)
			continue;
		ret = shell_execute(line);
		if (ret == SHELL_NESTED_TOO_DEEP || signal_pending(current))
			return ret == SHELL_NESTED_TOO_DEEP ? ret : -EINTR;
		if (ret != 0) {
			console_printf("repeat: iteration %lu of %lu failed: %s\n", iteration, count,
				       line);
			return nr;
		}
	}
	return 0;
}

static int cmd_repeat(int argc, char **argv);

static const struct shell_command repeat_command = {
	.name = "repeat",
	.usage = "repeat [-q] <count> <command> [; <command>...]",
	.help = "run commands count times, stopping at the first failure (-q: no info messages)",
	.run = cmd_repeat,
	/* its words are other commands' (options included), and its ';' separate them */
	.flags = SHELL_CMD_LINE | SHELL_CMD_RAW_ARGS,
};

static int cmd_repeat(int argc, char **argv)
{
	bool quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
	int first = 2 + quiet, saved_level = log_get_console_level();
	unsigned long count, done = 0;
	char line[SHELL_LINE_MAX];
	int ret = 0;

	if (argc <= first || kstrtoul(argv[first - 1], 0, &count))
		return shell_usage(&repeat_command);
	if (quiet && saved_level > REPEAT_QUIET_LOGLEVEL)
		log_set_console_level(REPEAT_QUIET_LOGLEVEL);
	while (done < count && (ret = repeat_once(argc, argv, first, line, done + 1, count)) == 0)
		done++;
	log_set_console_level(saved_level);
	if (ret < 0)
		return ret;
	if (done < count)
		return SHELL_FAILED;
	console_printf("repeat: %lu iteration%s done\n", count, count == 1 ? "" : "s");
	return 0;
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
	shell_register_command(&repeat_command);
}
