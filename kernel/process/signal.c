/*
 * Signals to processes (Linux's kernel/signal.c): each process's actions (rt_sigaction), its
 * blocked mask (rt_sigprocmask), waiting for a signal (pause, rt_sigsuspend), kill(2) to a
 * pid, a process group or everyone, tkill/tgkill, and the faults that raise SIGSEGV & co.
 * Delivery (frames, sigreturn, default actions) is in signal_frame.c.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "process/process_tree.h"
#include "process/signal_types.h"
#include "process/syscalls.h"
#include "sched/sched.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define KERNEL_SIGSET_SIZE 8

int copy_sighand(struct task_struct *p)
{
	if (!current->sighand)
		return 0;
	p->sighand = kmalloc(sizeof(*p->sighand), GFP_KERNEL);
	if (!p->sighand)
		return -ENOMEM;
	*p->sighand = *current->sighand;
	p->sighand->restore_sigmask = false;
	return 0;
}

void flush_signal_handlers(struct task_struct *t)
{
	struct sighand_struct *sh = t->sighand;

	if (!sh)
		return;
	for (int i = 0; i < _NSIG; i++) {
		if (sh->action[i].handler != SIG_IGN)
			sh->action[i].handler = SIG_DFL; /* the handlers' code is gone */
		sh->action[i].flags = 0;
		sh->action[i].restorer = 0;
		sh->action[i].mask = 0;
	}
	sh->sas_ss_sp = sh->sas_ss_size = 0; /* the stack was the old image's memory */
}

void exit_sighand(struct task_struct *t)
{
	struct sighand_struct *sh = t->sighand;
	unsigned long flags;

	local_irq_save(flags); /* send_sig reads it from any context */
	t->sighand = NULL;
	local_irq_restore(flags);
	kfree(sh);
}

struct sighand_struct *sighand_get(void)
{
	if (!current->sighand)
		current->sighand = kzalloc(sizeof(*current->sighand), GFP_KERNEL);
	return current->sighand;
}

bool sig_handled(struct task_struct *p, int sig)
{
	return p->sighand && p->sighand->action[sig - 1].handler > SIG_IGN;
}

bool sig_ignored(struct task_struct *p, int sig)
{
	unsigned long handler = p->sighand ? p->sighand->action[sig - 1].handler : SIG_DFL;

	if (p->blocked & sigmask(sig))
		return false; /* it may be unblocked after a handler is installed */
	if (handler == SIG_IGN)
		return true;
	if (handler == SIG_DFL && p->pid == 1)
		return true; /* init dies of no signal it does not handle (SIGNAL_UNKILLABLE) */
	return handler == SIG_DFL && sig_default_ignored(sig);
}

int send_sig_info(int sig, struct task_struct *t, int code, pid_t pid, int status)
{
	unsigned long flags;

	if (sig < 1 || sig > _NSIG)
		return -EINVAL;
	local_irq_save(flags);
	if (t->sighand)
		t->sighand->sender[sig - 1] = (struct sig_sender){ code, pid, status };
	local_irq_restore(flags);
	return send_sig(sig, t, 0);
}

void kill_process(struct task_struct *t, int sig)
{
	send_sig(sig, t, 1);
}

/* Forgets sig pending in t (it became ignored). */
static void discard_pending(struct task_struct *t, int sig)
{
	unsigned long flags;

	local_irq_save(flags);
	t->sigpending &= ~sigmask(sig);
	local_irq_restore(flags);
}

