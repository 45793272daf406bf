/*
 * Signals (Linux's <linux/sched/signal.h>): one pending bit per signal in the task (bit sig-1,
 * Linux's sigset_t layout) and the blocked mask. The tty sends SIGINT to its foreground task
 * (Ctrl-C); kill(2) and the kernel send any signal to processes. A pending, unblocked signal
 * ends interruptible sleeps (wait_event_interruptible*, msleep_interruptible,
 * mutex_lock_interruptible...), and long loops check it with signal_pending(current)
 * (<keel/sched.h>). Kernel threads have no handlers: the receiver notices the bit, stops what
 * it is doing, and its caller clears it (flush_signals). Processes act on their signals on the
 * way back to user mode (kernel/process/signal.c, docs/user.md).
 */
#ifndef KEEL_SCHED_SIGNAL_H
#define KEEL_SCHED_SIGNAL_H

#include <keel/sched.h>

/* Linux's x86_64 numbers. */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define _NSIG 64

/* The bit of signal sig (1.._NSIG) in a signal set. */
#define sigmask(sig) (1UL << ((sig) - 1))

/*
 * Marks sig (1.._NSIG) pending for p and wakes p if it sleeps interruptibly. A signal p
 * ignores (its action SIG_IGN, or the default action "ignore": SIGCHLD, SIGURG, SIGWINCH,
 * SIGCONT) is dropped, as Linux does, so it never interrupts a sleep. Kernel threads take
 * only SIGINT and SIGKILL. priv is Linux's "sent by the kernel" flag, ignored. Returns 0, or
 * -EINVAL for a bad number or a signal a kernel thread cannot take. Any context (IRQ-safe).
 * Follows Linux's send_sig().
 */
int send_sig(int sig, struct task_struct *p, int priv);

/* Forgets every pending signal of t: the caller has handled them. Any context. Follows
 * Linux's flush_signals(). */
void flush_signals(struct task_struct *t);

/*
 * Linux's "SIGKILL is pending": the caller must give up at once. A kernel thread's SIGINT
 * stops the command that gets it, so this is signal_pending() for them; for processes, a
 * pending SIGKILL. Any context.
 */
static inline int fatal_signal_pending(const struct task_struct *p)
{
	if (p->mm)
		return (READ_ONCE(p->sigpending) & sigmask(SIGKILL)) != 0;
	return signal_pending(p);
}

#endif
