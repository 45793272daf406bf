/*
 * A minimal start on signals (Linux's <linux/sched/signal.h>): one pending bit per signal in
 * the task, and only SIGINT, which the tty sends to its foreground task when it reads its
 * interrupt character (Ctrl-C). A pending signal ends interruptible sleeps (wait_event_
 * interruptible*, msleep_interruptible, mutex_lock_interruptible...) and long loops check it
 * with signal_pending(current) (<keel/sched.h>). There is no delivery, handler or mask: the
 * receiver notices the bit, stops what it is doing, and its caller clears it (flush_signals).
 */
#ifndef KEEL_SCHED_SIGNAL_H
#define KEEL_SCHED_SIGNAL_H

#include <keel/sched.h>

#define SIGINT 2
/* Signals a process can die of (Linux's numbers); no handlers exist yet (docs/user.md). */
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11

/*
 * Marks sig pending for p and wakes p if it sleeps interruptibly. priv is Linux's "sent by
 * the kernel" flag, ignored. Returns 0, or -EINVAL for a signal other than SIGINT and SIGKILL
 * (which kills a process on its way back to user mode). Any
 * context (IRQ-safe). Follows Linux's send_sig().
 */
int send_sig(int sig, struct task_struct *p, int priv);

/* Forgets every pending signal of t: the caller has handled them. Any context. Follows
 * Linux's flush_signals(). */
void flush_signals(struct task_struct *t);

/*
 * Linux's "SIGKILL is pending": the caller must give up at once. Keel's only signal, SIGINT,
 * stops the command that gets it, so this is signal_pending(). Any context.
 */
static inline int fatal_signal_pending(const struct task_struct *p)
{
	return signal_pending(p);
}

/* The signal a process dies of on its way back to user mode, 0 for none: SIGKILL, or SIGINT
 * (no handlers exist yet, so its default action, termination, applies). Any context. */
static inline int process_fatal_signal(const struct task_struct *p)
{
	unsigned long pending = READ_ONCE(p->sigpending);

	if (pending & (1UL << SIGKILL))
		return SIGKILL;
	return (pending & (1UL << SIGINT)) ? SIGINT : 0;
}

#endif