long sys_rt_sigaction(unsigned long sig, unsigned long act, unsigned long oact,
		      unsigned long sigsetsize)
{
	struct sighand_struct *sh;
	struct k_sigaction new;

	if (sigsetsize != KERNEL_SIGSET_SIZE || sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (act && (sigmask(sig) & SIG_KERNEL_ONLY_MASK))
		return -EINVAL; /* SIGKILL and SIGSTOP keep their default action */
	if (act && copy_from_user(&new, (const void __user *)act, sizeof(new)))
		return -EFAULT;
	sh = sighand_get();
	if (!sh)
		return -ENOMEM;
	if (oact && copy_to_user((void __user *)oact, &sh->action[sig - 1], sizeof(new)))
		return -EFAULT;
	if (!act)
		return 0;
	new.mask &= ~SIG_KERNEL_ONLY_MASK;
	sh->action[sig - 1] = new;
	if (sig_ignored(current, sig) || (new.handler == SIG_IGN))
		discard_pending(current, sig); /* POSIX: a pending signal set to ignore goes */
	return 0;
}

/* Sets current's blocked mask (SIGKILL and SIGSTOP never blocked). */
static void set_current_blocked(unsigned long mask)
{
	unsigned long flags;

	local_irq_save(flags);
	current->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	local_irq_restore(flags);
}

long sys_rt_sigprocmask(unsigned long how, unsigned long set, unsigned long oset,
			unsigned long sigsetsize)
{
	unsigned long old = current->blocked, new;

	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (set && copy_from_user(&new, (const void __user *)set, sizeof(new)))
		return -EFAULT;
	if (set) {
		if (how == SIG_BLOCK)
			new |= old;
		else if (how == SIG_UNBLOCK)
			new = old & ~new;
		else if (how != SIG_SETMASK)
			return -EINVAL;
		set_current_blocked(new);
	}
	if (oset && copy_to_user((void __user *)oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(unsigned long uset, unsigned long sigsetsize)
{
	unsigned long pending = current->sigpending & current->blocked;

	if (sigsetsize > KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (copy_to_user((void __user *)uset, &pending, sigsetsize))
		return -EFAULT;
	return 0;
}

/* Sleeps until a signal is pending; the call is restarted if no handler runs. */
static long sleep_until_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return -ERESTARTNOHAND;
}

long sys_pause(void)
{
	return sleep_until_signal();
}

long sys_rt_sigsuspend(unsigned long umask, unsigned long sigsetsize)
{
	struct sighand_struct *sh = sighand_get();
	unsigned long mask;

	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, (const void __user *)umask, sizeof(mask)))
		return -EFAULT;
	if (!sh)
		return -ENOMEM;
	sh->saved_sigmask = current->blocked; /* back once the handler's frame holds it */
	sh->restore_sigmask = true;
	set_current_blocked(mask);
	sleep_until_signal();
	return -ERESTARTNOHAND; /* Linux: always -EINTR once a handler ran */
}

void force_sig_fault(int sig, int code, unsigned long addr)
{
	struct sighand_struct *sh = current->sighand; /* none: no handler, the default kills */
	struct k_sigaction *ka;
	unsigned long flags;

	if (sh) {
		ka = &sh->action[sig - 1];
		if (ka->handler == SIG_IGN || (current->blocked & sigmask(sig)))
			ka->handler = SIG_DFL; /* a fault cannot be ignored: Linux's force_sig */
		sh->fault = (struct fault_info){ .sig = sig, .code = code, .addr = addr };
	}
	local_irq_save(flags);
	current->blocked &= ~sigmask(sig);
	current->sigpending |= sigmask(sig);
	local_irq_restore(flags);
}

struct kill_query {
	pid_t pgrp;     /* > 0: that group; 0: every process but the sender and init */
	int sig;
	int sent;
};

static void kill_one(struct task_struct *t, void *ctx)
{
	struct kill_query *q = ctx;

	if ((t->flags & PF_KTHREAD) || t->pid <= 1 || t->exit_state == EXIT_DEAD)
		return;
	if (q->pgrp ? t->pgrp != q->pgrp : t == current)
		return;
	q->sent++;
	if (q->sig && !t->exit_state)
		send_sig_info(q->sig, t, SI_USER, current->pid, 0);
}

/* Sends sig (0: only checks) to group pgrp, or with pgrp 0 to all; -ESRCH when none. */
static int kill_many(pid_t pgrp, int sig)
{
	struct kill_query q = { .pgrp = pgrp, .sig = sig };

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	for_each_task(kill_one, &q);
	return q.sent ? 0 : -ESRCH;
}

int kill_pgrp(pid_t pgrp, int sig)
{
	return pgrp > 0 ? kill_many(pgrp, sig) : -ESRCH;
}

/* kill to one process, code SI_USER or SI_TKILL. */
static long kill_one_pid(pid_t pid, int sig, int code)
{
	struct task_struct *t = find_process(pid);

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (!t)
		return -ESRCH; /* kernel threads (init, the shell's) are not for kill(2) */
	if (sig && !t->exit_state)
		send_sig_info(sig, t, code, current->pid, 0);
	return 0;
}

/* tkill/tgkill: a thread is a process here (tid = pid). */
long sys_tkill(unsigned long tid, unsigned long sig)
{
	if ((int)tid <= 0)
		return -EINVAL;
	return kill_one_pid((pid_t)tid, (int)sig, SI_TKILL);
}

long sys_tgkill(unsigned long tgid, unsigned long tid, unsigned long sig)
{
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH;
	return kill_one_pid((pid_t)tid, (int)sig, SI_TKILL);
}

long sys_kill(unsigned long upid, unsigned long usig)
{
	pid_t pid = (pid_t)upid;
	int sig = (int)usig;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_many(0, sig);
	if (pid == 0)
		return kill_many(current->pgrp, sig);
	if (pid < 0)
		return pid == (pid_t)0x80000000 ? -ESRCH : kill_many(-pid, sig);
	return kill_one_pid(pid, sig, SI_USER);
}
