/*
 * Tasks and the scheduler (Linux's <linux/sched.h>): struct task_struct, `current`, task
 * states, schedule() and the sleeping primitives everything else builds on. Keel's scheduler
 * is a preemptive round-robin over one run queue on one CPU; see docs/sched.md.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <keel/list.h>
#include <keel/mm_types.h> /* in full too, for the same reason */
#include <keel/mutex.h> /* in full: symbol CRCs see task_struct the same everywhere */
#include <keel/preempt.h>
#include <keel/resource.h>
#include <keel/restart_block.h>
#include <keel/types.h>

#define TASK_COMM_LEN 16

/* Task states (task_struct.__state), Linux's values. */
#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001   /* sleeping; woken by wake_up or a signal */
#define TASK_UNINTERRUPTIBLE 0x0002 /* sleeping; only an explicit wake_up ends it */
#define TASK_DEAD 0x0080            /* exited; its stack is freed once switched away from */
#define TASK_NEW 0x0800             /* created, never woken yet (kthread_create) */
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

/* task_struct.flags */
#define PF_IDLE 0x00000002
#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000
#define PF_USED_FPU 0x00000010 /* has an FPU/SSE save area (used x87/SSE at least once) */

#define MAX_SCHEDULE_TIMEOUT LONG_MAX

typedef int pid_t;
struct kthread;
struct fpu_state;

struct thread_struct {
	unsigned long sp; /* saved stack pointer while switched out (switch.S uses offset 0) */
};

struct fs_struct;
struct files_struct;     /* opaque outside kernel/process/files.c */
struct sighand_struct;   /* opaque outside kernel/process/signal.c */
struct signal_struct;    /* a thread group's shared state (kernel/process/thread.h) */
struct itimer_struct;    /* opaque outside kernel/process/itimer.c */
struct completion;

struct task_struct {
	struct thread_struct thread; /* first: __switch_to_asm finds sp at offset 0 */
	volatile unsigned int __state;
	unsigned int flags;
	int saved_preempt_count; /* the CPU's preempt count while this task is switched out */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head run_list; /* on the run queue while runnable and not running */
	bool on_rq;
	bool wake_boost; /* queued at the front by a wake-up, ahead of ordinary tasks */
	struct list_head tasks; /* every task, for ps */
	int usage;              /* references: the scheduler's one, kthread_create's one */
	void *stack;            /* lowest address of the kernel stack (a guard page lies below) */
	unsigned long stack_size;
	unsigned int time_slice; /* ticks left before round-robin moves on */
	u64 exec_start;          /* ktime_get_ns() when last switched in */
	u64 sum_exec_runtime;    /* nanoseconds on the CPU */
	unsigned long nvcsw, nivcsw; /* voluntary and involuntary context switches */
	struct fpu_state *fpu;       /* FXSAVE area, allocated on first FPU/SSE use */
	struct kthread *kthread;
	int exit_code;
	unsigned long sleep_ip; /* where a sleeping task called schedule(), for reports */
	struct mutex *blocked_on; /* the mutex this task sleeps on, for deadlock detection */
	unsigned long last_switch_count; /* hung task detector: nvcsw + nivcsw when last seen */
	unsigned long hung_since;        /* ... and jiffies then */
	bool hung_reported;
	/* Signals sent and not yet handled, bit sig - 1 for signal sig (Linux's sigset_t), and
	 * those the task blocks (<keel/sched/signal.h>). Changed with interrupts off: the tty
	 * sets sigpending from its IRQ. */
	unsigned long sigpending;
	unsigned long blocked;
	struct sighand_struct *sighand; /* a process's signal actions (kernel/process/signal.c) */
	/* Root and working directory (<keel/fs.h>); NULL: the shared init_fs (every task today). */
	struct fs_struct *fs;
	/* Processes (docs/user.md); all NULL/0 for kernel threads. */
	struct mm_struct *mm;          /* the user address space */
	struct files_struct *files;    /* file descriptors */
	unsigned long fsbase;          /* user FS base (arch_prctl ARCH_SET_FS), loaded on switch */
	unsigned long clear_child_tid; /* set_tid_address(), CLONE_CHILD_CLEARTID: 0 written at exit */
	unsigned long set_child_tid;   /* CLONE_CHILD_SETTID: the child writes its tid there first */
	/* The process tree (kernel/process/fork.c, exit.c, wait.c); kernel threads have no
	 * parent. A process stays on its parent's children list as a zombie until reaped. */
	struct task_struct *parent;
	struct list_head children;
	struct list_head sibling;   /* in parent->children */
	int exit_state;             /* EXIT_ZOMBIE once exited, until wait4 reaps it */
	int exit_signal;            /* sent to the parent at exit (SIGCHLD, or 0) */
	bool kernel_waited;         /* started by process_run(), whose caller waits for it */
	pid_t pgrp, session;        /* process group and session ids */
	/* Job control (kernel/process/jobctl.c): JOBCTL_* state bits, and the signal that
	 * stopped the process, for wait4's WUNTRACED report. Changed with interrupts off. */
	unsigned int jobctl;
	int stop_sig;
	struct restart_block restart_block; /* <keel/restart_block.h>: restart_syscall's work */
	struct completion *vfork_done; /* the vfork parent, woken at the child's exec or exit */
	struct rlimit rlim[RLIM_NLIMITS]; /* resource limits (<keel/resource.h>) */
	/* Threads (kernel/process/thread.c): pid is the thread id, tgid the process id (the
	 * leader's pid). signal is the group's shared state, NULL until the process first
	 * creates a thread; thread_group links the live threads on signal->thread_head. */
	pid_t tgid;
	struct task_struct *group_leader;
	struct signal_struct *signal;
	struct list_head thread_group;
	/* The process's ITIMER_REAL (kernel/process/itimer.c), on the group leader only; NULL
	 * until alarm(2) or setitimer(2) first arms one. */
	struct itimer_struct *itimers;
	unsigned long robust_list; /* set_robust_list(): the user's robust_list_head */
	/* rt_sigsuspend's mask, restored once a signal is handled (per thread, as Linux's) */
	unsigned long saved_sigmask;
	bool restore_sigmask;
	/* sigaltstack(2): the alternate signal stack, size 0 for none; per thread, inherited by
	 * fork and vfork, none for a new thread (Linux's copy_process). */
	unsigned long sas_ss_sp, sas_ss_size;
};

