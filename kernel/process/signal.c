/*
 * Signals to processes: kill(2) to a pid, a process group or everyone, and what a process does
 * with a pending signal on its way back to user mode. This slice has no handlers: every signal
 * takes its default action (Linux's table in kernel/signal.c): ignore (SIGCHLD, SIGURG,
 * SIGWINCH; SIGCONT and the stop signals too, since nothing stops), or terminate, with the core
 * flag in the wait status for the "core" ones.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/process.h>
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "sched/sched.h"

#define SIG_KERNEL_IGNORE_MASK                                                             \
	(sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT) |       \
	 sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define SIG_KERNEL_COREDUMP_MASK                                                           \
	(sigmask(SIGQUIT) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGABRT) |        \
	 sigmask(SIGBUS) | sigmask(SIGFPE) | sigmask(SIGSEGV) | sigmask(SIGXCPU) |          \
	 sigmask(SIGXFSZ) | sigmask(SIGSYS))

bool sig_ignored(struct task_struct *p, int sig)
{
	if (p->blocked & sigmask(sig))
		return false; /* it may be unblocked after a handler is installed */
	return (SIG_KERNEL_IGNORE_MASK & sigmask(sig)) != 0;
}

void kill_process(struct task_struct *t, int sig)
{
	send_sig(sig, t, 1);
}

/* Takes the lowest pending unblocked signal off current's set; 0 when none. */
static int dequeue_signal(void)
{
	unsigned long pending, flags;
	int sig = 0;

	local_irq_save(flags);
	pending = current->sigpending & ~current->blocked;
	if (pending) {
		sig = __builtin_ctzl(pending) + 1;
		current->sigpending &= ~sigmask(sig);
	}
	local_irq_restore(flags);
	return sig;
}

void do_signal(struct pt_regs *regs)
{
	int sig;

	(void)regs;
	while ((sig = dequeue_signal())) {
		if (SIG_KERNEL_IGNORE_MASK & sigmask(sig))
			continue;
		if (SIG_KERNEL_COREDUMP_MASK & sigmask(sig))
			do_group_exit(sig | WCOREFLAG);
		do_group_exit(sig);
	}
}

struct kill_query {
	pid_t pgrp;     /* > 0: that group; 0: every process but the sender and init */
	int sig;
	int sent;
};

static void kill_one(struct task_struct *t, void *ctx)
{
	struct kill_query *q = ctx;

	if ((t->flags & PF_KTHREAD) || t->pid <= 1 || t->exit_state == EXIT_DEAD)
		return;
	if (q->pgrp ? t->pgrp != q->pgrp : t == current)
		return;
	q->sent++;
	if (q->sig && !t->exit_state)
		send_sig(q->sig, t, 0);
}

/* Sends sig (0: only checks) to group pgrp, or with pgrp 0 to all; -ESRCH when none. */
static int kill_many(pid_t pgrp, int sig)
{
	struct kill_query q = { .pgrp = pgrp, .sig = sig };

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	for_each_task(kill_one, &q);
	return q.sent ? 0 : -ESRCH;
}

int kill_pgrp(pid_t pgrp, int sig)
{
	return pgrp > 0 ? kill_many(pgrp, sig) : -ESRCH;
}

long sys_kill(unsigned long upid, unsigned long usig)
{
	pid_t pid = (pid_t)upid;
	int sig = (int)usig;
	struct task_struct *t;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_many(0, sig);
	if (pid == 0)
		return kill_many(current->pgrp, sig);
	if (pid < 0)
		return pid == (pid_t)0x80000000 ? -ESRCH : kill_many(-pid, sig);
	t = find_process(pid);
	if (!t)
		return -ESRCH; /* kernel threads (init, the shell's) are not for kill(2) */
	if (sig && !t->exit_state)
		send_sig(sig, t, 0);
	return 0;
}
