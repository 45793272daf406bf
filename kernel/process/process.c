/*
 * Starting a process from the kernel: the shell's `run` makes a new task, a child of the
 * caller in a process group of its own, which execs the program and enters ring 3; the
 * caller waits for it with do_wait() like a shell's fork + execve + wait4. The rest of a
 * process's life is in fork.c, exit.c, wait.c and signal.c.
 */
#include <keel/binfmts.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/process.h>
#include <keel/string.h>
#include <keel/tty_jobctrl.h>
#include "process/process_tree.h"
#include "sched/sched.h"

/* What the starter hands to the new task; lives on the starter's stack until it is reaped. */
struct exec_request {
	const char *path;
	char *const *argv;
	char *const *envp;
	struct file *stdout_file; /* the shell's `> FILE`, or NULL: the console */
	int err; /* kernel_execve's error, 0 when the program ran */
};

/* The new task's first code: it becomes the program, then enters ring 3 for good. */
static void process_entry(void *arg)
{
	struct exec_request *req = arg;
	int err;

	err = files_init_console(current);
	if (!err && req->stdout_file)
		err = replace_fd(1, (struct fd){ .file = req->stdout_file }, false) < 0 ? -EBADF : 0;
	if (!err)
		err = copy_fs_struct(current); /* its own cwd: chdir must not move the shell */
	if (!err)
		err = kernel_execve(req->path, req->argv, req->envp);
	if (err) {
		req->err = err;
		do_group_exit(W_EXITCODE(127, 0));
	}
	ret_to_user_mode(current_pt_regs());
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Waits for child pid, in the console's foreground. Ctrl-C is SIGINT for its process group
 * from the tty; a SIGINT that reaches the waiter is passed on. The shell has no job control:
 * a child that stops (SIGSTOP) is reported and continued, so the console is never stuck. */
static void wait_for_child(pid_t pid, const char *path, int *status)
{
	long ret;

	for (;;) {
		ret = do_wait(pid, status, WUNTRACED);
		if (ret == -ERESTARTSYS) {
			flush_signals(current);
			kill_pgrp(pid, SIGINT);
			continue;
		}
		if (ret <= 0 || (*status & 0xff) != 0x7f)
			return;
		console_printf("run: %s stopped by signal %d; continuing it (no job control here)\n",
			       path, (*status >> 8) & 0xff);
		kill_pgrp(pid, SIGCONT);
	}
}

int process_run(const char *path, char *const argv[], char *const envp[], int *status)
{
	struct exec_request req = { .path = path, .argv = argv, .envp = envp,
				    .stdout_file = console_sink_file() };
	struct task_struct *t;
	unsigned long flags;
	pid_t prev_fg;
	int err;

	t = task_alloc(base_name(path), process_entry, &req);
	if (!t)
		return -ENOMEM;
	task_list_add(t);
	task_reserve_pt_regs(t, process_entry, &req);
	t->flags &= ~PF_KTHREAD;
	t->exit_signal = SIGCHLD;
	t->kernel_waited = true;
	err = attach_child(t);
	if (err)
		goto out_free_task;
	spin_lock_irqsave(&tasklist_lock, flags);
	/* A job of its own in init's session, as a job-control shell makes it: the program is
	 * a group leader (setsid fails with EPERM) but not a session leader (setpgid works). */
	t->pgrp = t->pid;
	t->session = current->pid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	prev_fg = console_foreground_enter(current->pid, t->pid);
	wake_up_process(t);
	wait_for_child(t->pid, path, status);
	console_foreground_leave(prev_fg);
	return req.err;

out_free_task:
	put_task_struct(t); /* the creator's reference */
	put_task_struct(t); /* and the scheduler's: it never ran */
	return err;
}

int process_exec_init(const char *path, char *const argv[], char *const envp[])
{
	struct task_struct *t = current;
	int err;

	console_release(); /* no session owns the console until one takes it (TIOCSCTTY) */
	t->pgrp = t->session = 0; /* the kernel's, as Linux's init starts with: setsid works */
	t->exit_signal = 0;
	err = files_init_console(t);
	if (!err)
		err = copy_fs_struct(t);
	if (err)
		return err;
	t->flags &= ~PF_KTHREAD;
	err = kernel_execve(path, argv, envp);
	if (err) {
		t->flags |= PF_KTHREAD;
		return err;
	}
	ret_to_user_mode(current_pt_regs());
}
