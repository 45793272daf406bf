/*
 * Wait queues (Linux's <linux/wait.h>): a task sleeps on a queue until a condition it tests
 * becomes true; whoever makes it true calls wake_up() on the queue. The wait_event* macros
 * hold the whole pattern (queue, set state, test, schedule, re-test), so a wake-up can never
 * be lost between the test and the sleep.
 */
#ifndef KEEL_WAIT_H
#define KEEL_WAIT_H

#include <keel/list.h>
#include <keel/sched.h>
#include <keel/spinlock.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned int mode,
				 int flags, void *key);

#define WQ_FLAG_EXCLUSIVE 0x01 /* wake_up() wakes only one exclusive waiter */
#define WQ_FLAG_WOKEN 0x02

struct wait_queue_entry {
	unsigned int flags;
	void *private; /* the waiting task */
	wait_queue_func_t func;
	struct list_head entry;
};

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};
typedef struct wait_queue_head wait_queue_head_t;
typedef struct wait_queue_entry wait_queue_entry_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)                                                \
	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock), .head = LIST_HEAD_INIT(name.head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)
void init_waitqueue_head(wait_queue_head_t *wq_head);

/* The default wake function: wakes the entry's task. */
int default_wake_function(struct wait_queue_entry *wq_entry, unsigned int mode, int flags,
			  void *key);
#define DEFINE_WAIT(name)                                                                  \
	struct wait_queue_entry name = { .private = current,                               \
					 .func = default_wake_function,                    \
					 .entry = LIST_HEAD_INIT(name.entry) }
void init_wait_entry(struct wait_queue_entry *wq_entry, int flags);

void add_wait_queue(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry);
void add_wait_queue_exclusive(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry);
void remove_wait_queue(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry);
/* Queues the entry (once) and sets the task state; the caller then tests and schedules. */
void prepare_to_wait(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry, int state);
void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry,
			       int state);
/* As prepare_to_wait; returns -ERESTARTSYS instead when an interruptible wait has a signal. */
long prepare_to_wait_event(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry,
			   int state);
/* Back to TASK_RUNNING and off the queue. */
void finish_wait(wait_queue_head_t *wq_head, struct wait_queue_entry *wq_entry);

/*
 * Wakes waiters in state mode: every non-exclusive one and up to nr exclusive ones (0: all).
 * IRQ-safe; never sleeps. Follows Linux's __wake_up.
 */
void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr, void *key);
/* Same, for a caller already holding wq_head->lock. */
void __wake_up_locked(wait_queue_head_t *wq_head, unsigned int mode, int nr);
#define wake_up(x) __wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr) __wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x) __wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x) __wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x) __wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)

static inline bool waitqueue_active(wait_queue_head_t *wq_head)
{
	return !list_empty(&wq_head->head);
}

/*
 * The loop behind every wait_event form: returns the value of `ret` after the condition
 * became true, or the error of an interrupted wait. `cmd` sleeps (schedule or schedule_timeout)
 * and may update __ret.
 */
#define ___wait_event(wq_head, condition, state, exclusive, ret, cmd)                      \
	({                                                                                 \
		struct wait_queue_entry __wq_entry;                                        \
		long __ret = ret;                                                          \
		init_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0);           \
		for (;;) {                                                                 \
			long __int = prepare_to_wait_event(&(wq_head), &__wq_entry, state); \
			if (condition)                                                     \
				break;                                                     \
			if ((state) == TASK_INTERRUPTIBLE && __int) {                      \
				__ret = __int;                                             \
				break;                                                     \
			}                                                                  \
			cmd;                                                               \
		}                                                                          \
		finish_wait(&(wq_head), &__wq_entry);                                      \
		__ret;                                                                     \
	})

/* Sleeps (uninterruptibly) until condition is true. Task context only. */
#define wait_event(wq_head, condition)                                                     \
	do {                                                                               \
		might_sleep();                                                             \
		if (condition)                                                             \
			break;                                                             \
		(void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, 0,       \
				    schedule());                                           \
	} while (0)

#define ___wait_cond_timeout(condition)                                                    \
	({                                                                                 \
		bool __cond = (condition);                                                 \
		if (__cond && !__ret)                                                      \
			__ret = 1;                                                         \
		__cond || !__ret;                                                          \
	})

/*
 * Sleeps until condition is true or timeout jiffies passed. Returns 0 when the timeout
 * elapsed with the condition false, else the jiffies left (at least 1). Task context only.
 */
#define wait_event_timeout(wq_head, condition, timeout)                                    \
	({                                                                                 \
		long __ret = timeout;                                                      \
		might_sleep();                                                             \
		if (!___wait_cond_timeout(condition))                                      \
			__ret = ___wait_event(wq_head, ___wait_cond_timeout(condition),    \
					      TASK_UNINTERRUPTIBLE, 0, timeout,            \
					      __ret = schedule_timeout(__ret));            \
		__ret;                                                                     \
	})

/* Sleeps until condition is true or a signal arrives: 0, or -ERESTARTSYS. */
#define wait_event_interruptible(wq_head, condition)                                       \
	({                                                                                 \
		int __ret = 0;                                                             \
		might_sleep();                                                             \
		if (!(condition))                                                          \
			__ret = (int)___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, \
						   0, 0, schedule());                      \
		__ret;                                                                     \
	})

/* Both: the jiffies left (>= 1), 0 on timeout, or -ERESTARTSYS. */
#define wait_event_interruptible_timeout(wq_head, condition, timeout)                      \
	({                                                                                 \
		long __ret = timeout;                                                      \
		might_sleep();                                                             \
		if (!___wait_cond_timeout(condition))                                      \
			__ret = ___wait_event(wq_head, ___wait_cond_timeout(condition),    \
					      TASK_INTERRUPTIBLE, 0, timeout,              \
					      __ret = schedule_timeout(__ret));            \
		__ret;                                                                     \
	})

#endif
