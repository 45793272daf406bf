/*
 * Thread groups (Linux's CLONE_THREAD in kernel/fork.c, de_thread in fs/exec.c, the group
 * parts of kernel/exit.c and kernel/signal.c): the threads of a process share its address
 * space, files, fs and signal actions; getpid is the group's id (the leader's pid), gettid
 * the thread's. A thread that is not the leader never becomes a zombie: the process becomes
 * one, with the leader's task, when its last thread exits.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/uaccess.h>
#include "process/itimer.h"
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "process/thread.h"

/* The current process's signal_struct, made with current as its only thread. */
static struct signal_struct *current_signal(void)
{
	struct signal_struct *sig = current->signal;
	unsigned long flags;

	if (sig)
		return sig;
	sig = kzalloc(sizeof(*sig), GFP_KERNEL);
	if (!sig)
		return NULL;
	INIT_LIST_HEAD(&sig->thread_head);
	sig->live = 1;
	spin_lock_irqsave(&tasklist_lock, flags);
	list_add_tail(&current->thread_group, &sig->thread_head);
	current->signal = sig;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return sig;
}

int copy_thread_group(struct task_struct *p)
{
	struct signal_struct *sig;
	unsigned long flags;
	int err = 0;

	if (!sighand_get() || !(sig = current_signal()))
		return -ENOMEM; /* the actions must exist before they are shared */
	spin_lock_irqsave(&tasklist_lock, flags);
	if (nr_processes >= PID_MAX_PROCESSES || sig->group_exit || sig->group_exec_task) {
		err = -EAGAIN; /* or the group is dying: Linux gives -EINTR for that */
		goto out_unlock;
	}
	nr_processes++;
	p->signal = sig;
	p->tgid = current->tgid;
	p->group_leader = current->group_leader;
	p->parent = current->group_leader->parent;
	p->pgrp = current->pgrp;
	p->session = current->session;
	list_add_tail(&p->thread_group, &sig->thread_head);
	sig->live++;
	p->mm = current->mm;
	p->mm->mm_users++;
	p->files = current->files;
	p->fs = current->fs;
	p->sighand = current->sighand;
out_unlock:
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

struct task_struct *thread_group_leave(struct task_struct *t, int *status)
{
	struct signal_struct *sig = t->signal;
	struct task_struct *leader = t->group_leader;
	unsigned long flags;

	if (!sig)
		return t;
	spin_lock_irqsave(&tasklist_lock, flags);
	list_del_init(&t->thread_group);
	if (t == leader)
		t->exit_code = *status; /* the process's status unless a group exit says more */
	if (--sig->live > 0) {
		t->files = NULL; /* the other threads still use them */
		t->fs = NULL;
		t->sighand = NULL;
		if (t != leader)
			t->signal = NULL; /* the leader's stays: kill(tgid) goes through it */
		spin_unlock_irqrestore(&tasklist_lock, flags);
		wake_up_all(&child_exit_wq); /* de_thread waits for the others to go */
		return NULL;
	}
	*status = sig->group_exit ? sig->group_exit_code : leader->exit_code;
	leader->signal = NULL;
	t->signal = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	kfree(sig);
	return leader;
}

void thread_release(struct task_struct *t)
{
	unsigned long flags;

	if (t == t->group_leader)
		return; /* the process's task: its parent reaps it */
	spin_lock_irqsave(&tasklist_lock, flags);
	nr_processes--;
	t->exit_state = EXIT_DEAD;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	put_task_struct(t); /* the creator's reference; the scheduler's keeps t till it is gone */
}

/* SIGKILL to every thread of sig but current. Interrupts off. */
static void kill_other_threads(struct signal_struct *sig)
{
	struct task_struct *t;

	list_for_each_entry(t, &sig->thread_head, thread_group) {
		if (t == current)
			continue;
		t->sigpending |= sigmask(SIGKILL);
		wake_up_state(t, TASK_INTERRUPTIBLE);
	}
}

int zap_thread_group(int status)
{
	struct signal_struct *sig = current->signal;
	unsigned long flags;

	if (!sig)
		return status;
	local_irq_save(flags);
	if (sig->group_exec_task && sig->group_exec_task != current) {
		local_irq_restore(flags);
		return status; /* killed by an execve in another thread: only this one goes */
	}
	if (sig->group_exit) {
		status = sig->group_exit_code;
	} else {
		sig->group_exit = true;
		sig->group_exit_code = status;
		kill_other_threads(sig);
	}
	local_irq_restore(flags);
	return status;
}

struct task_struct *signal_target(struct task_struct *p, int sig)
{
	struct task_struct *leader = p->group_leader, *t;
	struct signal_struct *s = leader->signal;

	if (!s)
		return p;
	if (!list_empty(&leader->thread_group) && !(leader->blocked & sigmask(sig)))
		return leader;
	list_for_each_entry(t, &s->thread_head, thread_group) {
		if (!(t->blocked & sigmask(sig)))
			return t;
	}
	if (!list_empty(&leader->thread_group) || list_empty(&s->thread_head))
		return leader; /* everyone blocks it: it waits on the leader */
	return list_first_entry(&s->thread_head, struct task_struct, thread_group);
}

bool queue_shared_signal(struct task_struct *p, int sig)
{
	struct signal_struct *s = p->group_leader->signal;
	struct task_struct *t;

	if (!s || list_empty(&s->thread_head))
		return false;
	list_for_each_entry(t, &s->thread_head, thread_group) {
		if (!(t->blocked & sigmask(sig)))
			return false;
	}
	s->shared_pending |= sigmask(sig);
	return true;
}

void take_shared_signals(void)
{
	struct signal_struct *s = current->signal;
	unsigned long flags, take;

	if (!s)
		return;
	local_irq_save(flags);
	take = s->shared_pending & ~current->blocked;
	s->shared_pending &= ~take;
	current->sigpending |= take;
	local_irq_restore(flags);
}

unsigned long shared_signals(struct task_struct *t)
{
	struct signal_struct *s = t->group_leader->signal;

	return s ? s->shared_pending : 0;
}

void thread_group_sync_ids(struct task_struct *t)
{
	struct task_struct *leader = t->group_leader, *p;

	if (!leader->signal)
		return;
	list_for_each_entry(p, &leader->signal->thread_head, thread_group) {
		p->pgrp = leader->pgrp;
		p->session = leader->session;
		p->parent = leader->parent;
	}
}

/* Whether de_thread may go on: current is the only live thread and an old leader is gone. */
static bool others_gone(struct signal_struct *sig)
{
	struct task_struct *leader = current->group_leader;

	return READ_ONCE(sig->live) == 1 &&
	       (leader == current || READ_ONCE(leader->__state) == TASK_DEAD);
}

/* current, the last thread, takes the exited leader's place: its pid (the tgid), parent,
 * children and spot among its parent's children. Lock held. */
static void take_over_leader(struct task_struct *old)
{
	struct task_struct *t = current, *child;
	pid_t tid = t->pid;

	t->pid = old->pid;
	old->pid = tid;
	t->parent = old->parent;
	t->exit_signal = old->exit_signal;
	t->kernel_waited = old->kernel_waited;
	list_replace_init(&old->sibling, &t->sibling);
	list_splice_init(&old->children, &t->children);
	list_for_each_entry(child, &t->children, sibling)
		child->parent = t;
	t->group_leader = t;
	old->group_leader = t;
	itimer_move(old, t); /* ITIMER_REAL survives execve */
	old->signal = NULL;
	old->exit_state = EXIT_DEAD;
	nr_processes--;
}

void de_thread(void)
{
	struct signal_struct *sig = current->signal;
	struct task_struct *old = current->group_leader;
	unsigned long flags;

	if (!sig)
		return;
	local_irq_save(flags);
	sig->group_exec_task = current;
	kill_other_threads(sig);
	local_irq_restore(flags);
	while (!others_gone(sig))
		schedule_timeout_uninterruptible(1); /* rare: exec with threads running */
	if (old == current) {
		sig->group_exec_task = NULL;
		return;
	}
	spin_lock_irqsave(&tasklist_lock, flags);
	take_over_leader(old);
	sig->group_exec_task = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	put_task_struct(old); /* the parent's reference; current's own is the parent's now */
}

long sys_gettid(void)
{
	return current->pid;
}
