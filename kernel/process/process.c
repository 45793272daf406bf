/*
 * Starting a process from the kernel: the shell's `run` makes a new task, a child of the
 * caller in a process group of its own, which execs the program and enters ring 3; the
 * caller waits for it with do_wait() like a shell's fork + execve + wait4. The rest of a
 * process's life is in fork.c, exit.c, wait.c and signal.c.
 */
#include <keel/binfmts.h>
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/string.h>
#include "process/process_tree.h"
#include "sched/sched.h"

/* What the starter hands to the new task; lives on the starter's stack until it is reaped. */
struct exec_request {
	const char *path;
	char *const *argv;
	char *const *envp;
	int err; /* kernel_execve's error, 0 when the program ran */
};

/* The new task's first code: it becomes the program, then enters ring 3 for good. */
static void process_entry(void *arg)
{
	struct exec_request *req = arg;
	int err;

	err = files_init_console(current);
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

/* Waits for child pid. Ctrl-C reaches the waiter (the console's foreground task) as SIGINT;
 * it passes it on to the child's process group, as a terminal does to its foreground group. */
static void wait_for_child(pid_t pid, int *status)
{
	while (do_wait(pid, status, 0) == -ERESTARTSYS) {
		flush_signals(current);
		kill_pgrp(pid, SIGINT);
	}
}

int process_run(const char *path, char *const argv[], char *const envp[], int *status)
{
	struct exec_request req = { .path = path, .argv = argv, .envp = envp };
	struct task_struct *t;
	unsigned long flags;
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
	wake_up_process(t);
	wait_for_child(t->pid, status);
	return req.err;

out_free_task:
	put_task_struct(t); /* the creator's reference */
	put_task_struct(t); /* and the scheduler's: it never ran */
	return err;
}
