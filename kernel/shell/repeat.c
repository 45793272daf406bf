/*
 * Commands that run other command lines: repeat (a loop) and time (a stopwatch). Both put the
 * tokenizer's words back into one line for shell_execute, which also enforces the nesting
 * limit.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/ktime.h>
#include <keel/printk.h>
#include <keel/sched/signal.h>
#include <keel/sched.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include "console/log.h"
#include "shell/shell_internal.h"

/*
 * repeat [-q] <count> <command> [; <command>...]: the commands run in order, count times.
 * The words after the count are the tokenizer's output, so each command is put back into one
 * line (quoting what needs it) for shell_execute. A word ";" (or a word ending in ';') ends a
 * command. The first failure stops everything and names the iteration and command. "{}" in a
 * command stands for the iteration's number (1..count), as in find -exec and xargs -I, so
 * one line can make a thousand different files.
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

/* Replaces each "{}" in line (SHELL_LINE_MAX bytes) with n; -E2BIG when it would not fit. */
static int substitute_iteration(char *line, unsigned long n)
{
	char number[24], out[SHELL_LINE_MAX];
	size_t len = 0, nlen = (size_t)snprintf(number, sizeof(number), "%lu", n);

	if (!strstr(line, "{}"))
		return 0;
	for (const char *p = line; *p; p++) {
		bool mark = p[0] == '{' && p[1] == '}';
		size_t add = mark ? nlen : 1;

		if (len + add >= sizeof(out))
			return -E2BIG;
		memcpy(out + len, mark ? number : p, add);
		len += add;
		p += mark;
	}
	out[len] = '\0';
	memcpy(line, out, len + 1);
	return 0;
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
		if (substitute_iteration(line, iteration)) {
			console_printf("repeat: command %d is too long with {} replaced\n", nr);
			return nr;
		}
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


static int cmd_time(int argc, char **argv);

static const struct shell_command time_command = {
	.name = "time",
	.usage = "time <command> [<word>...]",
	.help = "run a command and print how long it took (wall clock)",
	.run = cmd_time,
	.flags = SHELL_CMD_LINE | SHELL_CMD_RAW_ARGS,
};

/* Like busybox's time: the command's own status is returned, the time printed after it. */
static int cmd_time(int argc, char **argv)
{
	char line[SHELL_LINE_MAX];
	int next = 1, len;
	u64 start, us;
	int ret;

	if (argc < 2)
		return shell_usage(&time_command);
	if (argv[1][0] == '-') {
		console_printf("time: unknown option '%s'\n", argv[1]);
		return SHELL_FAILED;
	}
	len = repeat_next_command(argc, argv, &next, line);
	if (len < 0 || next < argc) {
		console_printf("time: one command of at most %d characters\n", SHELL_LINE_MAX - 1);
		return SHELL_FAILED;
	}
	start = ktime_get_ns();
	ret = shell_execute(line);
	us = (ktime_get_ns() - start) / 1000;
	console_printf("real %llu.%06llu s\n", (unsigned long long)(us / 1000000),
		       (unsigned long long)(us % 1000000));
	/* the command reported its own failure; only an interruption goes up as such */
	return ret && ret != -EINTR && ret != SHELL_NESTED_TOO_DEEP ? SHELL_FAILED : ret;
}

void shell_register_repeat_commands(void)
{
	shell_register_command(&repeat_command);
	shell_register_command(&time_command);
}
