/*
 * The command registry and the command-line interpreter: running each command of a line
 * (parse.c splits it, args.c checks the words against the usage), and reporting a failure as
 * "<cmd>: <message> (<ENAME>)".
 */
#include <keel/export.h>
#include <keel/console.h>
#include <keel/process.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/sched.h>
#include "console/log.h"
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

/* "usage: line" for each line of the usage (sub-commands), aligned under the first. */
int shell_usage(const struct shell_command *cmd)
{
	const char *usage = cmd->usage ? cmd->usage : cmd->name;

	console_puts("usage: ");
	for (const char *nl; (nl = strchr(usage, '\n')) != NULL; usage = nl + 1) {
		console_write(usage, (size_t)(nl - usage + 1));
		console_puts("       ");
	}
	console_puts(usage);
	console_puts("\n");
	return SHELL_FAILED;
}
EXPORT_SYMBOL(shell_usage);

const struct shell_command *shell_find_command(const char *name)
{
	int index;

	ensure_builtins();
	index = find_command_index(name);
	return index < 0 ? NULL : commands[index];
}

/*
 * A command's errors read "cmd: message" on the console, whatever code reported them: a
 * KERN_ERR printed by the shell's task while the command runs (the module loader's
 * refusals, a driver's) shows as that line, without the timestamp; dmesg keeps the record.
 */
static const struct shell_command *running_command;
static struct task_struct *running_task;

static bool show_error_as_command(const char *text, size_t n)
{
	const struct shell_command *cmd = running_command;

	if (!cmd || in_interrupt() || current != running_task)
		return false;
	console_puts(cmd->name);
	console_puts(": ");
	console_write(text, n);
	return true;
}

static const struct shell_command *enter_command(const struct shell_command *cmd)
{
	const struct shell_command *outer = running_command;

	log_set_error_hook(show_error_as_command);
	running_task = current;
	running_command = cmd;
	return outer;
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
	const struct shell_command *outer;
	struct module *owner = command_owners[index];
	int ret;

	if (!module_shell_call_begin(owner)) {
		console_printf("%s: module %s is being unloaded\n", cmd->name, module_name(owner));
		return -ENODEV;
	}
	outer = enter_command(cmd);
	ret = cmd->run(argc, argv);
	running_command = outer; /* repeat's commands nest */
	if (ret == -ERESTARTSYS)
		ret = -EINTR; /* kernel-internal: an interrupted sleep, never shown as such */
	if (ret < 0 && !shell_quiet_error(ret))
		console_printf("%s: %s (%s)\n", cmd->name, shell_strerror(ret), errno_name(ret));
	module_shell_call_end(owner);
	return ret;
}

/*
 * Reads the words of one command into argv[*argc...], NULL-terminated. SHELL_END_COMMAND or
 * SHELL_END_LINE, or a negative errno after one line. A command flagged SHELL_CMD_LINE
 * (repeat) takes the rest of the line, its ';' words included.
 */
static int read_command(struct shell_lexer *lx, char **argv, int *argc, int room)
{
	int ret;
	char *word;

	lx->split_commands = true;
	while ((ret = shell_next_word(lx, &word)) == SHELL_WORD) {
		if (*argc >= room) {
			console_printf("shell: too many arguments (max %d)\n", SHELL_ARGS_MAX);
			return -E2BIG;
		}
		if (*argc == 0) {
			const struct shell_command *cmd = shell_find_command(word);

			lx->split_commands = !cmd || !(cmd->flags & SHELL_CMD_LINE);
		}
		argv[(*argc)++] = word;
	}
	argv[*argc] = NULL;
	return ret;
}

/*
 * One command of the line: "> file" / ">> file" taken out first (kernel/fs/redirect.c), so
 * the usage check and the command see only their own words. Commands that run command lines
 * (SHELL_CMD_LINE: repeat, time) keep them: each command they run is redirected, as the body
 * of a sh loop is, and `time cmd > f` times cmd's output going to f.
 */
static int execute_argv(int argc, char **argv)
{
	struct shell_redirect *redirect = NULL;
	int index = argc ? find_command_index(argv[0]) : -1, ret;

	if (index < 0 || !(commands[index]->flags & SHELL_CMD_LINE)) {
		ret = shell_redirect_begin(&argc, argv, &redirect);
		if (ret)
			return ret;
	}
	index = argc ? find_command_index(argv[0]) : -1;
	if (index < 0 && argc && argv[0][0] == '/') {
		ret = run_program("keel", argv); /* a path runs that program, as `run` does */
		if (ret < 0)
			console_printf("keel: %s: %s (%s)\n", argv[0], shell_strerror(ret),
				       errno_name(ret));
	} else if (index < 0) {
		shell_print_error("keel", argc ? argv[0] : ">", "command not found (type 'help')");
		ret = -ENOENT;
	} else if (shell_check_args(commands[index], argc, argv)) {
		ret = SHELL_FAILED;
	} else {
		ret = run_command((unsigned int)index, argc, argv);
	}
	shell_redirect_end(redirect);
	return ret;
}

/* Whether the commands after this one still run: not after Ctrl-C or the nesting limit. */
static bool line_goes_on(int ret)
{
	return ret != SHELL_NESTED_TOO_DEEP && !signal_pending(current);
}

/*
 * Runs the commands of a line in order (a failure does not stop the next, as in sh); returns
 * the last one's result. The whole line is read first: a syntax error runs nothing.
 */
static int shell_execute_line(const char *line)
{
	char words[SHELL_LINE_MAX];
	char *argv[SHELL_ARGS_MAX + 2]; /* words, a NULL after each command's */
	unsigned char starts[SHELL_ARGS_MAX + 1];
	struct shell_lexer lx = { .pos = line, .out = words };
	int ncmds = 0, used = 0, ret;

	ensure_builtins();
	if (strlen(line) >= sizeof(words)) {
		console_printf("shell: line too long (max %d characters)\n", SHELL_LINE_MAX - 1);
		return -E2BIG;
	}
	do {
		int argc = 0;

		ret = read_command(&lx, argv + used, &argc, SHELL_ARGS_MAX - used);
		if (ret < 0)
			return ret;
		if (argc) {
			starts[ncmds++] = (unsigned char)used;
			used += argc + 1;
		}
	} while (ret == SHELL_END_COMMAND);
	ret = 0;
	for (int i = 0; i < ncmds && (i == 0 || line_goes_on(ret)); i++) {
		char **cmd_argv = argv + starts[i];
		int argc = 0;

		while (cmd_argv[argc])
			argc++;
		ret = execute_argv(argc, cmd_argv);
	}
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
