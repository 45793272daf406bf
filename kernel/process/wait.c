/*
 * Waiting for children (Linux's do_wait in kernel/exit.c): wait4 finds a zombie child that
 * matches the pid selector, takes its wait status and frees what is left of it, or with
 * WUNTRACED/WCONTINUED a child that stopped or continued (jobctl.c). Sleeps on child_exit_wq,
 * which every exit, stop and continue wakes.
 */
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/uaccess.h>
#include <keel/sched/jobctl.h>
#include "process/process_tree.h"
#include "process/syscalls.h"

#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000U
#define WAIT4_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)
#define RUSAGE_SIZE 144 /* struct rusage on x86_64 */

static bool eligible_child(const struct task_struct *p, pid_t pid)
{
	if (pid > 0)
		return p->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return p->pgrp == current->pgrp;
	return p->pgrp == -pid;
}

/* Unlinks a matching zombie into *found (0), or finds a child with a stop or continue to
 * report under options (1, *status set); -EAGAIN when matching children have nothing to
 * report, -ECHILD when none matches. */
static int wait_scan(pid_t pid, int options, struct task_struct **found, int *status)
{
	struct task_struct *p;
	unsigned long flags;
	int ret = -ECHILD;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_for_each_entry(p, &current->children, sibling) {
		if (!eligible_child(p, pid))
			continue;
		ret = -EAGAIN;
		if (p->exit_state == EXIT_ZOMBIE) {
			list_del_init(&p->sibling);
			nr_processes--;
			p->exit_state = EXIT_DEAD;
			*found = p;
			*status = p->exit_code;
			ret = 0;
			break;
		}
		if (!p->exit_state && (*status = jobctl_wait_status(p, options)) >= 0) {
			*found = p;
			ret = 1;
			break;
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

long do_wait(pid_t pid, int *status, int options)
{
	struct task_struct *p = NULL;
	DEFINE_WAIT(wait);
	long ret;

	if (options & ~WAIT4_OPTIONS)
		return -EINVAL;
	for (;;) {
		prepare_to_wait(&child_exit_wq, &wait, TASK_INTERRUPTIBLE);
		ret = wait_scan(pid, options, &p, status);
		if (ret != -EAGAIN)
			break;
		ret = 0;
		if (options & WNOHANG)
			break;
		ret = -ERESTARTSYS;
		if (signal_pending(current))
			break;
		schedule();
	}
	finish_wait(&child_exit_wq, &wait);
	if (!p)
		return ret;
	if (ret == 1)
		return p->pid; /* stopped or continued: it stays a child */
	ret = p->pid;
	put_task_struct(p); /* the parent's reference: the zombie is gone */
	return ret;
}

long sys_wait4(unsigned long upid, unsigned long stat_addr, unsigned long options,
	       unsigned long ru)
{
	int status = 0;
	long ret;

	if ((int)upid == (int)0x80000000)
		return -ESRCH; /* INT_MIN cannot be negated into a group, as Linux says */
	ret = do_wait((pid_t)upid, &status, (int)options);
	if (ret > 0 && stat_addr &&
	    copy_to_user((void __user *)stat_addr, &status, sizeof(status)))
		return -EFAULT;
	if (ret > 0 && ru && clear_user((void __user *)ru, RUSAGE_SIZE))
		return -EFAULT; /* no accounting yet: all zero */
	return ret;
}
