/*
 * Stopping and continuing processes (Linux's kernel/signal.c: prepare_signal, do_signal_stop,
 * do_notify_parent_cldstop; kernel/exit.c: wait_task_stopped, wait_task_continued). A stop
 * signal taken with its default action puts the process to sleep until SIGCONT or SIGKILL;
 * the parent hears of it through SIGCHLD and wait4's WUNTRACED/WCONTINUED reports, which is
 * all a job-control shell (busybox ash) needs for Ctrl-Z, `bg` and `fg`.
 */
#include <keel/irqflags.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include "process/process_tree.h"
#include "process/signal_types.h"
#include "sched/sched.h"

#define WAIT_STOPPED_STATUS(sig) (((sig) << 8) | 0x7f)
#define WAIT_CONTINUED_STATUS 0xffff

/* SIGCHLD for a stop or continue of p, unless the parent asked not to (SA_NOCLDSTOP). A
 * kernel parent (the shell's `run`) only needs the wake-up of child_exit_wq. Irqs off. */
static void notify_parent_cldstop(struct task_struct *p, int code, int sig)
{
	struct task_struct *parent = p->parent;
	struct sighand_struct *sh;

	if (!parent || (parent->flags & PF_KTHREAD))
		return;
	sh = parent->sighand;
	if (sh && (sh->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		return;
	send_sig_info(SIGCHLD, parent, code, p->pid, sig);
}

void jobctl_prepare_signal(int sig, struct task_struct *p)
{
	unsigned long flags;
	bool woke = false;

	local_irq_save(flags);
	if (sigmask(sig) & SIG_KERNEL_STOP_MASK) {
		p->sigpending &= ~sigmask(SIGCONT);
	} else if (sig == SIGCONT) {
		p->sigpending &= ~SIG_KERNEL_STOP_MASK;
		p->jobctl &= ~JOBCTL_STOP_DEQUEUED;
		if (p->jobctl & JOBCTL_STOPPED) {
			p->jobctl &= ~(JOBCTL_STOPPED | JOBCTL_STOP_REPORT);
			p->jobctl |= JOBCTL_CONT_REPORT;
			notify_parent_cldstop(p, CLD_CONTINUED, SIGCONT);
			woke = true;
		}
	}
	local_irq_restore(flags);
	if (woke) {
		wake_up_state(p, TASK_INTERRUPTIBLE);
		wake_up_all(&child_exit_wq);
	}
}

struct orphan_query {
	pid_t pgrp;
	bool anchored; /* a member's parent is in another group of the same session */
};

static void check_member(struct task_struct *t, void *ctx)
{
	struct orphan_query *q = ctx;
	struct task_struct *parent = t->parent;

	if ((t->flags & PF_KTHREAD) || t->exit_state || t->pgrp != q->pgrp || !parent)
		return;
	if ((parent->flags & PF_KTHREAD) || parent->pid == 1)
		return; /* init does not anchor a group, as in Linux's will_become_orphaned_pgrp */
	if (parent->pgrp != t->pgrp && parent->session == t->session)
		q->anchored = true;
}

bool jobctl_pgrp_orphaned(pid_t pgrp)
{
	struct orphan_query q = { .pgrp = pgrp };

	for_each_task(check_member, &q);
	return !q.anchored;
}

/* Marks current stopped by sig and tells the parent; false when a SIGCONT came first. */
static bool enter_stop(int sig)
{
	struct task_struct *t = current;
	unsigned long flags;
	bool stop;

	local_irq_save(flags);
	stop = t->jobctl & JOBCTL_STOP_DEQUEUED;
	t->jobctl &= ~(JOBCTL_STOP_DEQUEUED | JOBCTL_CONT_REPORT);
	if (stop) {
		t->jobctl |= JOBCTL_STOPPED | JOBCTL_STOP_REPORT;
		t->stop_sig = sig;
		notify_parent_cldstop(t, CLD_STOPPED, sig);
	}
	local_irq_restore(flags);
	return stop;
}

void jobctl_do_stop(int sig)
{
	struct task_struct *t = current;
	unsigned long flags;

	if (sig != SIGSTOP && jobctl_pgrp_orphaned(t->pgrp)) {
		t->jobctl &= ~JOBCTL_STOP_DEQUEUED; /* POSIX: no one could continue it */
		return;
	}
	if (!enter_stop(sig))
		return;
	wake_up_all(&child_exit_wq);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!(READ_ONCE(t->jobctl) & JOBCTL_STOPPED) ||
		    (READ_ONCE(t->sigpending) & sigmask(SIGKILL)))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	local_irq_save(flags);
	t->jobctl &= ~JOBCTL_STOPPED; /* SIGKILL: it dies running */
	local_irq_restore(flags);
}

int jobctl_wait_status(struct task_struct *p, int options)
{
	if ((options & WUNTRACED) && (p->jobctl & JOBCTL_STOP_REPORT)) {
		p->jobctl &= ~JOBCTL_STOP_REPORT;
		return WAIT_STOPPED_STATUS(p->stop_sig);
	}
	if ((options & WCONTINUED) && (p->jobctl & JOBCTL_CONT_REPORT)) {
		p->jobctl &= ~JOBCTL_CONT_REPORT;
		return WAIT_CONTINUED_STATUS;
	}
	return -1;
}
