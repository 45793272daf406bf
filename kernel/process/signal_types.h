/* The signal state of a process (kernel/process/signal.c, signal_frame.c): its actions as
 * rt_sigaction(2) sets them, with Linux's x86_64 layouts and flag values. */
#ifndef KEEL_PROCESS_SIGNAL_TYPES_H
#define KEEL_PROCESS_SIGNAL_TYPES_H

#include <keel/sched/signal.h>
#include <keel/types.h>

#define SIG_DFL 0UL
#define SIG_IGN 1UL
#define SA_NOCLDSTOP 0x00000001UL
#define SA_NOCLDWAIT 0x00000002UL
#define SA_SIGINFO 0x00000004UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL

/* Signals no process can catch, block or ignore. */
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

/* SIGCONT's continuing is done when it is sent (jobctl.c); delivered, it is ignored. */
#define SIG_KERNEL_IGNORE_MASK                                                             \
	(sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT))
#define SIG_KERNEL_COREDUMP_MASK                                                           \
	(sigmask(SIGQUIT) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGABRT) |        \
	 sigmask(SIGBUS) | sigmask(SIGFPE) | sigmask(SIGSEGV) | sigmask(SIGXCPU) |          \
	 sigmask(SIGXFSZ) | sigmask(SIGSYS))

/* Default action "ignore" (the stop signals' default, stop, is in jobctl.c). */
static inline bool sig_default_ignored(int sig)
{
	return (SIG_KERNEL_IGNORE_MASK & sigmask(sig)) != 0;
}

/* struct sigaction as the x86_64 system call passes it (Linux's struct kernel_sigaction). */
struct k_sigaction {
	unsigned long handler; /* SIG_DFL, SIG_IGN or a user address */
	unsigned long flags;   /* SA_* */
	unsigned long restorer; /* musl's __restore_rt, with SA_RESTORER */
	unsigned long mask;     /* blocked as well while the handler runs */
};

/* The fault that raised a synchronous signal, for its siginfo (si_code, si_addr). */
struct fault_info {
	int sig;
	int code;
	unsigned long addr;
};

/* Who sent a pending signal, for its siginfo (one record per signal: signals do not queue). */
struct sig_sender {
	int code;   /* SI_USER (kill), SI_TKILL (tkill), CLD_* (SIGCHLD),
		     * SI_KERNEL (SIGALRM of ITIMER_REAL) */
	pid_t pid;
	int status; /* SIGCHLD: the exit code or signal */
};

#define SI_USER 0
#define SI_TKILL (-6)
#define SI_KERNEL 0x80 /* sent by the kernel itself (an interval timer's SIGALRM) */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* stack_t as sigaltstack(2) passes it. */
struct user_stack {
	u64 ss_sp;
	int ss_flags;
	u64 ss_size;
};

struct sighand_struct {
	struct k_sigaction action[_NSIG];
	struct fault_info fault;
	struct sig_sender sender[_NSIG];
};

#endif
