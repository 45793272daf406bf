/*
 * Creating processes: fork, vfork and clone (Linux's kernel/fork.c). The child is a new task
 * whose saved user registers are a copy of the caller's with RAX = 0; it gets a copy-on-write
 * copy of the address space (kernel/mm/cow.c) or, for vfork, borrows it while the parent
 * sleeps until the child execs or exits. Threads (CLONE_THREAD, or CLONE_VM without
 * CLONE_VFORK) are not in this slice: -EINVAL.
 */
#include <keel/completion.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/uaccess.h>
#include <keel/mm_user.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "sched/sched.h"

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_VFORK 0x00004000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
/* What this slice supports: fork and vfork (musl's fork, vfork and posix_spawn). CLONE_FS is
 * harmless: every task shares the one root and working directory anyway. */
#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_VFORK | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)

static struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + t->stack_size) - 1;
}

/* The child's first code after schedule_tail: straight to user mode with the copied registers
 * (Linux's ret_from_fork). */
static void ret_from_fork(void *unused)
{
	int tid = current->pid;

	(void)unused;
	/* CLONE_CHILD_SETTID (glibc's fork): in the child's own, copy-on-write memory */
	if (current->set_child_tid &&
	    copy_to_user((void __user *)current->set_child_tid, &tid, sizeof(tid)))
		current->set_child_tid = 0; /* Linux ignores a bad pointer here too */
	ret_to_user_mode(current_pt_regs());
}

int attach_child(struct task_struct *p)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&tasklist_lock, flags);
	if (nr_processes >= PID_MAX_PROCESSES) {
		err = -EAGAIN;
	} else {
		nr_processes++;
		p->parent = current;
		p->pgrp = current->pgrp;
		p->session = current->session;
		p->jobctl = current->jobctl & JOBCTL_NOCTTY; /* a stop or report is not inherited */
		list_add_tail(&p->sibling, &current->children);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

static int copy_mm(unsigned long clone_flags, struct task_struct *p)
{
	if (clone_flags & CLONE_VM) {
		current->mm->mm_users++; /* vfork: borrowed until the child execs or exits */
		p->mm = current->mm;
		return 0;
	}
	p->mm = dup_mm(current->mm);
	return p->mm ? 0 : -ENOMEM;
}

/* The registers the child returns to user mode with. */
static void copy_thread(struct task_struct *p, unsigned long newsp, unsigned long clone_flags,
			unsigned long tls)
{
	struct pt_regs *regs = task_pt_regs(p);

	*regs = *current_pt_regs();
	regs->rax = 0; /* fork returns 0 in the child */
	if (newsp)
		regs->rsp = newsp;
	p->fsbase = (clone_flags & CLONE_SETTLS) ? tls : current->fsbase;
}

/* Copies what the child inherits; the new task is not linked or woken. */
static int copy_process_state(struct task_struct *p, unsigned long clone_flags)
{
	int err;

	p->blocked = current->blocked;
	err = fpu_copy(p, current);
	if (err)
		return err;
	err = copy_files(p);
	if (err)
		return err;
	err = copy_fs_struct(p); /* root, working directory and umask */
	if (err)
		goto out_files;
	err = copy_mm(clone_flags, p);
	if (err)
		goto out_fs;
	err = copy_sighand(p);
	if (err)
		goto out_mm;
	return 0;

out_mm:
	mmput(p->mm);
	p->mm = NULL;
out_fs:
	exit_fs(p);
out_files:
	exit_files(p);
	return err;
}

/* A new process copied from the current one, linked as its child, not yet running. */
static int copy_process(unsigned long clone_flags, unsigned long newsp, unsigned long tls,
			struct task_struct **out)
{
	struct task_struct *p;
	int err;

	if (READ_ONCE(nr_processes) >= PID_MAX_PROCESSES)
		return -EAGAIN;
	p = task_alloc(current->comm, ret_from_fork, NULL);
	if (!p)
		return -ENOMEM;
	task_list_add(p); /* so that put_task_struct can unlist it on failure */
	task_reserve_pt_regs(p, ret_from_fork, NULL);
	p->flags &= ~PF_KTHREAD;
	p->exit_signal = clone_flags & CSIGNAL;
	copy_thread(p, newsp, clone_flags, tls);
	err = copy_process_state(p, clone_flags);
	if (err)
		goto out_free_task;
	err = attach_child(p);
	if (err)
		goto out_release_state;
	*out = p;
	return 0;

out_release_state:
	exit_sighand(p);
	exit_files(p);
	mmput(p->mm);
	p->mm = NULL;
out_free_task:
	put_task_struct(p); /* the creator's reference */
	put_task_struct(p); /* and the scheduler's: it never ran */
	return err;
}

/* Linux's kernel_clone: the new child runs; a vfork parent sleeps until it execs or exits. */
/* The CLONE_*TID pointers, recorded for the child or written for the parent (glibc's fork
 * uses CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID). */
static void clone_tids(struct task_struct *p, unsigned long clone_flags,
		       unsigned long parent_tid, unsigned long child_tid)
{
	int tid = p->pid;

	if (clone_flags & CLONE_CHILD_SETTID)
		p->set_child_tid = child_tid;
	if (clone_flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = child_tid;
	if ((clone_flags & CLONE_PARENT_SETTID) &&
	    copy_to_user((void __user *)parent_tid, &tid, sizeof(tid)))
		return; /* as Linux: the clone still succeeds */
}

static long kernel_clone(unsigned long clone_flags, unsigned long newsp, unsigned long tls,
			 unsigned long parent_tid, unsigned long child_tid)
{
	struct completion vfork;
	struct task_struct *p;
	pid_t pid;
	int err;

	if (!current->mm)
		return -EINVAL; /* processes only: the kernel's own starts use process_run */
	err = copy_process(clone_flags, newsp, tls, &p);
	if (err)
		return err;
	pid = p->pid; /* p may be reaped before we look again */
	clone_tids(p, clone_flags, parent_tid, child_tid);
	if (clone_flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->vfork_done = &vfork;
	}
	wake_up_process(p); /* the creator's reference is now the parent's, dropped by wait4 */
	if (clone_flags & CLONE_VFORK)
		wait_for_completion(&vfork);
	return pid;
}

long sys_fork(void)
{
	return kernel_clone(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(void)
{
	return kernel_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long sys_clone(unsigned long clone_flags, unsigned long newsp, unsigned long parent_tid,
	       unsigned long child_tid, unsigned long tls)
{
	if (clone_flags & ~CLONE_SUPPORTED)
		return -EINVAL; /* threads and namespaces: not in this slice (docs/user.md) */
	if ((clone_flags & CLONE_VM) && !(clone_flags & CLONE_VFORK))
		return -EINVAL; /* a shared address space that runs alongside: a thread */
	if ((clone_flags & CSIGNAL) > _NSIG)
		return -EINVAL;
	return kernel_clone(clone_flags, newsp, tls, parent_tid, child_tid);
}
