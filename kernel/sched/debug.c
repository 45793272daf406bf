/*
 * The scheduler's debugging aids: might_sleep() checks, the task line of an oops (with the
 * stack overflow diagnosis), and the shell's ps command.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/ktime.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "sched/sched.h"

#ifndef CONFIG_DEBUG_ATOMIC_SLEEP
#define CONFIG_DEBUG_ATOMIC_SLEEP 1
#endif

void __might_sleep(const char *file, int line)
{
	struct task_struct *t = current;

	if (!CONFIG_DEBUG_ATOMIC_SLEEP || (preempt_count() == 0 && !irqs_disabled()))
		return;
	if (t->flags & PF_IDLE && !in_interrupt() && preempt_count() == 0)
		return; /* early boot, before the first task: nothing else could run anyway */
	pr_err("BUG: sleeping function called from invalid context at %s:%d\n", file, line);
	pr_err("in_atomic(): %d, irqs_disabled(): %d, pid: %d, name: %s\n", in_atomic() ? 1 : 0,
	       irqs_disabled() ? 1 : 0, t->pid, t->comm);
	dump_stack();
}
EXPORT_SYMBOL(__might_sleep);

/* Part of the oops: which task, and whether it ran off its stack into the guard page. */
static void sched_oops_report(unsigned long fault_addr, unsigned long rsp)
{
	/* rsp - 8: a push or call that faults leaves rsp unchanged, possibly at the very bottom
	 * of the stack, with the word it tried to write in the guard page below. */
	struct task_struct *t = current, *victim = task_stack_guard_owner(rsp - sizeof(long));

	if (!victim && fault_addr)
		victim = task_stack_guard_owner(fault_addr);
	printk(KERN_EMERG "CPU: 0 PID: %d Comm: %s%s\n", t->pid, t->comm,
	       in_interrupt() ? " (in interrupt)" : "");
	if (victim)
		printk(KERN_EMERG "BUG: kernel stack overflow: task %s (pid %d) ran past its stack "
				  "0x%016lx-0x%016lx into the guard page\n",
		       victim->comm, victim->pid, (unsigned long)victim->stack,
		       (unsigned long)victim->stack + victim->stack_size);
}

void sched_debug_init(void)
{
	oops_print_task_hook = sched_oops_report;
}

char task_state_char(const struct task_struct *t)
{
	unsigned int s = t->__state;

	if (s == TASK_RUNNING)
		return (t->flags & PF_IDLE) && t != current ? 'I' : 'R';
	if (s & TASK_INTERRUPTIBLE)
		return 'S';
	if (s & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (s & TASK_DEAD)
		return 'Z';
	return 'N'; /* TASK_NEW */
}

#define PS_COLUMNS 80

struct ps_line {
	char text[PS_COLUMNS + 1];
};

struct ps_snapshot {
	struct ps_line *lines;
	unsigned int n, max;
};

/* A process's command line with its NULs as spaces (what exec gave it: /proc/PID/cmdline);
 * a kernel thread's, a zombie's or one not yet exec'd: its name. */
static void ps_cmdline(struct task_struct *t, char *buf, int size)
{
	int n = get_cmdline(t, buf, size - 1);

	while (n > 0 && buf[n - 1] == '\0')
		n--;
	if (n <= 0) {
		strlcpy(buf, t->comm, (size_t)size);
		return;
	}
	for (int i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

static void ps_collect(struct task_struct *t, void *ctx)
{
	struct ps_snapshot *snap = ctx;
	u64 ms = t->sum_exec_runtime / 1000000;
	char *line;
	int used;

	if (t == current)
		ms += (ktime_get_ns() - t->exec_start) / 1000000;
	if (snap->n >= snap->max)
		return;
	line = snap->lines[snap->n++].text;
	used = scnprintf(line, PS_COLUMNS + 1, "%5d %c %5d %6llu.%03llu %8lu %8lu  ", t->pid,
			 task_state_char(t), t->parent ? t->parent->pid : 0,
			 (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000), t->nvcsw,
			 t->nivcsw);
	ps_cmdline(t, line + used, PS_COLUMNS + 1 - used);
}

/* Collected with interrupts off, printed after: printing may wait for the serial port. */
static int cmd_ps(int argc, char **argv)
{
	struct ps_snapshot snap = { .max = 512 };

	snap.lines = kmalloc_array(snap.max, sizeof(*snap.lines), GFP_KERNEL);
	if (!snap.lines)
		return -ENOMEM;
	for_each_task(ps_collect, &snap);
	console_printf("  PID S  PPID   TIME(s)    VOLCS  INVOLCS  COMMAND\n");
	for (unsigned int i = 0; i < snap.n; i++)
		console_printf("%s\n", snap.lines[i].text);
	kfree(snap.lines);
	return 0;
}

static const struct shell_command ps_command = {
	.name = "ps",
	.usage = "ps",
	.help = "list tasks: pid, state, parent, CPU time, switches, command line",
	.run = cmd_ps,
};

void sched_register_commands(void)
{
	shell_register_command(&ps_command);
}
