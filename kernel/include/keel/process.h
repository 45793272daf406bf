/*
 * Processes: tasks with a user address space, a file descriptor table and an exit status for
 * the task that started them (kernel/process/). This slice has no fork: the shell's `run`
 * starts a process with process_run(), which waits for it. See docs/user.md.
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

/*
 * Runs the executable at path (kernel strings; argv and envp NULL-terminated) as a new process
 * and waits for it. Ctrl-C (a signal to the caller) kills the process. Returns 0 with *status
 * the wait status, or a negative errno when it could not start: -ENOMEM, or kernel_execve's
 * errors (-ENOENT, -EACCES, -ENOEXEC, -E2BIG...). Task context. No Linux counterpart (fork +
 * execve + wait4 in one).
 */
int process_run(const char *path, char *const argv[], char *const envp[], int *status);

/*
 * Ends the current process: closes its files, frees its address space, reports status (a
 * wait status, W_EXITCODE) to its waiter and exits the task. Never returns. Task context,
 * interrupts on. Follows Linux's do_group_exit() (one thread per process here).
 */
void __noreturn do_group_exit(int status);

/* Sends process t sig (SIGINT or SIGKILL), acted on when it next returns to user mode: no
 * handlers exist, so it dies of it (interruptible sleeps end first). Any context. Follows
 * Linux's send_sig(). */
void kill_process(struct task_struct *t, int sig);

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

#endif
