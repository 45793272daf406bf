/*
 * Workqueues (Linux's kernel/workqueue.c, much simplified): each workqueue is a FIFO list of
 * works served by one worker kthread. One spinlock (interrupts off) guards every list, every
 * work's WORK_STRUCT_* bits and each worker's "current work", because works are queued from
 * interrupt handlers and timer callbacks. A delayed work waits on its timer_list, and on the
 * armed list (so module unload can find it), until the timer moves it to its workqueue.
 *
 * Flushing uses Linux's barrier trick: a barrier work queued right after the work to wait for
 * (or at the head of the list, when the work is running) completes a completion when the
 * worker reaches it; since a worker runs its works in order, the work has finished by then.
 */
#include <keel/completion.h>
#include <keel/export.h>
#include <keel/kthread.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/workqueue.h>
#include "cpu/traps.h"
#include "sched/workqueue_internal.h"

struct workqueue_struct {
	char name[WQ_NAME_LEN];
	unsigned int flags;
	struct list_head worklist;         /* pending works, in order */
	struct task_struct *worker;
	struct work_struct *current_work;  /* running now, or NULL */
	work_func_t current_func;
	struct list_head node;             /* on the list of all workqueues */
};

static DEFINE_SPINLOCK(wq_lock);
static LIST_HEAD(workqueues);
static LIST_HEAD(delayed_armed); /* delayed works whose timer is pending */

struct workqueue_struct *system_wq;
EXPORT_SYMBOL(system_wq);

#define SYM_LEN 128

/* Queues a work whose PENDING bit the caller set, at pos on wq's list. wq_lock held. */
static void insert_work(struct workqueue_struct *wq, struct work_struct *work,
			struct list_head *pos)
{
	work->wq = wq;
	list_add_tail(&work->entry, pos);
	wake_up_process(wq->worker);
}

/* The workqueue whose worker runs work now, or NULL. wq_lock held. */
static struct workqueue_struct *find_running(struct work_struct *work)
{
	struct workqueue_struct *wq;

	list_for_each_entry(wq, &workqueues, node)
		if (wq->current_work == work)
			return wq;
	return NULL;
}

/* Takes a pending work off its list or its timer: true if it was pending. wq_lock held. */
static bool try_grab_pending(struct work_struct *work)
{
	if (!(work->data & WORK_STRUCT_PENDING))
		return false;
	if (work->data & WORK_STRUCT_DELAYED)
		del_timer(&to_delayed_work(work)->timer);
	list_del_init(&work->entry);
	work->data &= ~(WORK_STRUCT_PENDING | WORK_STRUCT_DELAYED);
	return true;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&wq_lock, flags);
	if (!(work->data & (WORK_STRUCT_PENDING | WORK_STRUCT_CANCELING))) {
		work->data |= WORK_STRUCT_PENDING;
		insert_work(wq, work, &wq->worklist);
		queued = true;
	}
	spin_unlock_irqrestore(&wq_lock, flags);
	return queued;
}
EXPORT_SYMBOL(queue_work);

bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}
EXPORT_SYMBOL(schedule_work);

/* Arms dwork (PENDING already set by the caller) for delay jiffies. wq_lock held. */
static void __queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
				 unsigned long delay)
{
	struct work_struct *work = &dwork->work;

	dwork->wq = wq;
	if (!delay) {
		insert_work(wq, work, &wq->worklist);
		return;
	}
	work->wq = wq;
	work->data |= WORK_STRUCT_DELAYED;
	list_add_tail(&work->entry, &delayed_armed);
	mod_timer(&dwork->timer, jiffies + delay);
}

/* The delayed work's timer: hard IRQ context. */
void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);
	struct work_struct *work = &dwork->work;
	unsigned long flags;

	spin_lock_irqsave(&wq_lock, flags);
	if (work->data & WORK_STRUCT_DELAYED) {
		list_del_init(&work->entry);
		work->data &= ~WORK_STRUCT_DELAYED;
		insert_work(dwork->wq, work, &dwork->wq->worklist);
	}
	spin_unlock_irqrestore(&wq_lock, flags);
}
EXPORT_SYMBOL(delayed_work_timer_fn);

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&wq_lock, flags);
	if (!(work->data & (WORK_STRUCT_PENDING | WORK_STRUCT_CANCELING))) {
		work->data |= WORK_STRUCT_PENDING;
		__queue_delayed_work(wq, dwork, delay);
		queued = true;
	}
	spin_unlock_irqrestore(&wq_lock, flags);
	return queued;
}
EXPORT_SYMBOL(queue_delayed_work);

bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}
EXPORT_SYMBOL(schedule_delayed_work);

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	unsigned long flags;
	bool was_pending = false;

	spin_lock_irqsave(&wq_lock, flags);
	if (!(work->data & WORK_STRUCT_CANCELING)) {
		was_pending = try_grab_pending(work);
		work->data |= WORK_STRUCT_PENDING;
		__queue_delayed_work(wq, dwork, delay);
	}
	spin_unlock_irqrestore(&wq_lock, flags);
	return was_pending;
}
EXPORT_SYMBOL(mod_delayed_work);

bool cancel_delayed_work(struct delayed_work *dwork)
{
	unsigned long flags;
	bool was_pending;

	spin_lock_irqsave(&wq_lock, flags);
	was_pending = try_grab_pending(&dwork->work);
	spin_unlock_irqrestore(&wq_lock, flags);
	return was_pending;
}
EXPORT_SYMBOL(cancel_delayed_work);

/* ---- Barriers: waiting for a work, or for a whole workqueue ---- */

struct wq_barrier {
	struct work_struct work;
	struct completion done;
};

static void wq_barrier_func(struct work_struct *work)
{
	complete(&container_of(work, struct wq_barrier, work)->done);
}

/* Queues barr on wq before pos (the list node it must precede). wq_lock held. */
static void insert_barrier(struct workqueue_struct *wq, struct wq_barrier *barr,
			   struct list_head *pos)
{
	INIT_WORK(&barr->work, wq_barrier_func);
	init_completion(&barr->done);
	barr->work.data = WORK_STRUCT_PENDING;
	insert_work(wq, &barr->work, pos);
}

/* Queues a barrier after the last instance of work: right behind it when it is queued, at
 * the head of the list when it is only running. False when there is nothing to wait for. */
static bool start_flush_work(struct work_struct *work, struct wq_barrier *barr)
{
	struct workqueue_struct *wq;

	if ((work->data & WORK_STRUCT_PENDING) && !(work->data & WORK_STRUCT_DELAYED)) {
		insert_barrier(work->wq, barr, work->entry.next);
		return true;
	}
	wq = find_running(work);
	if (!wq)
		return false;
	insert_barrier(wq, barr, wq->worklist.next);
	return true;
}

bool flush_work(struct work_struct *work)
{
	struct wq_barrier barr;
	unsigned long flags;
	bool queued;

	might_sleep();
	spin_lock_irqsave(&wq_lock, flags);
	queued = start_flush_work(work, &barr);
	spin_unlock_irqrestore(&wq_lock, flags);
	if (queued)
		wait_for_completion(&barr.done);
	return queued;
}
EXPORT_SYMBOL(flush_work);

bool flush_delayed_work(struct delayed_work *dwork)
{
	struct work_struct *work = &dwork->work;
	unsigned long flags;

	spin_lock_irqsave(&wq_lock, flags);
	if (work->data & WORK_STRUCT_DELAYED) {
		del_timer(&dwork->timer);
		list_del_init(&work->entry);
		work->data &= ~WORK_STRUCT_DELAYED;
		insert_work(dwork->wq, work, &dwork->wq->worklist);
	}
	spin_unlock_irqrestore(&wq_lock, flags);
	return flush_work(work);
}
EXPORT_SYMBOL(flush_delayed_work);

void flush_workqueue(struct workqueue_struct *wq)
{
	struct wq_barrier barr;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&wq_lock, flags);
	insert_barrier(wq, &barr, &wq->worklist);
	spin_unlock_irqrestore(&wq_lock, flags);
	wait_for_completion(&barr.done);
}
EXPORT_SYMBOL(flush_workqueue);

