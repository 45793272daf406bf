/*
 * Job control (Linux's <linux/sched/jobctl.h> and the stop/continue parts of kernel/signal.c):
 * SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU stop a process, SIGCONT continues it, and the parent
 * learns of both through SIGCHLD (CLD_STOPPED, CLD_CONTINUED) and wait4 (WUNTRACED,
 * WCONTINUED). Implemented in kernel/process/jobctl.c; docs/user.md "Job control and the
 * console". One thread per process: a process stops as a whole.
 */
#ifndef KEEL_SCHED_JOBCTL_H
#define KEEL_SCHED_JOBCTL_H

#include <keel/sched.h>

/* task_struct.jobctl bits. */
#define JOBCTL_STOPPED 0x1       /* stopped: sleeps until SIGCONT or SIGKILL */
#define JOBCTL_STOP_REPORT 0x2   /* stopped and not yet reported to a WUNTRACED wait */
#define JOBCTL_CONT_REPORT 0x4   /* continued and not yet reported to a WCONTINUED wait */
#define JOBCTL_STOP_DEQUEUED 0x8 /* a stop signal was taken; a SIGCONT since cancels it */
#define JOBCTL_NOCTTY 0x10       /* TIOCNOTTY: this process gave up its controlling tty */

/* Linux's SIGCHLD si_codes for a stopped or continued child. */
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* The stop signals (default action: stop the process). */
#define SIG_KERNEL_STOP_MASK                                                               \
	(sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

/*
 * The send side of job control for process p, before sig is queued (Linux's
 * prepare_signal): SIGCONT forgets p's pending stop signals and continues p if it is stopped
 * (SIGCHLD CLD_CONTINUED to its parent unless SA_NOCLDSTOP), even when p ignores SIGCONT; a
 * stop signal forgets a pending SIGCONT. Any context (IRQ-safe: Ctrl-Z sends from the tty's
 * interrupt).
 */
void jobctl_prepare_signal(int sig, struct task_struct *p);

/*
 * The default action of stop signal sig for the current process, from do_signal: stops it
 * (SIGCHLD CLD_STOPPED to the parent unless SA_NOCLDSTOP, wait4 WUNTRACED reports it) and
 * sleeps until SIGCONT or SIGKILL. SIGTSTP, SIGTTIN and SIGTTOU are ignored in an orphaned
 * process group, as POSIX says. Task context, interrupts on. Linux's do_signal_stop.
 */
void jobctl_do_stop(int sig);

/*
 * Whether process group pgrp is orphaned: no member has a parent in another group of the
 * same session (POSIX; Linux's is_current_pgrp_orphaned). Any context.
 */
bool jobctl_pgrp_orphaned(pid_t pgrp);

/*
 * For do_wait with the tasklist lock held: the wait status child p has to report under
 * options (WUNTRACED: 0x7f | sig << 8 for a stop; WCONTINUED: 0xffff), consumed so it is
 * reported once; -1 when it has nothing to report.
 */
int jobctl_wait_status(struct task_struct *p, int options);

#endif
