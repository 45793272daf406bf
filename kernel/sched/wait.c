/*
 * Wait queues and completions. A waiter queues itself and sets its state before testing its
 * condition, and a waker changes the condition before waking the queue: whichever order the
 * two run in, the waiter either sees the condition or is woken (Linux's kernel/sched/wait.c).
 */
#include <keel/completion.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/wait.h>

void init_waitqueue_head(wait_queue_head_t *wq_head)
{
	spin_lock_init(&wq_head->lock);
	INIT_LIST_HEAD(&wq_head->head);
}
EXPORT_SYMBOL(init_waitqueue_head);

int default_wake_function(struct wait_queue_entry *wq_entry, unsigned int mode, int flags,
			  void *key)
{
	(void)flags;
	(void)key;
	return wake_up_state(wq_entry->private, mode);
}
EXPORT_SYMBOL(default_wake_function);

void init_wait_entry(struct wait_queue_entry *wq_entry, int flags)
{
	wq_entry->flags = (unsigned int)flags;
	wq_entry->private = current;
	wq_entry->func = default_wake_function;
	INIT_LIST_HEAD(&wq_entry->entry);
}
EXPORT_SYMBOL(init_wait_entry);

void add_wait_queue(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry)
{
	unsigned long flags;

	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	spin_lock_irqsave(&wq_head->lock, flags);
	list_add(&wq_entry->entry, &wq_head->head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
EXPORT_SYMBOL(add_wait_queue);

/* Exclusive waiters queue at the tail, so wake_up() reaches every non-exclusive one first. */
void add_wait_queue_exclusive(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry)
{
	unsigned long flags;

	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	spin_lock_irqsave(&wq_head->lock, flags);
	list_add_tail(&wq_entry->entry, &wq_head->head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
EXPORT_SYMBOL(add_wait_queue_exclusive);

void remove_wait_queue(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry)
{
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	list_del_init(&wq_entry->entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
EXPORT_SYMBOL(remove_wait_queue);

static void __prepare_to_wait(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry,
			      int state, bool exclusive)
{
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	if (list_empty(&wq_entry->entry)) {
		if (exclusive) {
			wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&wq_entry->entry, &wq_head->head);
		} else {
			list_add(&wq_entry->entry, &wq_head->head);
		}
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

void prepare_to_wait(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry, int state)
{
	__prepare_to_wait(wq_head, wq_entry, state, false);
}
EXPORT_SYMBOL(prepare_to_wait);

void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry,
			       int state)
{
	__prepare_to_wait(wq_head, wq_entry, state, true);
}
EXPORT_SYMBOL(prepare_to_wait_exclusive);

long prepare_to_wait_event(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry,
			   int state)
{
	if (state == TASK_INTERRUPTIBLE && signal_pending(current)) {
		remove_wait_queue(wq_head, wq_entry);
		return -ERESTARTSYS;
	}
	__prepare_to_wait(wq_head, wq_entry, state, wq_entry->flags & WQ_FLAG_EXCLUSIVE);
	return 0;
}
EXPORT_SYMBOL(prepare_to_wait_event);

void finish_wait(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	if (list_empty(&wq_entry->entry))
		return;
	spin_lock_irqsave(&wq_head->lock, flags);
	list_del_init(&wq_entry->entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
EXPORT_SYMBOL(finish_wait);

void __wake_up_locked(wait_queue_head_t *wq_head, unsigned int mode, int nr)
{
	struct wait_queue_entry *curr, *next;

	list_for_each_entry_safe(curr, next, &wq_head->head, entry) {
		int woke = curr->func(curr, mode, 0, NULL);

		if (woke && (curr->flags & WQ_FLAG_EXCLUSIVE) && nr > 0 && --nr == 0)
			break;
	}
}
EXPORT_SYMBOL(__wake_up_locked);

void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr, void *key)
{
	unsigned long flags;

	(void)key;
	spin_lock_irqsave(&wq_head->lock, flags);
	__wake_up_locked(wq_head, mode, nr);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
EXPORT_SYMBOL(__wake_up);

/* Completions: a count under the wait queue's lock. */

void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}
EXPORT_SYMBOL(init_completion);

void reinit_completion(struct completion *x)
{
	WRITE_ONCE(x->done, 0);
}
EXPORT_SYMBOL(reinit_completion);

void complete(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done != UINT_MAX)
		x->done++;
	__wake_up_locked(&x->wait, TASK_NORMAL, 1);
	spin_unlock_irqrestore(&x->wait.lock, flags);
}
EXPORT_SYMBOL(complete);

void complete_all(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	x->done = UINT_MAX;
	__wake_up_locked(&x->wait, TASK_NORMAL, 0);
	spin_unlock_irqrestore(&x->wait.lock, flags);
}
EXPORT_SYMBOL(complete_all);

bool try_wait_for_completion(struct completion *x)
{
	unsigned long flags;
	bool ret = false;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done) {
		if (x->done != UINT_MAX)
			x->done--;
		ret = true;
	}
	spin_unlock_irqrestore(&x->wait.lock, flags);
	return ret;
}
EXPORT_SYMBOL(try_wait_for_completion);

bool completion_done(struct completion *x)
{
	return READ_ONCE(x->done) != 0;
}
EXPORT_SYMBOL(completion_done);

/* Sleeps (exclusively, so complete() wakes exactly one waiter) until done or timeout; then
 * consumes one completion. Returns the jiffies left (>= 1), 0 on timeout, or -ERESTARTSYS. */
static long do_wait_for_common(struct completion *x, long timeout, int state)
{
	might_sleep();
	if (try_wait_for_completion(x))
		return timeout ? timeout : 1;
	return ___wait_event(x->wait, ___wait_cond_timeout(try_wait_for_completion(x)), state, 1,
			     timeout, __ret = schedule_timeout(__ret));
}

void wait_for_completion(struct completion *x)
{
	do_wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE);
}
EXPORT_SYMBOL(wait_for_completion);

unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout)
{
	return (unsigned long)do_wait_for_common(x, (long)timeout, TASK_UNINTERRUPTIBLE);
}
EXPORT_SYMBOL(wait_for_completion_timeout);

int wait_for_completion_interruptible(struct completion *x)
{
	long ret = do_wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_INTERRUPTIBLE);

	return ret < 0 ? (int)ret : 0;
}
EXPORT_SYMBOL(wait_for_completion_interruptible);