/* Cancels the pending instance, refuses new ones, and waits for a running one. */
static bool __cancel_work_sync(struct work_struct *work)
{
	struct wq_barrier barr;
	unsigned long flags;
	bool was_pending, running = false;
	struct workqueue_struct *wq;

	might_sleep();
	spin_lock_irqsave(&wq_lock, flags);
	was_pending = try_grab_pending(work);
	work->data |= WORK_STRUCT_CANCELING;
	wq = find_running(work);
	if (wq) {
		insert_barrier(wq, &barr, wq->worklist.next);
		running = true;
	}
	spin_unlock_irqrestore(&wq_lock, flags);
	if (running)
		wait_for_completion(&barr.done);
	spin_lock_irqsave(&wq_lock, flags);
	work->data &= ~WORK_STRUCT_CANCELING;
	spin_unlock_irqrestore(&wq_lock, flags);
	return was_pending;
}

bool cancel_work_sync(struct work_struct *work)
{
	return __cancel_work_sync(work);
}
EXPORT_SYMBOL(cancel_work_sync);

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return __cancel_work_sync(&dwork->work);
}
EXPORT_SYMBOL(cancel_delayed_work_sync);

/* ---- Workers ---- */

/* Takes the next work off wq's list and marks it running, or returns NULL after setting the
 * task asleep (the caller then schedules). wq_lock held. */
static struct work_struct *worker_take_next(struct workqueue_struct *wq)
{
	struct work_struct *work;

	work = list_first_entry_or_null(&wq->worklist, struct work_struct, entry);
	if (!work) {
		set_current_state(TASK_INTERRUPTIBLE);
		return NULL;
	}
	list_del_init(&work->entry);
	work->data &= ~WORK_STRUCT_PENDING; /* from now on it may be queued again */
	wq->current_work = work;
	wq->current_func = work->func;
	return work;
}

static void worker_check_atomic(struct workqueue_struct *wq, work_func_t func)
{
	char sym[SYM_LEN];

	if (likely(preempt_count() == 0 && !irqs_disabled()))
		return;
	symbolize_address((unsigned long)func, false, sym, sizeof(sym));
	pr_err("BUG: workqueue %s: work %s returned in atomic context (preempt count %#x%s)\n",
	       wq->name, sym, preempt_count(), irqs_disabled() ? ", interrupts off" : "");
}

static int worker_thread(void *data)
{
	struct workqueue_struct *wq = data;
	struct work_struct *work;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&wq_lock, flags);
		work = worker_take_next(wq);
		spin_unlock_irqrestore(&wq_lock, flags);
		if (!work) {
			if (kthread_should_stop()) {
				__set_current_state(TASK_RUNNING);
				return 0;
			}
			schedule();
			continue;
		}
		wq->current_func(work); /* may free work: only the saved function is used after */
		worker_check_atomic(wq, wq->current_func);
		spin_lock_irqsave(&wq_lock, flags);
		wq->current_work = NULL;
		wq->current_func = NULL;
		spin_unlock_irqrestore(&wq_lock, flags);
		cond_resched();
	}
}

static struct workqueue_struct *__alloc_workqueue(const char *name, const char *thread_name,
						  unsigned int flags)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	unsigned long irqflags;

	if (!wq)
		return NULL;
	strlcpy(wq->name, name, sizeof(wq->name));
	wq->flags = flags;
	INIT_LIST_HEAD(&wq->worklist);
	wq->worker = kthread_create(worker_thread, wq, "%s", thread_name);
	if (IS_ERR(wq->worker)) {
		kfree(wq);
		return NULL;
	}
	spin_lock_irqsave(&wq_lock, irqflags);
	list_add_tail(&wq->node, &workqueues);
	spin_unlock_irqrestore(&wq_lock, irqflags);
	wake_up_process(wq->worker);
	return wq;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active,
					 ...)
{
	char name[WQ_NAME_LEN];
	va_list ap;

	(void)max_active;
	might_sleep();
	va_start(ap, max_active);
	vscnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return __alloc_workqueue(name, name, flags);
}
EXPORT_SYMBOL(alloc_workqueue);

