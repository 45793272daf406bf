/*
 * Processes: tasks with a user address space, a file descriptor table, a parent that reaps
 * their exit status, process groups and signals (kernel/process/). The shell's `run` starts
 * one with process_run(); processes fork, exec and wait. See docs/user.md.
 */
#ifndef KEEL_PROCESS_H
#define KEEL_PROCESS_H

#include <keel/ptrace.h>
#include <keel/sched.h>
#include <keel/sched/signal.h>

/* Wait statuses as wait4(2) reports them: exited with code, or killed by sig. */
#define W_EXITCODE(code, sig) ((((code) & 0xff) << 8) | (sig))
#define WIFSIGNALED_STATUS(st) (((st) & 0x7f) != 0)
#define WTERMSIG_STATUS(st) ((st) & 0x7f)
#define WEXITSTATUS_STATUS(st) (((st) >> 8) & 0xff)

/* Exit states (task_struct.exit_state), Linux's values: a zombie waits to be reaped; a dead
 * one was reaped, and only the scheduler's reference keeps its task_struct a moment longer. */
#define EXIT_DEAD 0x0010
#define EXIT_ZOMBIE 0x0020
/* The most processes that may exist at once (zombies included): fork's -EAGAIN past it. */
#define PID_MAX_PROCESSES 256
/* wait4 options, Linux's values. */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WCONTINUED 0x00000008
#define WCOREFLAG 0x80

/*
 * Runs the executable at path (kernel strings; argv and envp NULL-terminated) as a new process,
 * a child of the caller in a process group of its own (in the caller's session, named after
 * the caller's pid), and waits for it. Ctrl-C (SIGINT to the
 * caller) is passed on to that process group. Returns 0 with *status the wait status, or a
 * negative errno when it could not start: -ENOMEM, -EAGAIN (PID_MAX_PROCESSES reached), or
 * kernel_execve's errors (-ENOENT, -EACCES, -ENOEXEC, -E2BIG...). Task context. No Linux
 * counterpart (fork + execve + wait4 in one).
 */
int process_run(const char *path, char *const argv[], char *const envp[], int *status);

/*
 * The shell's `run` and a typed path: runs argv[0] with argv (NULL-terminated) in the
 * console's foreground (process_run), restores the console's termios after it, and prints
 * "WHO: PATH exited with status N" or "WHO: PATH killed by signal N (SIGX)" for an abnormal
 * end. Returns 0, 1 after such an end, or process_run's negative errno (printed by the
 * caller). Task context: the shell's task. kernel/process/run_cmd.c.
 */
int run_program(const char *who, char **argv);

/*
 * init=: the current task, pid 1 (kernel_init, whose stack has room for user registers),
 * becomes a process running the executable at path, with fds 0-2 on the console, no
 * session owning the console, and never returns. Returns only on failure: -ENOMEM or
 * kernel_execve's errors. Follows Linux's run_init_process() / kernel_execve().
 */
int process_exec_init(const char *path, char *const argv[], char *const envp[]);

/*
 * Ends the current process: closes its files, drops its address space (waking a vfork
 * parent), gives its children to init, becomes a zombie with status (a wait status,
 * W_EXITCODE) for its parent's wait4, sends the parent its exit signal (SIGCHLD) and exits
 * the task. Never returns. Task context, interrupts on. Follows Linux's do_group_exit() (one
 * thread per process here).
 */
void __noreturn do_group_exit(int status);

/*
 * Waits for a child of the current task to exit and reaps it (Linux's do_wait). pid: > 0 that
 * child, -1 any child, 0 any child in the caller's process group, < -1 any child in group
 * -pid. options: WNOHANG (0 when no child has exited yet), WUNTRACED (also report a child
 * that stopped, status 0x7f | sig << 8, once) and WCONTINUED (one that continued, 0xffff,
 * once; such children are not reaped). Returns the reaped or reporting child's pid
 * with *status its wait status, 0 (WNOHANG), -ECHILD (no such child), -EINVAL (bad options)
 * or -ERESTARTSYS (a signal arrived). Task context; sleeps.
 */
long do_wait(pid_t pid, int *status, int options);

/* Sends process t sig (1.._NSIG), acted on when it next returns to user mode (interruptible
 * sleeps end first). Any context. Follows Linux's send_sig(). */
void kill_process(struct task_struct *t, int sig);
/* Whether some process (zombies included) is in process group pgrp, and with sid != 0 in
 * session sid. Any context. kernel/process/pgrp.c. */
bool process_group_exists(pid_t pgrp, pid_t sid);

/* Sends sig to every process of process group pgrp. 0, or -ESRCH (none), -EINVAL (bad sig).
 * Any context. Follows Linux's kill_pgrp(). */
int kill_pgrp(pid_t pgrp, int sig);

/*
 * A fault in user mode raises sig (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) for the current
 * process with si_code code and si_addr addr: unblocked, its handler reset to SIG_DFL if it
 * was ignored or blocked (a fault cannot be ignored), and pending. Delivered on the way back
 * to user mode: a handler that returns runs the faulting instruction again. Any context of
 * the current process. Follows Linux's force_sig_fault().
 */
void force_sig_fault(int sig, int code, unsigned long addr);

/*
 * On the way back to user mode with a signal pending: delivers the current process's
 * unblocked pending signals (a handler's rt_sigframe on the user stack, or the default action,
 * which may end the process) and restarts or fails an interrupted system call as Linux does
 * (-ERESTARTSYS and SA_RESTART, -ERESTARTNOHAND...). Interrupts on; may not return. Follows
 * Linux's arch_do_signal_or_restart(). kernel/process/signal_frame.c.
 */
void do_signal(struct pt_regs *regs);

/* Whether process p has a handler installed for sig (not SIG_DFL or SIG_IGN). Any context. */
bool sig_handled(struct task_struct *p, int sig);

/* Whether process p ignores sig (SIG_IGN, or a default action of "ignore"), unless p blocks
 * it: such a signal is not queued. Interrupts off is fine. Follows Linux's sig_ignored(). */
bool sig_ignored(struct task_struct *p, int sig);

/* The user registers of the current process: the pt_regs at its kernel stack's top, saved by
 * the syscall or interrupt entry. Follows Linux's current_pt_regs(). */
static inline struct pt_regs *current_pt_regs(void)
{
	return (struct pt_regs *)((char *)current->stack + current->stack_size) - 1;
}

/* First entry into ring 3 from regs (at the kernel stack's top); entry_syscall.S. */
void __noreturn ret_to_user_mode(struct pt_regs *regs);

/* File descriptors (kernel/process/files.c, <keel/fdtable.h>): a new process's table has fds
 * 0, 1 and 2 bound to the console (-ENOMEM); exit_files closes every fd. */
int files_init_console(struct task_struct *t);
void exit_files(struct task_struct *t);
/* fork: t gets a copy of the current task's table (each open file gains a reference).
 * 0 or -ENOMEM. Task context. Follows Linux's copy_files()/dup_fd(). */
int copy_files(struct task_struct *t);

#endif
