/*
 * Sleeping mutexes. The owner field is the lock: unlocking hands the mutex straight to the
 * first waiter (FIFO), so a task woken from the wait list already owns it and nobody can
 * barge in between. The wait list is protected by wait_lock, with interrupts off because
 * wake-ups of the list's tasks may come from interrupt handlers.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include "cpu/traps.h"

struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
};

void __mutex_init(struct mutex *lock, const char *name)
{
	lock->owner = NULL;
	spin_lock_init(&lock->wait_lock);
	INIT_LIST_HEAD(&lock->wait_list);
	lock->name = name;
	lock->owner_ip = 0;
}
EXPORT_SYMBOL(__mutex_init);

static void mutex_report(struct mutex *lock, const char *what)
{
	struct task_struct *owner = READ_ONCE(lock->owner);
	char where[128] = "?";

	if (lock->owner_ip) /* a return address, maybe into a module */
		symbolize_address(lock->owner_ip, true, where, sizeof(where));
	pr_err("BUG: %s: %s/%d, mutex %s held by %s/%d since %s\n", what, current->comm,
	       current->pid, lock->name ? lock->name : "?", owner ? owner->comm : "<none>",
	       owner ? owner->pid : -1, where);
	dump_stack();
}

/*
 * Would sleeping on lock wait forever? Follows owner -> the mutex that owner sleeps on ->
 * its owner ..., and reports a cycle back to us (ABBA deadlock) instead of entering it.
 * wait_lock of lock is held; the other mutexes are only read, which is enough on one CPU with
 * interrupts off (nothing else runs meanwhile).
 */
static bool mutex_would_deadlock(struct mutex *lock)
{
	struct mutex *m = lock;
	int depth = 0;

	while (m && m->owner && depth++ < 64) {
		if (m->owner == current)
			return true;
		m = m->owner->blocked_on;
	}
	return false;
}

static void mutex_report_cycle(struct mutex *lock)
{
	struct mutex *m = lock;
	int depth = 0;

	pr_err("BUG: circular locking (deadlock) refused: %s/%d wants mutex %s\n", current->comm,
	       current->pid, lock->name ? lock->name : "?");
	while (m && m->owner && depth++ < 64) {
		pr_err(" mutex %s is held by %s/%d%s\n", m->name ? m->name : "?", m->owner->comm,
		       m->owner->pid, m->owner == current ? " (us)" : ", which waits for:");
		if (m->owner == current)
			break;
		m = m->owner->blocked_on;
	}
	dump_stack();
}

/* 0 when owned (at once or after sleeping), -EDEADLK, or -EINTR. */
static int __mutex_lock(struct mutex *lock, int state, unsigned long ip)
{
	struct mutex_waiter waiter = { .task = current };
	unsigned long flags;
	int ret = 0;

	might_sleep();
	spin_lock_irqsave(&lock->wait_lock, flags);
	if (!lock->owner) {
		lock->owner = current;
		goto out_owned;
	}
	if (lock->owner == current) {
		spin_unlock_irqrestore(&lock->wait_lock, flags);
		mutex_report(lock, "recursive locking refused");
		return -EDEADLK;
	}
	if (mutex_would_deadlock(lock)) {
		spin_unlock_irqrestore(&lock->wait_lock, flags);
		mutex_report_cycle(lock);
		return -EDEADLK;
	}
	list_add_tail(&waiter.list, &lock->wait_list);
	current->blocked_on = lock;
	for (;;) {
		set_current_state(state);
		spin_unlock_irqrestore(&lock->wait_lock, flags);
		schedule();
		spin_lock_irqsave(&lock->wait_lock, flags);
		if (lock->owner == current)
			break; /* handed over by mutex_unlock */
		if (state == TASK_INTERRUPTIBLE && signal_pending(current)) {
			list_del(&waiter.list);
			ret = -EINTR;
			break;
		}
	}
	__set_current_state(TASK_RUNNING);
	current->blocked_on = NULL;
out_owned:
	if (!ret)
		lock->owner_ip = ip;
	spin_unlock_irqrestore(&lock->wait_lock, flags);
	return ret;
}

void mutex_lock(struct mutex *lock)
{
	__mutex_lock(lock, TASK_UNINTERRUPTIBLE, (unsigned long)__builtin_return_address(0));
}
EXPORT_SYMBOL(mutex_lock);

int mutex_lock_interruptible(struct mutex *lock)
{
	return __mutex_lock(lock, TASK_INTERRUPTIBLE, (unsigned long)__builtin_return_address(0));
}
EXPORT_SYMBOL(mutex_lock_interruptible);

int mutex_trylock(struct mutex *lock)
{
	unsigned long flags;
	int ok = 0;

	spin_lock_irqsave(&lock->wait_lock, flags);
	if (!lock->owner) {
		lock->owner = current;
		lock->owner_ip = (unsigned long)__builtin_return_address(0);
		ok = 1;
	}
	spin_unlock_irqrestore(&lock->wait_lock, flags);
	return ok;
}
EXPORT_SYMBOL(mutex_trylock);

void mutex_unlock(struct mutex *lock)
{
	struct mutex_waiter *next;
	unsigned long flags;

	spin_lock_irqsave(&lock->wait_lock, flags);
	if (lock->owner != current) {
		spin_unlock_irqrestore(&lock->wait_lock, flags);
		mutex_report(lock, lock->owner ? "mutex_unlock by a task that does not own it"
					       : "mutex_unlock of an unlocked mutex");
		return;
	}
	next = list_first_entry_or_null(&lock->wait_list, struct mutex_waiter, list);
	if (next) {
		list_del(&next->list);
		lock->owner = next->task; /* handed over: the waiter wakes up owning it */
		wake_up_process(next->task);
	} else {
		lock->owner = NULL;
	}
	spin_unlock_irqrestore(&lock->wait_lock, flags);
}
EXPORT_SYMBOL(mutex_unlock);
