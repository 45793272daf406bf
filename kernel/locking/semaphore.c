/*
 * Counting semaphores. up() hands its unit directly to the first waiter, if any, like the
 * mutex does, so a woken waiter never has to compete again.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/jiffies.h>
#include <keel/sched.h>
#include <keel/semaphore.h>

struct semaphore_waiter {
	struct list_head list;
	struct task_struct *task;
	bool up;
};

void sema_init(struct semaphore *sem, int val)
{
	spin_lock_init(&sem->lock);
	sem->count = (unsigned int)val;
	INIT_LIST_HEAD(&sem->wait_list);
}
EXPORT_SYMBOL(sema_init);

/* Called with sem->lock held and count 0: 0 when a unit was handed over, -EINTR, -ETIME. */
static int __down_common(struct semaphore *sem, int state, long timeout, unsigned long *flags)
{
	struct semaphore_waiter waiter = { .task = current, .up = false };

	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		if (state == TASK_INTERRUPTIBLE && signal_pending(current))
			goto out_interrupted;
		if (timeout <= 0)
			goto out_timeout;
		set_current_state(state);
		spin_unlock_irqrestore(&sem->lock, *flags);
		timeout = schedule_timeout(timeout);
		spin_lock_irqsave(&sem->lock, *flags);
		if (waiter.up)
			return 0;
	}

out_timeout:
	list_del(&waiter.list);
	return -ETIME;
out_interrupted:
	list_del(&waiter.list);
	return -EINTR;
}

static int __down(struct semaphore *sem, int state, long timeout)
{
	unsigned long flags;
	int ret = 0;

	might_sleep();
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->count > 0)
		sem->count--;
	else
		ret = __down_common(sem, state, timeout, &flags);
	spin_unlock_irqrestore(&sem->lock, flags);
	return ret;
}

void down(struct semaphore *sem)
{
	__down(sem, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL(down);

int down_interruptible(struct semaphore *sem)
{
	return __down(sem, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL(down_interruptible);

int down_timeout(struct semaphore *sem, long timeout)
{
	return __down(sem, TASK_UNINTERRUPTIBLE, timeout);
}
EXPORT_SYMBOL(down_timeout);

int down_trylock(struct semaphore *sem)
{
	unsigned long flags;
	int busy = 1;

	spin_lock_irqsave(&sem->lock, flags);
	if (sem->count > 0) {
		sem->count--;
		busy = 0;
	}
	spin_unlock_irqrestore(&sem->lock, flags);
	return busy;
}
EXPORT_SYMBOL(down_trylock);

void up(struct semaphore *sem)
{
	struct semaphore_waiter *waiter;
	unsigned long flags;

	spin_lock_irqsave(&sem->lock, flags);
	waiter = list_first_entry_or_null(&sem->wait_list, struct semaphore_waiter, list);
	if (waiter) {
		list_del(&waiter->list);
		waiter->up = true;
		wake_up_process(waiter->task);
	} else {
		sem->count++;
	}
	spin_unlock_irqrestore(&sem->lock, flags);
}
EXPORT_SYMBOL(up);
