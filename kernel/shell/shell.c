/*
 * The command registry and the command-line interpreter: splitting a line into words
 * (whitespace-separated, "double quotes" group, backslash escapes a quote or backslash),
 * finding the command and reporting its failure as "<cmd>: <message> (<ENAME>)".
 */
#include <keel/export.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/sched.h>
#include "module/module.h"
#include "fs/redirect.h"
#include "shell/shell_internal.h"

#define SHELL_COMMANDS_MAX 128

/* Kept sorted by name so that `help` lists them in order. */
static const struct shell_command *commands[SHELL_COMMANDS_MAX];
/* The module each command's code lies in (NULL: built in), found once at registration. */
static struct module *command_owners[SHELL_COMMANDS_MAX];
static unsigned int command_count;
static bool builtins_registered;

/* The built-ins register on first use, so modules loaded before the shell starts see them. */
static void ensure_builtins(void)
{
	if (builtins_registered)
		return;
	builtins_registered = true;
	shell_register_builtins();
	shell_register_fs_commands();
}

static int find_command_index(const char *name)
{
	for (unsigned int i = 0; i < command_count; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* The code decides, not the struct: a module may register a command built elsewhere. */
static struct module *command_owner(const struct shell_command *cmd)
{
	struct module *owner = __module_address((unsigned long)cmd->run);

	return owner ? owner : __module_address((unsigned long)cmd);
}

int shell_register_command(const struct shell_command *cmd)
{
	unsigned int pos;

	ensure_builtins();
	if (!cmd || !cmd->name || !*cmd->name || !cmd->run)
		return -EINVAL;
	if (find_command_index(cmd->name) >= 0)
		return -EEXIST;
	if (command_count == SHELL_COMMANDS_MAX)
		return -ENOSPC;
	for (pos = 0; pos < command_count && strcmp(commands[pos]->name, cmd->name) < 0; pos++)
		;
	memmove(&commands[pos + 1], &commands[pos], (command_count - pos) * sizeof(commands[0]));
	memmove(&command_owners[pos + 1], &command_owners[pos],
		(command_count - pos) * sizeof(command_owners[0]));
	commands[pos] = cmd;
	command_owners[pos] = command_owner(cmd);
	command_count++;
	return 0;
}
EXPORT_SYMBOL(shell_register_command);

void shell_unregister_command(const struct shell_command *cmd)
{
	for (unsigned int i = 0; i < command_count; i++) {
		if (commands[i] == cmd) {
			command_count--;
			memmove(&commands[i], &commands[i + 1],
				(command_count - i) * sizeof(commands[0]));
			memmove(&command_owners[i], &command_owners[i + 1],
				(command_count - i) * sizeof(command_owners[0]));
			return;
		}
	}
}
EXPORT_SYMBOL(shell_unregister_command);

static bool command_in_range(const struct shell_command *cmd, unsigned long start,
			     unsigned long end)
{
	unsigned long c = (unsigned long)cmd, run = (unsigned long)cmd->run;

	return (c >= start && c < end) || (run >= start && run < end);
}

unsigned int shell_unregister_range(unsigned long start, unsigned long end)
{
	unsigned int removed = 0;

	for (unsigned int i = 0; i < command_count;) {
		if (command_in_range(commands[i], start, end)) {
			shell_unregister_command(commands[i]);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}

void shell_for_each_command(void (*fn)(const struct shell_command *cmd))
{
	ensure_builtins();
	for (unsigned int i = 0; i < command_count; i++)
		fn(commands[i]);
}

void shell_print_error(const char *who, const char *what, const char *message)
{
	console_puts(who);
	console_puts(": ");
	console_puts(what);
	console_puts(": ");
	console_puts(message);
	console_puts("\n");
}

int shell_usage(const struct shell_command *cmd)
{
	console_printf("usage: %s\n", cmd->usage ? cmd->usage : cmd->name);
	return SHELL_FAILED;
}

/* Copies one word from *src to *dst, unquoting it; returns -EINVAL on an unclosed quote. */
static int copy_word(const char **src, char **dst)
{
	const char *s = *src;
	char *d = *dst;
	bool quoted = false;

	for (; *s && (quoted || !isspace(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		*d++ = *s;
	}
	*d++ = '\0';
	*src = s;
	*dst = d;
	return quoted ? -EINVAL : 0;
}

/* Splits line into argv, storing the words in buf (at least as long as line). */
static int tokenize(const char *line, char *buf, char **argv, int max_args)
{
	int argc = 0;

	for (;;) {
		while (isspace(*line))
			line++;
		if (!*line)
			return argc;
		if (argc == max_args) {
			console_printf("shell: too many arguments (max %d)\n", max_args);
			return -E2BIG;
		}
		argv[argc++] = buf;
		if (copy_word(&line, &buf) < 0) {
			console_puts("shell: missing closing quote (\")\n");
			return -EINVAL;
		}
	}
}

/* Already reported: the nesting limit, or Ctrl-C (the shell echoes ^C once, at the top). */
static bool shell_quiet_error(int ret)
{
	if (ret == SHELL_NESTED_TOO_DEEP)
		return true;
	return (ret == -EINTR || ret == -ERESTARTSYS) && signal_pending(current);
}

/*
 * The command's module is pinned for the whole call, the error report included (cmd->name is
 * module memory): an rmmod meanwhile, even from the command itself, is refused with -EBUSY.
 */
static int run_command(unsigned int index, int argc, char **argv)
{
	const struct shell_command *cmd = commands[index];
	struct module *owner = command_owners[index];
	int ret;

	if (!module_shell_call_begin(owner)) {
		console_printf("%s: module %s is being unloaded\n", cmd->name, module_name(owner));
		return -ENODEV;
	}
	ret = cmd->run(argc, argv);
	if (ret == -ERESTARTSYS)
		ret = -EINTR; /* kernel-internal: an interrupted sleep, never shown as such */
	if (ret < 0 && !shell_quiet_error(ret))
		console_printf("%s: %s (%s)\n", cmd->name, shell_strerror(ret), errno_name(ret));
	module_shell_call_end(owner);
	return ret;
}

static int shell_execute_line(const char *line)
{
	char words[SHELL_LINE_MAX];
	char *argv[SHELL_ARGS_MAX + 1];
	struct shell_redirect *redirect;
	int argc, index, ret;

	ensure_builtins();
	if (strlen(line) >= sizeof(words)) {
		console_printf("shell: line too long (max %d characters)\n", SHELL_LINE_MAX - 1);
		return -E2BIG;
	}
	argc = tokenize(line, words, argv, SHELL_ARGS_MAX);
	if (argc <= 0)
		return argc;
	argv[argc] = NULL;
	index = find_command_index(argv[0]);
	if (index < 0) {
		shell_print_error("keel", argv[0], "command not found (type 'help')");
		return -ENOENT;
	}
	ret = shell_redirect_begin(&argc, argv, &redirect); /* "> file", kernel/fs/redirect.c */
	if (ret)
		return ret;
	ret = run_command((unsigned int)index, argc, argv);
	shell_redirect_end(redirect);
	return ret;
}

/* Nesting depth of shell_execute. Command lines run in the shell's task only (rc, prompt and
 * the commands they nest), so one counter is that task's depth. */
static unsigned int shell_nesting;

int shell_execute(const char *line)
{
	int ret;

	if (shell_nesting >= SHELL_NESTING_MAX) {
		console_printf("shell: commands nested too deeply (max %d levels)\n",
			       SHELL_NESTING_MAX);
		return SHELL_NESTED_TOO_DEEP;
	}
	shell_nesting++;
	ret = shell_execute_line(line);
	shell_nesting--;
	return ret;
}
EXPORT_SYMBOL(shell_execute);
