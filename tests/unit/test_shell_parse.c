/* Host unit test for the shell's line syntax (parse.c) and its usage-line checks (args.c). */
/* UNIT_SOURCES: kernel/shell/parse.c kernel/shell/args.c */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/shell_internal.h"
#include "unit.h"

/* What the code under test printed, for the checks to compare. */
static char printed[1024];
static size_t printed_len;

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && printed_len + 1 < sizeof(printed); i++)
		printed[printed_len++] = s[i];
	printed[printed_len] = '\0';
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

int console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_puts(buf);
	return n;
}

int shell_usage(const struct shell_command *cmd)
{
	console_printf("usage: %s\n", cmd->usage);
	return SHELL_FAILED;
}

/* The line's words as "a|b;c" (';' between commands), or "ERR" on a syntax error. */
static const char *split(const char *line, bool split_commands)
{
	static char out[256];
	char words[256], *word;
	struct shell_lexer lx = { .pos = line, .out = words, .split_commands = split_commands };
	bool first = true; /* of a command: no '|' before it */
	size_t n = 0;
	int ret;

	out[0] = '\0';
	while ((ret = shell_next_word(&lx, &word)) != SHELL_END_LINE) {
		if (ret < 0)
			return "ERR";
		if (ret == SHELL_END_COMMAND) {
			n += snprintf(out + n, sizeof(out) - n, ";");
			first = true;
			continue;
		}
		n += snprintf(out + n, sizeof(out) - n, "%s%s", first ? "" : "|", word);
		first = false;
	}
	return out;
}

static void test_lexer(void)
{
	CHECK_STR(split("echo a  b", true), "echo|a|b");
	CHECK_STR(split("echo a;echo b ; c", true), "echo|a;echo|b;c");
	CHECK_STR(split("echo a # b ; c", true), "echo|a");
	CHECK_STR(split("echo a#b", true), "echo|a#b");
	CHECK_STR(split("echo 'a  b' \"c;d\" 'x\"y' \"p'q\"", true), "echo|a  b|c;d|x\"y|p'q");
	CHECK_STR(split("echo \\; \\# \\' \"\\\"\\\\\"", true), "echo|;|#|'|\"\\");
	CHECK_STR(split("echo 'a\\'", true), "echo|a\\");
	CHECK_STR(split("echo ''", true), "echo|");
	CHECK_STR(split("repeat 2 a ; b;", false), "repeat|2|a|;|b;");
	CHECK_STR(split("echo 'open", true), "ERR");
	CHECK_STR(split("echo \"open", true), "ERR");
}

/* Runs shell_check_args on the words of line against usage; returns what was printed. */
static const char *check(const char *usage, unsigned int flags, const char *line, int *ret)
{
	struct shell_command cmd = { .name = "cmd", .usage = usage, .flags = flags };
	char words[256], *argv[SHELL_ARGS_MAX + 1], *word;
	struct shell_lexer lx = { .pos = line, .out = words, .split_commands = true };
	int argc = 0;

	while (shell_next_word(&lx, &word) == SHELL_WORD)
		argv[argc++] = word;
	argv[argc] = NULL;
	printed_len = 0;
	printed[0] = '\0';
	*ret = shell_check_args(&cmd, argc, argv);
	return printed;
}

static void test_usage_checks(void)
{
	int ret;

	CHECK_STR(check("cmd [-l] [path]", 0, "cmd -l /", &ret), "");
	CHECK_INT(ret, 0);
	CHECK_STR(check("cmd [-l] [path]", 0, "cmd --bogus", &ret),
		  "cmd: unknown option '--bogus' (see 'help cmd')\n");
	CHECK_INT(ret, SHELL_FAILED);
	CHECK_STR(check("cmd [-l] [path]", 0, "cmd a b c", &ret), "cmd: extra arguments: b c\n");
	CHECK_STR(check("cmd <file>...", 0, "cmd", &ret), "usage: cmd <file>...\n");
	CHECK_STR(check("cmd <file>...", 0, "cmd a b c d", &ret), "");
	CHECK_STR(check("cmd [-k|-a] [-n events]", 0, "cmd -a -n 5", &ret), "");
	CHECK_STR(check("cmd [-k|-a] [-n events]", 0, "cmd -n", &ret),
		  "usage: cmd [-k|-a] [-n events]\n");
	CHECK_STR(check("cmd [-k|-a] [-n events]", 0, "cmd -n 5 x", &ret),
		  "cmd: extra argument: x\n");
	CHECK_STR(check("cmd SECONDS", 0, "cmd -5", &ret), ""); /* a number, not an option */
	CHECK_STR(check("cmd [-r] <m> [p=v...]", 0, "cmd -r m a=1 b=2", &ret), "");
	CHECK_STR(check("cmd a\ncmd b c", 0, "cmd x y z w", &ret), ""); /* sub-commands */
	CHECK_STR(check("cmd a\ncmd b c", 0, "cmd -z", &ret),
		  "cmd: unknown option '-z' (see 'help cmd')\n");
	CHECK_STR(check("cmd", SHELL_CMD_RAW_ARGS, "cmd -z 1 2", &ret), "");
	CHECK_STR(check("cmd x", SHELL_CMD_OWN_COUNT, "cmd 1 2", &ret), "");
}

int main(void)
{
	test_lexer();
	test_usage_checks();
	return unit_summary();
}