extern struct task_struct *current_task;
static inline struct task_struct *get_current(void) { return current_task; }
#define current get_current()

/* Set the current task's state before testing a wake-up condition; the store is ordered
 * before the test (a compiler barrier suffices on one x86 CPU). */
#define __set_current_state(s) (current->__state = (s))
#define set_current_state(s)                                                               \
	do {                                                                               \
		WRITE_ONCE(current->__state, (s));                                         \
		barrier();                                                                 \
	} while (0)
#define task_is_running(t) (READ_ONCE((t)->__state) == TASK_RUNNING)

/*
 * schedule(): gives the CPU to the next runnable task. A task that set itself to
 * TASK_(UN)INTERRUPTIBLE first sleeps until woken; one still TASK_RUNNING goes to the back of
 * the run queue (a yield). Must be called with preemption enabled (a "scheduling while atomic"
 * report otherwise). Keeps the caller's interrupt flag. Follows Linux's schedule().
 */
void schedule(void);
/* Sleeps until woken or until timeout jiffies passed (TASK_* state set by the caller first);
 * returns the jiffies left (0 on timeout). MAX_SCHEDULE_TIMEOUT sleeps without a timer.
 * Task context only. Follows Linux's schedule_timeout (kernel/time/timer.c). */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
/* Yields the CPU to tasks waiting to run; returns at once when there are none. */
void yield(void);
/* Nanoseconds the CPU spent halted in the idle task since boot (/proc/uptime). Never
 * sleeps. Linux: the idle time get_idle_time() sums for /proc/uptime. */
u64 sched_idle_time_ns(void);
/* Yields if a reschedule is due; a no-op otherwise. Call in long loops. Task context only. */
int _cond_resched(void);
#define cond_resched() _cond_resched()

/*
 * Wakes t when its state is in mask: makes it runnable and queues it. Returns 1 when it woke
 * the task, 0 when it was not sleeping in such a state. IRQ-safe, never sleeps. Follows
 * Linux's try_to_wake_up / wake_up_process / wake_up_state.
 */
int wake_up_state(struct task_struct *t, unsigned int mask);
/* Wakes a sleeping task, or starts one kthread_create() made. */
static inline int wake_up_process(struct task_struct *t)
{
	return wake_up_state(t, TASK_NORMAL | TASK_NEW);
}

/*
 * Whether t has a signal pending that it does not block (Ctrl-C on the console is SIGINT to
 * the shell's task; processes get kill(2)'s; see <keel/sched/signal.h>). Interruptible sleeps
 * end early on it with -ERESTARTSYS or -EINTR, and long loops should check it and return
 * -EINTR. Any context. Follows Linux's signal_pending().
 */
static inline int signal_pending(const struct task_struct *t)
{
	return (READ_ONCE(t->sigpending) & ~READ_ONCE(t->blocked)) != 0;
}

/*
 * might_sleep(): marks code that may sleep. With CONFIG_DEBUG_ATOMIC_SLEEP (on by default and
 * in tests) it reports "BUG: sleeping function called from invalid context" with a backtrace
 * when called with preemption disabled (a spinlock held, in an interrupt handler) or with
 * interrupts off. Follows Linux's might_sleep/__might_sleep.
 */
void __might_sleep(const char *file, int line);
#define might_sleep() __might_sleep(__FILE__, __LINE__)
#define might_sleep_if(cond)                                                               \
	do {                                                                               \
		if (cond)                                                                  \
			might_sleep();                                                     \
	} while (0)

/* Task references (the task_struct stays valid until the last put). */
void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);
/* The task with this pid, or NULL; no reference is taken. */
struct task_struct *find_task_by_pid(pid_t pid);

/* Ends the current task (kernel threads: through kthread's exit path); never returns. */
void __noreturn do_exit(long code);

/* Seconds-resolution facts for ps and tests. */
unsigned int nr_running(void);

#endif
