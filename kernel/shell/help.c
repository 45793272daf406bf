/*
 * The help command: `help` lists the everyday commands, `help debug` the test, benchmark and
 * crash commands (SHELL_CMD_DEBUG), `help CMD` one command's usage and help. Every line fits
 * 80 columns: longer help texts wrap at a blank.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/shell_internal.h"

#define HELP_WIDTH 79     /* 80 columns, the last one left free: some terminals wrap there */
#define HELP_NAME_WIDTH 12

/* Prints text from column `column`, wrapping at blanks onto lines indented by indent. */
static void print_wrapped(const char *text, unsigned int column, unsigned int indent)
{
	while (*text) {
		size_t room = HELP_WIDTH - column, len = strlen(text), cut = len;

		if (len > room) {
			for (cut = room; cut > 0 && text[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = room; /* one word longer than the line: cut it */
		}
		console_write(text, cut);
		console_puts("\n");
		text += cut;
		while (*text == ' ')
			text++;
		if (*text)
			console_printf("%*s", (int)indent, "");
		column = indent;
	}
}

static bool listing_debug;

static void print_help_line(const struct shell_command *cmd)
{
	if (!(cmd->flags & SHELL_CMD_DEBUG) != !listing_debug)
		return;
	console_printf("  %-*s ", HELP_NAME_WIDTH, cmd->name);
	if (strlen(cmd->name) > HELP_NAME_WIDTH) {
		console_printf("\n%*s", HELP_NAME_WIDTH + 3, "");
	}
	if (cmd->help && *cmd->help)
		print_wrapped(cmd->help, HELP_NAME_WIDTH + 3, HELP_NAME_WIDTH + 3);
	else
		console_puts("\n");
}

static void help_list(bool debug)
{
	listing_debug = debug;
	if (debug)
		console_puts("Debug commands (tests, benchmarks, faults on purpose):\n");
	else
		console_puts("Commands ('help CMD' for one, 'help debug' for test commands):\n");
	shell_for_each_command(print_help_line);
}

/* help CMD: its usage lines, its one-line help, then its longer help if any. */
static int help_command(const char *name)
{
	const struct shell_command *cmd = shell_find_command(name);

	if (!cmd) {
		shell_print_error("help", name, "no such command (type 'help')");
		return SHELL_FAILED;
	}
	shell_usage(cmd);
	if (cmd->help && *cmd->help)
		print_wrapped(cmd->help, 0, 0);
	if (cmd->long_help)
		console_puts(cmd->long_help); /* preformatted: 80 columns is the author's rule */
	if (cmd->flags & SHELL_CMD_DEBUG)
		console_puts("(a debug command: listed by 'help debug')\n");
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 1 || strcmp(argv[1], "debug") == 0) {
		help_list(argc > 1);
		return 0;
	}
	return help_command(argv[1]);
}

static const struct shell_command help_cmd = {
	.name = "help",
	.usage = "help [debug|CMD]",
	.help = "list the commands, the debug commands, or explain one",
	.run = cmd_help,
};

void shell_register_help(void)
{
	shell_register_command(&help_cmd);
}
