/*
 * The end of a process (Linux's kernel/exit.c): its files and address space go at once, its
 * children are given to init (pid 1), and it stays a zombie holding its wait status until
 * its parent reaps it with wait4 (wait.c). Init is Keel's kernel task running the shell, which
 * does not call wait4: orphans are reaped for it as soon as they are zombies, as Linux does
 * for a parent that ignores SIGCHLD. A process with threads ends when its last thread does
 * (thread.c); exit_group kills the others first.
 */
#include <keel/completion.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/tty_jobctrl.h>
#include <keel/uaccess.h>
#include "process/itimer.h"
#include "process/process_tree.h"
#include "process/signal_types.h"
#include "process/thread.h"

DEFINE_SPINLOCK(tasklist_lock);
unsigned int nr_processes;
DECLARE_WAIT_QUEUE_HEAD(child_exit_wq);

/* A vfork parent waits for the child to give the borrowed address space back. */
static void mm_release(struct task_struct *t)
{
	struct completion *vfork = t->vfork_done;

	if (!vfork)
		return;
	t->vfork_done = NULL;
	complete(vfork);
}

static void exit_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	unsigned long flags;

	mm_release(t);
	if (!mm)
		return;
	local_irq_save(flags);
	t->mm = NULL;
	switch_mm(NULL); /* never free the tables CR3 points at */
	local_irq_restore(flags);
	mmput(mm);
}

/* Init (pid 1), the kernel task that adopts orphans (Linux's child_reaper). */
static struct task_struct *child_reaper(void)
{
	return find_task_by_pid(1);
}

/* Gives t's children to init; those already zombies go on dead, reaped at once. Lock held. */
static void forget_original_parent(struct task_struct *t, struct list_head *dead)
{
	struct task_struct *reaper = child_reaper(), *p, *n;

	list_for_each_entry_safe(p, n, &t->children, sibling) {
		list_del(&p->sibling);
		p->parent = reaper;
		thread_group_sync_ids(p); /* its threads' parent too */
		p->kernel_waited = false;
		if (p->exit_state == EXIT_ZOMBIE) {
			nr_processes--;
			p->exit_state = EXIT_DEAD;
			list_add(&p->sibling, dead);
		} else {
			list_add_tail(&p->sibling, &reaper->children);
		}
	}
}

/* Drops the parent's references of reaped zombies. */
static void release_dead(struct list_head *dead)
{
	struct task_struct *p, *n;

	list_for_each_entry_safe(p, n, dead, sibling) {
		list_del(&p->sibling);
		put_task_struct(p);
	}
}

/* SIGCHLD's si_code for a wait status. */
static int child_code(int status)
{
	if (!WIFSIGNALED_STATUS(status))
		return CLD_EXITED;
	return (status & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
}

/* Whether the parent of t lets its zombie go at once: a kernel parent not waiting for it (init
 * adopting orphans), or a process ignoring SIGCHLD or with SA_NOCLDWAIT (Linux's rule). */
static bool parent_autoreaps(struct task_struct *t)
{
	struct sighand_struct *sh = t->parent->sighand;

	if (t->parent->flags & PF_KTHREAD)
		return !t->kernel_waited;
	return sh && (sh->action[SIGCHLD - 1].handler == SIG_IGN ||
		      (sh->action[SIGCHLD - 1].flags & SA_NOCLDWAIT));
}

/* Makes t a zombie with status and tells its parent, which may let it go at once. */
static void exit_notify(struct task_struct *t, int status)
{
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&tasklist_lock, flags);
	forget_original_parent(t, &dead);
	t->exit_code = status;
	t->exit_state = EXIT_ZOMBIE;
	if (parent_autoreaps(t)) {
		list_del(&t->sibling);
		nr_processes--;
		t->exit_state = EXIT_DEAD;
		list_add(&t->sibling, &dead); /* the scheduler's reference keeps t until it is gone */
	} else if (t->exit_signal) {
		send_sig_info(t->exit_signal, t->parent, child_code(status), t->pid,
			      WIFSIGNALED_STATUS(status) ? WTERMSIG_STATUS(status)
							 : WEXITSTATUS_STATUS(status));
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	wake_up_all(&child_exit_wq);
	release_dead(&dead);
}

void do_thread_exit(int status)
{
	struct task_struct *t = current, *leader;

	exit_thread_user_state(t); /* CLONE_CHILD_CLEARTID, robust futexes: needs the mm */
	leader = thread_group_leave(t, &status);
	if (!leader) { /* other threads live on with the files, fs and actions */
		exit_mm(t);
		thread_release(t);
		do_exit(status);
	}
	if (leader->pid == 1) /* init= ran a program as pid 1: nothing could adopt the orphans */
		panic("Attempted to kill init! exitcode=0x%08x", status);
	exit_itimers(leader); /* no SIGALRM for a process that is gone */
	if (leader->session == leader->pid)
		tty_session_exit(leader);
	exit_files(t);
	exit_fs(t);
	exit_mm(t);
	exit_sighand(t);
	exit_notify(leader, status); /* the process is over: its task is the leader's */
	thread_release(t);
	do_exit(status);
}

void do_group_exit(int status)
{
	do_thread_exit(zap_thread_group(status));
}
