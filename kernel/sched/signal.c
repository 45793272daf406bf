/*
 * Pending signals: a bit per signal in the task, set from any context (the tty's IRQ path for
 * Ctrl-C, kill(2), the exit of a child) and a wake-up for an interruptible sleeper, which then
 * sees signal_pending() and returns -ERESTARTSYS. What a process does with them is
 * kernel/process/signal.c's business.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include <keel/sched/signal.h>

int send_sig(int sig, struct task_struct *p, int priv)
{
	unsigned long flags;

	(void)priv;
	if (sig < 1 || sig > _NSIG || !p)
		return -EINVAL;
	if ((p->flags & PF_KTHREAD) && sig != SIGINT && sig != SIGKILL)
		return -EINVAL;
	if (!(p->flags & PF_KTHREAD))
		jobctl_prepare_signal(sig, p); /* SIGCONT continues even when ignored */
	if (!(p->flags & PF_KTHREAD) && sig_ignored(p, sig))
		return 0; /* Linux drops ignored signals at once: they wake nobody */
	/* Interrupts off: flush_signals' read-modify-write must not lose this bit. */
	local_irq_save(flags);
	p->sigpending |= sigmask(sig);
	local_irq_restore(flags);
	wake_up_state(p, TASK_INTERRUPTIBLE); /* Linux's signal_wake_up() */
	return 0;
}
EXPORT_SYMBOL(send_sig);

void flush_signals(struct task_struct *t)
{
	unsigned long flags;

	local_irq_save(flags);
	t->sigpending = 0;
	local_irq_restore(flags);
}
EXPORT_SYMBOL(flush_signals);