/* Cancels (with a report) delayed works still waiting to be queued on wq. wq_lock held. */
static void cancel_armed_for(struct workqueue_struct *wq)
{
	struct work_struct *work, *next;
	char sym[SYM_LEN];

	list_for_each_entry_safe(work, next, &delayed_armed, entry) {
		if (work->wq != wq)
			continue;
		symbolize_address((unsigned long)work->func, false, sym, sizeof(sym));
		pr_warn("destroy_workqueue %s: delayed work %s still pending; cancelled\n",
			wq->name, sym);
		try_grab_pending(work);
	}
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	unsigned long flags;
	bool empty;

	if (!wq)
		return;
	might_sleep();
	spin_lock_irqsave(&wq_lock, flags);
	cancel_armed_for(wq);
	spin_unlock_irqrestore(&wq_lock, flags);
	do { /* works may queue more works on their own workqueue */
		flush_workqueue(wq);
		spin_lock_irqsave(&wq_lock, flags);
		empty = list_empty(&wq->worklist);
		spin_unlock_irqrestore(&wq_lock, flags);
	} while (!empty);
	kthread_stop(wq->worker);
	spin_lock_irqsave(&wq_lock, flags);
	list_del(&wq->node);
	spin_unlock_irqrestore(&wq_lock, flags);
	kfree(wq);
}
EXPORT_SYMBOL(destroy_workqueue);

void workqueue_init(void)
{
	system_wq = __alloc_workqueue("events", "kworker/0", 0);
	if (!system_wq)
		panic("workqueue: cannot create system_wq");
}

/* ---- Module unload ---- */

static bool in_range(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

static bool work_owned(const struct work_struct *work, work_func_t func, unsigned long start,
		       unsigned long end)
{
	return in_range((const void *)func, start, end) || in_range(work, start, end);
}

static void warn_work(const char *owner, const char *what, work_func_t func)
{
	char sym[SYM_LEN];

	symbolize_address((unsigned long)func, false, sym, sizeof(sym));
	pr_warn("%s: work %s %s\n", owner, sym, what);
}

/* Cancels owned works on one list. wq_lock held. */
static unsigned int cancel_owned_on(struct list_head *list, unsigned long start,
				    unsigned long end, const char *owner)
{
	struct work_struct *work, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(work, next, list, entry) {
		if (!work_owned(work, work->func, start, end))
			continue;
		warn_work(owner, (work->data & WORK_STRUCT_DELAYED) ?
			  "(delayed) was still pending at unload; cancelled it" :
			  "was still queued at unload; cancelled it", work->func);
		try_grab_pending(work);
		n++;
	}
	return n;
}

/* Queues a barrier behind the first owned running work; false when none runs. wq_lock held. */
static bool barrier_owned_running(struct wq_barrier *barr, unsigned long start,
				  unsigned long end, const char *owner)
{
	struct workqueue_struct *wq;

	list_for_each_entry(wq, &workqueues, node) {
		if (wq->current_work && work_owned(wq->current_work, wq->current_func, start, end)) {
			warn_work(owner, "was running at unload; waiting for it", wq->current_func);
			insert_barrier(wq, barr, wq->worklist.next);
			return true;
		}
	}
	return false;
}

unsigned int work_release_range(unsigned long start, unsigned long end, const char *owner)
{
	struct workqueue_struct *wq;
	struct wq_barrier barr;
	unsigned int n = 0;
	unsigned long flags;
	bool waiting;

	spin_lock_irqsave(&wq_lock, flags);
	n += cancel_owned_on(&delayed_armed, start, end, owner);
	list_for_each_entry(wq, &workqueues, node)
		n += cancel_owned_on(&wq->worklist, start, end, owner);
	spin_unlock_irqrestore(&wq_lock, flags);
	do {
		spin_lock_irqsave(&wq_lock, flags);
		waiting = barrier_owned_running(&barr, start, end, owner);
		spin_unlock_irqrestore(&wq_lock, flags);
		if (waiting) {
			wait_for_completion(&barr.done);
			n++;
		}
	} while (waiting);
	return n;
}
