/*
 * Process ids beyond the pid: the parent's (getppid), process groups (setpgid, getpgid,
 * getpgrp) and sessions (setsid, getsid), Linux's kernel/sys.c rules. Groups are what kill(2)
 * with a negative pid and the shell's Ctrl-C aim at.
 */
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "sched/sched.h"

struct task_struct *find_process(pid_t pid)
{
	struct task_struct *t = find_task_by_pid(pid);

	return t && !(t->flags & PF_KTHREAD) && t->exit_state != EXIT_DEAD ? t : NULL;
}

struct group_query {
	pid_t pgrp, session;
	bool found;
};

static void match_group(struct task_struct *t, void *ctx)
{
	struct group_query *q = ctx;

	if (!(t->flags & PF_KTHREAD) && t->exit_state != EXIT_DEAD && t->pgrp == q->pgrp &&
	    (!q->session || t->session == q->session))
		q->found = true;
}

/* Whether some process belongs to group pgrp (in session sid unless sid is 0). */
static bool group_exists(pid_t pgrp, pid_t sid)
{
	struct group_query q = { .pgrp = pgrp, .session = sid };

	for_each_task(match_group, &q);
	return q.found;
}

bool process_group_exists(pid_t pgrp, pid_t sid)
{
	return group_exists(pgrp, sid);
}

long sys_getppid(void)
{
	return current->parent ? current->parent->pid : 0;
}

long sys_getpgrp(void)
{
	return current->pgrp;
}

/* A process's pgrp or session id; pid 0 is the caller. -ESRCH when there is none. */
static long get_id(pid_t pid, bool session)
{
	struct task_struct *t = pid ? find_process(pid) : current;

	if (!t)
		return -ESRCH;
	return session ? t->session : t->pgrp;
}

long sys_getpgid(unsigned long pid) { return get_id((pid_t)pid, false); }
long sys_getsid(unsigned long pid) { return get_id((pid_t)pid, true); }

long sys_setsid(void)
{
	struct task_struct *t = current;
	unsigned long flags;
	long ret = t->pid;

	spin_lock_irqsave(&tasklist_lock, flags);
	if (group_exists(t->pid, 0))
		ret = -EPERM; /* a group leader (or its id in use) cannot start a session */
	else
		t->pgrp = t->session = t->pid; /* no controlling terminal: not the console's session */
	if (ret > 0)
		t->jobctl &= ~JOBCTL_NOCTTY;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* setpgid's checks on target p joining group pgid. */
static long setpgid_check(struct task_struct *p, pid_t pgid)
{
	if (p != current && p->parent != current)
		return -ESRCH;
	if (p->session == p->pid)
		return -EPERM; /* a session leader stays where it is */
	if (p->session != current->session)
		return -EPERM;
	if (pgid != p->pid && !group_exists(pgid, current->session))
		return -EPERM;
	return 0;
}

long sys_setpgid(unsigned long upid, unsigned long upgid)
{
	pid_t pid = (pid_t)upid ? (pid_t)upid : current->pid, pgid = (pid_t)upgid;
	struct task_struct *p;
	unsigned long flags;
	long ret;

	if (pgid < 0)
		return -EINVAL;
	spin_lock_irqsave(&tasklist_lock, flags);
	p = find_process(pid);
	if (!pgid)
		pgid = pid;
	ret = p ? setpgid_check(p, pgid) : -ESRCH;
	if (!ret)
		p->pgrp = pgid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}
