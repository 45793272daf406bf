/*
 * Workqueues (Linux's <linux/workqueue.h>): deferred work that runs later in a kernel thread
 * (a "worker"), so it may sleep, take mutexes and allocate with GFP_KERNEL. Interrupt handlers
 * and timer callbacks queue work to get out of atomic context:
 *
 *   static void my_work_fn(struct work_struct *work) { ... may sleep ... }
 *   static DECLARE_WORK(my_work, my_work_fn);
 *   irq handler:  schedule_work(&my_work);
 *   exit:         cancel_work_sync(&my_work);
 *
 * Each workqueue has one worker thread that runs its works one at a time, in queueing order
 * (Linux's "ordered" workqueues; max_active is accepted and treated as 1). A work is "pending"
 * from queueing until its function starts; queueing a pending work does nothing, queueing a
 * running one runs it once more afterwards. system_wq's worker is "kworker/0"; other workers
 * take their workqueue's name. See docs/sched.md.
 */
#ifndef KEEL_WORKQUEUE_H
#define KEEL_WORKQUEUE_H

#include <keel/compiler.h>
#include <keel/list.h>
#include <keel/timer.h>
#include <keel/types.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

/* work_struct.data bits (internal; use work_pending()). */
#define WORK_STRUCT_PENDING 0x1UL   /* queued, or its delayed_work's timer is armed */
#define WORK_STRUCT_DELAYED 0x2UL   /* pending on its timer (a struct delayed_work) */
#define WORK_STRUCT_CANCELING 0x4UL /* cancel_*_sync in progress: queueing is refused */

struct work_struct {
	unsigned long data;     /* WORK_STRUCT_* */
	struct list_head entry; /* on a worklist, or on the armed delayed works' list */
	work_func_t func;
	struct workqueue_struct *wq; /* where it was last queued */
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer; /* queues work on wq when it fires */
	struct workqueue_struct *wq;
};

void delayed_work_timer_fn(struct timer_list *t);

#define __WORK_INITIALIZER(n, f)                                                           \
	{ .data = 0, .entry = LIST_HEAD_INIT((n).entry), .func = (f), .wq = NULL }
#define __DELAYED_WORK_INITIALIZER(n, f)                                                   \
	{                                                                                  \
		.work = __WORK_INITIALIZER((n).work, (f)),                                 \
		.timer = { .entry = LIST_HEAD_INIT((n).timer.entry), .expires = 0,         \
			   .function = delayed_work_timer_fn, .flags = 0 },                \
		.wq = NULL                                                                 \
	}
/* A work (or delayed work) defined and initialised at compile time. */
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f)

/* Prepares a work to run func. Not on a pending or running work. Any context. */
#define INIT_WORK(_work, _func)                                                            \
	do {                                                                               \
		(_work)->data = 0;                                                         \
		INIT_LIST_HEAD(&(_work)->entry);                                           \
		(_work)->func = (_func);                                                   \
		(_work)->wq = NULL;                                                        \
	} while (0)
#define INIT_DELAYED_WORK(_dwork, _func)                                                   \
	do {                                                                               \
		INIT_WORK(&(_dwork)->work, (_func));                                       \
		timer_setup(&(_dwork)->timer, delayed_work_timer_fn, 0);                   \
		(_dwork)->wq = NULL;                                                       \
	} while (0)

/* True while the work is queued (or its delay is running). IRQ-safe. */
#define work_pending(work) ((READ_ONCE((work)->data) & WORK_STRUCT_PENDING) != 0)
#define delayed_work_pending(dw) work_pending(&(dw)->work)
/* The delayed_work holding a work, inside its function (Linux's to_delayed_work). */
#define to_delayed_work(w) container_of(w, struct delayed_work, work)

/* alloc_workqueue flags: accepted for Linux compatibility; every Keel workqueue is ordered. */
#define WQ_UNBOUND 0x0002
#define WQ_FREEZABLE 0x0004
#define WQ_MEM_RECLAIM 0x0008
#define WQ_HIGHPRI 0x0010
#define __WQ_ORDERED 0x00020000
#define WQ_NAME_LEN 24

/* The shared workqueue schedule_work() uses; created at boot. Its worker is "kworker/0". */
extern struct workqueue_struct *system_wq;

/*
 * Creates a workqueue and its worker thread, named by the printf-style fmt (cut to
 * WQ_NAME_LEN - 1 characters; the thread's name to TASK_COMM_LEN - 1). flags: WQ_* (ignored);
 * max_active: ignored (1). Returns the workqueue, or NULL when memory or the thread could not
 * be had. Task context; may sleep. Follows Linux's alloc_workqueue.
 */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active,
					 ...) __printf(1, 4);
#define alloc_ordered_workqueue(fmt, flags, ...)                                           \
	alloc_workqueue(fmt, (flags) | __WQ_ORDERED, 1, ##__VA_ARGS__)
#define create_workqueue(name) alloc_workqueue("%s", WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name)
/*
 * Runs every work still queued on wq (new works queued meanwhile are refused with a warning),
 * stops its worker and frees it. Delayed works still waiting on their timer must have been
 * cancelled first (reported otherwise, and cancelled). Task context; sleeps. NULL is ignored.
 * Follows Linux's destroy_workqueue.
 */
void destroy_workqueue(struct workqueue_struct *wq);

/*
 * Queues work on wq unless it is already pending. Returns true when queued, false when it was
 * already pending (or a cancel_*_sync of it is in progress). Any context, IRQ-safe; never
 * sleeps. Follows Linux's queue_work.
 */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
/* queue_work on system_wq. */
bool schedule_work(struct work_struct *work);
/*
 * Queues dwork on wq after delay jiffies (0: at once) unless it is already pending. Returns
 * true when queued, false when it was already pending. Any context, IRQ-safe.
 * Follows Linux's queue_delayed_work.
 */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);
/*
 * Like queue_delayed_work, but a pending dwork is moved to the new delay instead of left
 * alone. Returns true when it was pending before, false when not. Any context, IRQ-safe.
 * Follows Linux's mod_delayed_work.
 */
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);

/*
 * Waits until the last queued instance of work has finished running. Returns true when it
 * waited, false when the work was idle. Task context; sleeps. Follows Linux's flush_work.
 */
bool flush_work(struct work_struct *work);
/* Queues a dwork whose delay is running at once, then flush_work. Task context; sleeps. */
bool flush_delayed_work(struct delayed_work *dwork);
/* Waits until every work queued on wq before the call has run. Task context; sleeps. */
void flush_workqueue(struct workqueue_struct *wq);
#define flush_scheduled_work() flush_workqueue(system_wq)

/*
 * Cancels a pending work and waits for a running instance to finish; queueing it meanwhile
 * is refused. Returns true when it was pending. Afterwards the work is idle and may be freed.
 * Task context; sleeps. Follows Linux's cancel_work_sync.
 */
bool cancel_work_sync(struct work_struct *work);
/*
 * Cancels a pending delayed work (its timer, or its place in the queue) without waiting for a
 * running instance. Returns true when it was pending. Any context, IRQ-safe.
 * Follows Linux's cancel_delayed_work.
 */
bool cancel_delayed_work(struct delayed_work *dwork);
/* cancel_delayed_work, then waits for a running instance. Task context; sleeps. */
bool cancel_delayed_work_sync(struct delayed_work *dwork);

#endif
