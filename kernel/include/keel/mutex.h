/*
 * Sleeping mutual exclusion (Linux's <linux/mutex.h>): one owner at a time, others sleep in
 * FIFO order. Only the owner may unlock; locking a mutex one already holds is refused with a
 * report and a backtrace ("recursive locking") instead of deadlocking. Task context only.
 */
#ifndef KEEL_MUTEX_H
#define KEEL_MUTEX_H

#include <keel/list.h>
#include <keel/spinlock.h>

struct task_struct;

struct mutex {
	struct task_struct *owner; /* NULL when unlocked */
	spinlock_t wait_lock;
	struct list_head wait_list; /* struct mutex_waiter, FIFO */
	const char *name;
	unsigned long owner_ip;
};

#define __MUTEX_INITIALIZER(n)                                                             \
	{ .owner = NULL, .wait_lock = __SPIN_LOCK_UNLOCKED(n.wait_lock),                   \
	  .wait_list = LIST_HEAD_INIT(n.wait_list), .name = #n }
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)
#define mutex_init(m) __mutex_init((m), #m)
void __mutex_init(struct mutex *lock, const char *name);

/* Sleeps until the mutex is free, then owns it. Follows Linux's mutex_lock. Misuse that would
 * hang forever is reported with a backtrace and refused, returning without the lock:
 * recursive locking (the caller holds it already) and circular waits (ABBA deadlocks). */
void mutex_lock(struct mutex *lock);
/* As mutex_lock: 0, -EDEADLK (recursive or circular: reported), or -EINTR (signal). */
int mutex_lock_interruptible(struct mutex *lock);
/* 1 and owned, or 0 when someone holds it. Never sleeps (still task context). */
int mutex_trylock(struct mutex *lock);
/* Releases it and hands it to the first waiter. Unlocking a mutex one does not own is
 * reported and ignored. */
void mutex_unlock(struct mutex *lock);
static inline bool mutex_is_locked(struct mutex *lock) { return READ_ONCE(lock->owner) != NULL; }

#endif
