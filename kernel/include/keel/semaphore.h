/*
 * Counting semaphores (Linux's <linux/semaphore.h>): down() takes one of count units, sleeping
 * while none is left; up() returns one and may be called from any context, IRQs included.
 * Prefer a mutex for mutual exclusion; a semaphore has no owner.
 */
#ifndef KEEL_SEMAPHORE_H
#define KEEL_SEMAPHORE_H

#include <keel/list.h>
#include <keel/spinlock.h>

struct semaphore {
	spinlock_t lock;
	unsigned int count;
	struct list_head wait_list;
};

#define __SEMAPHORE_INITIALIZER(n, c)                                                      \
	{ .lock = __SPIN_LOCK_UNLOCKED(n.lock), .count = c, .wait_list = LIST_HEAD_INIT(n.wait_list) }
#define DEFINE_SEMAPHORE(n, c) struct semaphore n = __SEMAPHORE_INITIALIZER(n, c)

void sema_init(struct semaphore *sem, int val);
void down(struct semaphore *sem);                  /* task context; sleeps */
int down_interruptible(struct semaphore *sem);     /* 0 or -EINTR */
int down_trylock(struct semaphore *sem);           /* 0 when taken, 1 when not (Linux's sense) */
int down_timeout(struct semaphore *sem, long jiffies); /* 0 or -ETIME */
void up(struct semaphore *sem);                    /* any context */

#endif
