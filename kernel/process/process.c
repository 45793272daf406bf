/*
 * Process lifetime: starting one as a new task that executes a program and enters ring 3,
 * waiting for it, killing it, and its exit (files, address space, status to the waiter). The
 * pieces Linux spreads over kernel/fork.c, kernel/exit.c and fs/exec.c's callers.
 */
#include <keel/binfmts.h>
#include <keel/completion.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/process.h>
#include <keel/string.h>
#include "sched/sched.h"

/* The task waiting for a process's exit (Linux's vfork_done, in spirit). */
struct process_waiter {
	struct completion done;
};

/* What the starter hands to the new task; lives on the starter's stack until it exits. */
struct exec_request {
	const char *path;
	char *const *argv;
	char *const *envp;
	int err; /* kernel_execve's error, 0 when the program ran */
};

static void exit_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	unsigned long flags;

	if (!mm)
		return;
	local_irq_save(flags);
	t->mm = NULL;
	switch_mm(NULL); /* never free the tables CR3 points at */
	local_irq_restore(flags);
	mmput(mm);
}

void do_group_exit(int status)
{
	struct task_struct *t = current;

	exit_files(t);
	exit_fs(t);
	exit_mm(t);
	t->exit_code = status;
	if (t->exit_waiter)
		complete(&t->exit_waiter->done);
	do_exit(status);
}

void kill_process(struct task_struct *t, int sig)
{
	send_sig(sig, t, 1);
}

/* The new task's first code: it becomes the program, then enters ring 3 for good. */
static void process_entry(void *arg)
{
	struct exec_request *req = arg;
	int err;

	current->flags &= ~PF_KTHREAD;
	err = files_init_console(current);
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

/* Waits for t's exit. Ctrl-C reaches the waiter (the console's foreground task) as SIGINT;
 * it passes it on, as a terminal would to the foreground process group. */
static void wait_for_exit(struct task_struct *t, struct completion *done)
{
	if (wait_for_completion_interruptible(done) == 0)
		return;
	kill_process(t, SIGINT);
	wait_for_completion(done);
	flush_signals(current);
}

int process_run(const char *path, char *const argv[], char *const envp[], int *status)
{
	struct exec_request req = { .path = path, .argv = argv, .envp = envp };
	struct process_waiter waiter = { .done = COMPLETION_INITIALIZER(waiter.done) };
	struct task_struct *t;

	t = task_alloc(base_name(path), process_entry, &req);
	if (!t)
		return -ENOMEM;
	task_reserve_pt_regs(t, process_entry, &req);
	t->exit_waiter = &waiter;
	task_list_add(t);
	wake_up_process(t);
	wait_for_exit(t, &waiter.done);
	*status = t->exit_code;
	put_task_struct(t);
	return req.err;
}
