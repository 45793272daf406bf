/*
 * Kernel threads: kthread_create/kthread_run/kthread_stop/kthread_should_stop, as in Linux.
 * Each thread has a struct kthread with its function, its stop request and an "exited"
 * completion that kthread_stop waits on. A thread that returns on its own stays a zombie
 * (its stack already freed) until kthread_stop collects its result, or until the module
 * holding its function is unloaded.
 */
#include <keel/completion.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "sched/sched.h"

/* Opaque to modules: tools/genksyms.py lists it in OPAQUE_TAGS, so the symbol CRCs that reach
 * it through task_struct do not depend on its layout. */
struct kthread {
	int (*threadfn)(void *data);
	void *data;
	bool should_stop;
	bool started; /* threadfn was called */
	bool stopped; /* kthread_stop() collected it */
	int result;
	struct completion exited;
	struct task_struct *task;
	struct list_head node; /* all kthreads, for module unload */
};

static LIST_HEAD(kthreads);
static DEFINE_SPINLOCK(kthreads_lock);

static struct kthread *to_kthread(struct task_struct *t)
{
	return t ? t->kthread : NULL;
}

bool kthread_should_stop(void)
{
	struct kthread *k = to_kthread(current);

	return k && READ_ONCE(k->should_stop);
}
EXPORT_SYMBOL(kthread_should_stop);

void *kthread_data(struct task_struct *t)
{
	struct kthread *k = to_kthread(t);

	return k ? k->data : NULL;
}
EXPORT_SYMBOL(kthread_data);

void kthread_exit(long ret)
{
	struct kthread *k = to_kthread(current);

	if (k)
		k->result = (int)ret;
	do_exit(ret);
}

/*
 * Called by do_exit with interrupts off, the task already TASK_DEAD: the stopper it wakes
 * cannot run before the dead task has switched away for good, so when kthread_stop returns
 * the thread is gone (no longer in ps), not merely about to go.
 */
void kthread_exit_notify(struct task_struct *t)
{
	struct kthread *k = to_kthread(t);

	if (k)
		complete_all(&k->exited);
}
EXPORT_SYMBOL(kthread_exit);

/* Every kernel thread starts here (through ret_from_kthread_asm). */
static void kthread_entry(void *arg)
{
	struct kthread *k = arg;
	int ret = -EINTR;

	k->started = true;
	if (!READ_ONCE(k->should_stop))
		ret = k->threadfn(k->data);
	kthread_exit(ret);
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
				   ...)
{
	char name[TASK_COMM_LEN];
	struct task_struct *t;
	struct kthread *k;
	unsigned long flags;
	va_list ap;

	might_sleep();
	va_start(ap, namefmt);
	vscnprintf(name, sizeof(name), namefmt, ap);
	va_end(ap);
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	t = task_alloc(name, kthread_entry, k);
	if (!t) {
		kfree(k);
		return ERR_PTR(-ENOMEM);
	}
	k->threadfn = threadfn;
	k->data = data;
	k->task = t;
	init_completion(&k->exited);
	t->kthread = k;
	spin_lock_irqsave(&kthreads_lock, flags);
	list_add_tail(&k->node, &kthreads);
	spin_unlock_irqrestore(&kthreads_lock, flags);
	task_list_add(t);
	return t;
}
EXPORT_SYMBOL(kthread_create);

/* Drops the creator's reference and the bookkeeping of a thread that has exited. */
static void kthread_reap(struct kthread *k)
{
	unsigned long flags;

	spin_lock_irqsave(&kthreads_lock, flags);
	list_del(&k->node);
	spin_unlock_irqrestore(&kthreads_lock, flags);
	k->task->kthread = NULL;
	put_task_struct(k->task);
	kfree(k);
}

int kthread_stop(struct task_struct *t)
{
	struct kthread *k = to_kthread(t);
	int ret;

	might_sleep();
	if (!k || k->stopped) {
		pr_err("kthread_stop: %s is not a kernel thread that can be stopped\n",
		       t ? t->comm : "(null)");
		return -EINVAL;
	}
	WRITE_ONCE(k->should_stop, true);
	wake_up_state(t, TASK_NORMAL | TASK_NEW);
	if (!wait_for_completion_timeout(&k->exited,
					 msecs_to_jiffies(KTHREAD_STOP_TIMEOUT_MS))) {
		pr_err("kthread_stop: %s (pid %d) did not exit within %d ms; it never checks "
		       "kthread_should_stop()?\n", t->comm, t->pid, KTHREAD_STOP_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	k->stopped = true;
	ret = k->result;
	kthread_reap(k);
	return ret;
}
EXPORT_SYMBOL(kthread_stop);

static bool fn_in(int (*fn)(void *), unsigned long start, unsigned long end)
{
	return (unsigned long)fn >= start && (unsigned long)fn < end;
}

/* The first thread running code in [start, end) that nobody is stopping yet, or NULL. */
static struct kthread *kthread_find_in_range(unsigned long start, unsigned long end,
					     struct kthread *after)
{
	struct kthread *k, *found = NULL;
	bool past = !after;
	unsigned long flags;

	spin_lock_irqsave(&kthreads_lock, flags);
	list_for_each_entry(k, &kthreads, node) {
		if (past && fn_in(k->threadfn, start, end)) {
			found = k;
			break;
		}
		if (k == after)
			past = true;
	}
	spin_unlock_irqrestore(&kthreads_lock, flags);
	return found;
}

/*
 * A thread someone already tried to stop (its module's exit called kthread_stop, which timed
 * out) is not waited for a second time: it was given KTHREAD_STOP_TIMEOUT_MS already.
 */
static int kthread_release_one(struct kthread *k, const char *owner)
{
	struct task_struct *t = k->task;

	if (READ_ONCE(k->should_stop) && !completion_done(&k->exited))
		return -ETIMEDOUT;
	if (!completion_done(&k->exited))
		pr_warn("%s: kernel thread %s (pid %d) still running at unload; stopping it\n",
			owner, t->comm, t->pid);
	return kthread_stop(t);
}

unsigned int kthread_release_range(unsigned long start, unsigned long end, const char *owner)
{
	struct kthread *k, *stuck = NULL;
	unsigned int failed = 0;

	while ((k = kthread_find_in_range(start, end, stuck))) {
		if (kthread_release_one(k, owner) == -ETIMEDOUT) {
			pr_err("rmmod: %s: thread %s (pid %d) still running; module memory kept\n",
			       owner, k->task->comm, k->task->pid);
			failed++;
			stuck = k; /* keep it listed; look past it */
		}
	}
	return failed;
}
