/*
 * The interactive shell: runs /etc/rc, reports how long boot took, then prompts "keel> "
 * and executes each line typed on the console, forever. It is the console's foreground task,
 * so Ctrl-C during a command sends it SIGINT, which stops the command.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/tty.h>
#include <keel/sched/signal.h>
#include <keel/fs.h>
#include "irq/irq.h"
#include "time/time.h"
#include "shell/shell_internal.h"
#include "shell/shell_run.h"

#define RC_PATH "/etc/rc"

/*
 * Watches every console write to know whether the cursor sits at the start of a line,
 * so the prompt never lands after a command's (or printk's) unterminated output.
 */
static bool at_line_start = true;

static void track_column(struct console *con, const char *s, size_t n)
{
	if (n)
		at_line_start = s[n - 1] == '\n';
}

static struct console column_tracker = {
	.name = "shell-column",
	.write = track_column,
};

static void print_prompt(void)
{
	if (!at_line_start)
		console_write("\n", 1);
	console_puts("keel> ");
}

static void run_rc_line(char *line)
{
	size_t len = strlen(line);

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	line += strspn(line, " \t");
	if (!*line || *line == '#')
		return;
	console_puts("rc: ");
	console_puts(line);
	console_puts("\n");
	shell_execute(line);
}

static void run_rc(void)
{
	char *script, *rest, *line;
	size_t size;
	int ret = kernel_read_file_from_path(RC_PATH, (void **)&script, &size,
					     KERNEL_READ_FILE_MAX);

	if (ret == -ENOENT)
		return;
	if (ret) {
		console_printf("rc: %s: %s\n", RC_PATH, shell_strerror(ret));
		return;
	}
	/* kernel_read_file_from_path NUL-terminates; a NUL inside the file simply ends the script there. */
	rest = script;
	while (!signal_pending(current) && (line = strsep(&rest, "\n")) != NULL)
		run_rc_line(line);
	kfree(script);
}

static void report_boot_time(void)
{
	u64 ns = tsc_to_ns(rdtsc() - boot_tsc_start());

	pr_info("boot: entry to prompt took %lu.%03lu ms\n", (unsigned long)(ns / 1000000),
		(unsigned long)(ns / 1000 % 1000));
}

/* The console tty's line limit is the shell's: "line too long" must name the real maximum. */
_Static_assert(SHELL_LINE_MAX == TTY_LINE_MAX, "the shell's line limit is the tty's");

/*
 * Ctrl-C while a command ran sent the shell SIGINT (the console tty's foreground task): the
 * command stopped early, or had just finished. Echo it as the tty would, and clear it, since
 * the shell has handled it (Linux's shell gets SIGINT and prompts again).
 */
static void handle_interrupt(void)
{
	if (!signal_pending(current))
		return;
	console_puts(at_line_start ? "^C\n" : "\n^C\n");
	flush_signals(current);
}

/* Ctrl-C (-EINTR) abandons the line: nothing to say, a new prompt follows. */
static void read_and_execute(void)
{
	static char line[SHELL_LINE_MAX];
	int ret;

	print_prompt();
	ret = tty_read_line(console_tty(), line, sizeof(line));
	if (ret == -EINTR)
		flush_signals(current); /* the discipline echoed the ^C */
	if (ret == -E2BIG)
		console_printf("shell: line too long (max %d characters)\n", SHELL_LINE_MAX - 1);
	if (ret > 0)
		shell_execute(line);
	handle_interrupt();
}

void shell_run(void)
{
	register_console(&column_tracker);
	/* Commands run in this task: Ctrl-C on the console interrupts them. */
	tty_set_foreground(console_tty(), current);
	run_rc();
	handle_interrupt();
	report_boot_time();
	for (;;)
		read_and_execute();
}
