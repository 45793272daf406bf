/*
 * The shell's `run PATH [ARGS...]`: runs a program as a process in the foreground and reports
 * only an abnormal end (a non-zero exit status, or the signal that killed it), as a Unix
 * shell's $? would show. Also process_init(), which sets up processes at boot.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/shell.h>
#include "fs/fs_syscalls.h"
#include "process/process_init.h"

/* The environment every program gets (no shell variables exist yet). */
static char *const default_envp[] = {
	"HOME=/", "PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/test", "TERM=linux", NULL,
};

/* Names of the signals a program is likely to die of (Linux's numbers). */
static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
};

static const char *signal_name(int sig)
{
	if (sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	return "?";
}

static const struct shell_command run_command;

int run_program(const char *who, char **argv)
{
	int status = 0, err;

	err = process_run(argv[0], argv, default_envp, &status);
	console_termios_reset(); /* a program killed in raw mode must not leave the shell so */
	if (err)
		return err;
	if (WIFSIGNALED_STATUS(status)) {
		console_printf("%s: %s killed by signal %d (%s)\n", who, argv[0],
			       WTERMSIG_STATUS(status), signal_name(WTERMSIG_STATUS(status)));
		return 1;
	}
	if (WEXITSTATUS_STATUS(status)) {
		console_printf("%s: %s exited with status %d\n", who, argv[0],
			       WEXITSTATUS_STATUS(status));
		return 1;
	}
	return 0;
}

/* Raw arguments (a program's options are its own), so the word count is checked here. */
static int cmd_run(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage(&run_command);
	return run_program("run", argv + 1);
}

static const struct shell_command run_command = {
	"run", "run <path> [args]...", "run a program as a user process", cmd_run,
	SHELL_CMD_RAW_ARGS, NULL,
};

void process_init(void)
{
	shell_register_command(&run_command);
}
