/*
 * The console as a controlling terminal (Linux's drivers/tty/tty_jobctrl.c): which session
 * owns it, its foreground process group, the ISIG keys that signal that group (from the
 * serial interrupt), the SIGTTIN/SIGTTOU checks for background groups, and the job-control
 * ioctls. The keel> shell is a kernel task: while it runs a program (`run`, a typed path) the
 * console is its session's with the program's group in the foreground; between programs no
 * user group is in the foreground and Ctrl-C goes to the shell's task as before.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include <keel/tty.h>
#include <keel/tty_jobctrl.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "tty/tty_internal.h"

#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define VINTR_INDEX 0
#define VQUIT_INDEX 1
#define VSUSP_INDEX 10
#define TOSTOP_FLAG 0x100
#define ECHOCTL_FLAG 0x200

static pid_t console_session = 0; /* the owning session's id; 0: none */
static pid_t console_pgrp = 0;    /* the foreground process group; 0: none */
/* The shell's Ctrl-C task, set aside while a program of its runs in the foreground. */
static struct task_struct *kernel_fg_task;

int tty_job_signal(struct tty_struct *tty, char c)
{
	unsigned char cc = (unsigned char)c;

	if (tty != console_tty() || !READ_ONCE(console_pgrp) || !(console_lflag() & ISIG_FLAG))
		return 0;
	if (!cc)
		return 0; /* _POSIX_VDISABLE */
	if (cc == console_cc(VINTR_INDEX))
		return SIGINT;
	if (cc == console_cc(VQUIT_INDEX))
		return SIGQUIT;
	if (cc == console_cc(VSUSP_INDEX))
		return SIGTSTP;
	return 0;
}

/* ECHOCTL: the key as ^X (console_write is fine in interrupt context, as printk's is). */
static void echo_key(int sig)
{
	unsigned int index = sig == SIGINT ? VINTR_INDEX : sig == SIGQUIT ? VQUIT_INDEX
									     : VSUSP_INDEX;
	char echo[2] = { '^', (char)(console_cc(index) ^ 0x40) };

	if ((console_lflag() & (ECHO_FLAG | ECHOCTL_FLAG)) == (ECHO_FLAG | ECHOCTL_FLAG))
		console_write(echo, sizeof(echo));
}

void tty_job_signal_send(int sig, bool echo)
{
	pid_t pgrp = READ_ONCE(console_pgrp);

	if (!pgrp)
		return;
	if (echo)
		echo_key(sig);
	kill_pgrp(pgrp, sig);
}

/* Whether the console is current's controlling terminal. */
static bool is_ctty(void)
{
	return console_session && current->session == console_session &&
	       !(current->flags & PF_KTHREAD) && !(current->jobctl & JOBCTL_NOCTTY);
}

/* Whether current blocks or ignores sig (Linux's is_ignored). */
static bool sig_blocked_or_ignored(int sig)
{
	return (current->blocked & sigmask(sig)) || sig_ignored(current, sig);
}

/* A background process of the console's session: Linux's __tty_check_change. */
static int check_background(int sig, bool read)
{
	if (!is_ctty() || current->pgrp == console_pgrp)
		return 0;
	if (sig_blocked_or_ignored(sig))
		return read ? -EIO : 0;
	if (jobctl_pgrp_orphaned(current->pgrp))
		return -EIO;
	kill_pgrp(current->pgrp, sig);
	return -ERESTARTSYS;
}

int tty_check_read(void)
{
	return check_background(SIGTTIN, true);
}

int tty_check_write(void)
{
	return (console_lflag() & TOSTOP_FLAG) ? check_background(SIGTTOU, false) : 0;
}

int tty_check_change(void)
{
	return check_background(SIGTTOU, false);
}

static long set_pgrp(unsigned long arg)
{
	pid_t pgrp;
	long ret = tty_check_change();

	if (ret)
		return ret;
	if (copy_from_user(&pgrp, (const void __user *)arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (!process_group_exists(pgrp, 0))
		return -ESRCH;
	if (!process_group_exists(pgrp, current->session))
		return -EPERM;
	WRITE_ONCE(console_pgrp, pgrp);
	return 0;
}

/* TIOCSCTTY: a session leader without a terminal takes the console (arg 1: even from
 * another session, as root may). */
static long set_ctty(unsigned long arg)
{
	struct task_struct *t = current;

	if (t->session == t->pid && console_session == t->session)
		return 0;
	if (t->session != t->pid)
		return -EPERM;
	if (console_session && arg != 1)
		return -EPERM;
	console_session = t->session;
	WRITE_ONCE(console_pgrp, t->pgrp);
	t->jobctl &= ~JOBCTL_NOCTTY;
	return 0;
}

/* The console leaves its session; its foreground group hears of it (SIGHUP, and with
 * cont SIGCONT, as Linux's disassociate_ctty). */
static void disassociate(bool cont)
{
	pid_t pgrp = console_pgrp;

	console_session = 0;
	WRITE_ONCE(console_pgrp, 0);
	if (pgrp) {
		kill_pgrp(pgrp, SIGHUP);
		if (cont)
			kill_pgrp(pgrp, SIGCONT);
	}
}

static long give_up_ctty(void)
{
	if (current->session == current->pid)
		disassociate(true);
	else
		current->jobctl |= JOBCTL_NOCTTY;
	return 0;
}

static long put_id(unsigned long arg, pid_t id)
{
	return copy_to_user((void __user *)arg, &id, sizeof(id)) ? -EFAULT : 0;
}

bool tty_jobctrl_ioctl(unsigned int cmd, unsigned long arg, long *ret)
{
	if (cmd != TIOCSCTTY && cmd != TIOCGPGRP && cmd != TIOCSPGRP && cmd != TIOCNOTTY &&
	    cmd != TIOCGSID)
		return false;
	if (cmd == TIOCSCTTY)
		*ret = set_ctty(arg);
	else if (!is_ctty())
		*ret = -ENOTTY;
	else if (cmd == TIOCGPGRP)
		*ret = put_id(arg, console_pgrp);
	else if (cmd == TIOCSPGRP)
		*ret = set_pgrp(arg);
	else if (cmd == TIOCNOTTY)
		*ret = give_up_ctty();
	else
		*ret = put_id(arg, console_session);
	return true;
}

pid_t console_foreground_enter(pid_t sid, pid_t pgrp)
{
	struct tty_struct *tty = console_tty();
	pid_t prev = console_pgrp;

	if (!prev) {
		kernel_fg_task = tty->pgrp;
		tty_set_foreground(tty, NULL); /* Ctrl-C is now the program's group's */
	}
	console_session = sid;
	WRITE_ONCE(console_pgrp, pgrp);
	return prev;
}

void console_foreground_leave(pid_t prev)
{
	WRITE_ONCE(console_pgrp, prev);
	if (!prev) {
		tty_set_foreground(console_tty(), kernel_fg_task);
		kernel_fg_task = NULL;
	}
}

void console_release(void)
{
	console_session = 0;
	WRITE_ONCE(console_pgrp, 0);
}

void tty_session_exit(struct task_struct *leader)
{
	if (console_session && console_session == leader->pid)
		disassociate(false);
}
