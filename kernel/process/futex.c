/*
 * futex(2) (Linux's kernel/futex/): a thread sleeps on a 32-bit word of its address space
 * while the word holds the value it expects, and another thread wakes it after changing the
 * word. musl's mutexes, condition variables and pthread_join are built on it. Waiters queue
 * on hashed lists keyed by (mm, address): Keel has no shared file mappings, so a private
 * and a shared futex of one address space are the same key (Linux keys shared private
 * mappings by mm and address too).
 */
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/list.h>
#include <keel/process.h>
#include <keel/spinlock.h>
#include <keel/timekeeping.h>
#include <keel/uaccess.h>
#include "process/thread.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU
#define FUTEX_HASH_BITS 6
#define NO_DEADLINE (-1LL)

/* One sleeping waiter, on its stack while it sleeps. */
struct futex_q {
	struct list_head list;   /* in futex_queues[hash], empty once woken */
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long uaddr;     /* changed by a requeue */
	u32 bitset;
	bool woken;
};

static struct list_head futex_queues[1 << FUTEX_HASH_BITS];
/* Guards every queue; taken with interrupts off (one CPU: short sections). */
static DEFINE_SPINLOCK(futex_lock);

static struct list_head *futex_hash(struct mm_struct *mm, unsigned long uaddr)
{
	unsigned long key = ((unsigned long)mm >> 4) ^ (uaddr >> 2);
	unsigned int i = (unsigned int)((key * 0x9E3779B97F4A7C15UL) >> (64 - FUTEX_HASH_BITS));

	if (!futex_queues[i].next)
		INIT_LIST_HEAD(&futex_queues[i]); /* first use: under futex_lock */
	return &futex_queues[i];
}

/* The futex word's address checks: 4-byte aligned, in user space. */
static int futex_check_addr(unsigned long uaddr)
{
	if (uaddr & 3)
		return -EINVAL;
	return uaddr < TASK_SIZE ? 0 : -EFAULT;
}

static void futex_unqueue(struct futex_q *q)
{
	unsigned long flags;

	spin_lock_irqsave(&futex_lock, flags);
	if (!q->woken)
		list_del_init(&q->list);
	spin_unlock_irqrestore(&futex_lock, flags);
}

/* Marks q woken and wakes its task. futex_lock held. */
static void futex_wake_q(struct futex_q *q)
{
	list_del_init(&q->list);
	q->woken = true;
	wake_up_state(q->task, TASK_INTERRUPTIBLE);
}

/* Wakes up to nr waiters on (mm, uaddr) whose bitset meets bitset. futex_lock held. */
static int futex_wake_locked(struct mm_struct *mm, unsigned long uaddr, int nr, u32 bitset)
{
	struct list_head *head = futex_hash(mm, uaddr);
	struct futex_q *q, *n;
	int woken = 0;

	list_for_each_entry_safe(q, n, head, list) {
		if (woken >= nr)
			break;
		if (q->mm == mm && q->uaddr == uaddr && (q->bitset & bitset)) {
			futex_wake_q(q);
			woken++;
		}
	}
	return woken;
}

int futex_wake_addr(struct mm_struct *mm, unsigned long uaddr, int nr)
{
	unsigned long flags;
	int woken;

	spin_lock_irqsave(&futex_lock, flags);
	woken = futex_wake_locked(mm, uaddr, nr, FUTEX_BITSET_MATCH_ANY);
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken;
}

static long futex_wake(unsigned long uaddr, int nr, u32 bitset)
{
	long err = futex_check_addr(uaddr);

	if (err)
		return err;
	if (!bitset)
		return -EINVAL;
	if (nr <= 0)
		return 0;
	return futex_wake_addr(current->mm, uaddr, nr);
}

/* Sleeps until woken, a signal, or the monotonic deadline (ns; NO_DEADLINE: none). */
static long futex_sleep(struct futex_q *q, s64 deadline, long intr)
{
	long ret = 0;
	s64 now;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(q->woken))
			break;
		ret = intr;
		if (signal_pending(current))
			break;
		ret = -ETIMEDOUT;
		now = (s64)ktime_get_ns();
		if (deadline != NO_DEADLINE && now >= deadline)
			break;
		ret = 0;
		if (deadline == NO_DEADLINE)
			schedule();
		else
			schedule_timeout((long)((deadline - now + 999999) / 1000000) + 1);
	}
	__set_current_state(TASK_RUNNING);
	return ret;
}

/*
 * FUTEX_WAIT(_BITSET): queued first, then the word is read (it may fault in and sleep), so
 * a waker that changes the word and wakes after our read finds us queued. A waiter woken
 * before it could sleep reports 0 rather than EAGAIN: the wake-up was spent on it.
 */
static long futex_wait(unsigned long uaddr, u32 val, u32 bitset, s64 deadline, long intr)
{
	struct futex_q q = { .task = current, .mm = current->mm, .uaddr = uaddr,
			     .bitset = bitset };
	unsigned long flags;
	long ret = futex_check_addr(uaddr);
	u32 uval;

	if (ret)
		return ret;
	if (!bitset)
		return -EINVAL;
	spin_lock_irqsave(&futex_lock, flags);
	list_add_tail(&q.list, futex_hash(q.mm, uaddr));
	spin_unlock_irqrestore(&futex_lock, flags);
	if (copy_from_user(&uval, (const void __user *)uaddr, sizeof(uval)))
		ret = -EFAULT;
	else if (uval != val)
		ret = -EAGAIN;
	else
		ret = futex_sleep(&q, deadline, intr);
	futex_unqueue(&q);
	return q.woken ? 0 : ret;
}

/* FUTEX_(CMP_)REQUEUE: wakes nr_wake waiters of uaddr, moves up to nr_requeue more to
 * uaddr2. Returns how many were woken or moved. */
static long futex_requeue(unsigned long uaddr, unsigned long uaddr2, int nr_wake,
			  int nr_requeue, const u32 *cmpval)
{
	struct mm_struct *mm = current->mm;
	struct futex_q *q, *n;
	unsigned long flags;
	long ret = futex_check_addr(uaddr), moved = 0;
	u32 uval;

	if (!ret)
		ret = futex_check_addr(uaddr2);
	if (ret)
		return ret;
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if (cmpval && copy_from_user(&uval, (const void __user *)uaddr, sizeof(uval)))
		return -EFAULT;
	if (cmpval && uval != *cmpval)
		return -EAGAIN;
	spin_lock_irqsave(&futex_lock, flags);
	ret = futex_wake_locked(mm, uaddr, nr_wake, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(q, n, futex_hash(mm, uaddr), list) {
		if (moved >= nr_requeue)
			break;
		if (q->mm != mm || q->uaddr != uaddr)
			continue;
		list_del(&q->list);
		q->uaddr = uaddr2;
		list_add_tail(&q->list, futex_hash(mm, uaddr2));
		moved++;
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return ret + moved;
}

/* The wait's deadline on the monotonic clock from the user's timespec: relative for
 * FUTEX_WAIT, absolute for FUTEX_WAIT_BITSET (CLOCK_REALTIME with the flag), as Linux's
 * futex_init_timeout. */
static long futex_deadline(unsigned long utime, int cmd, bool realtime, s64 *deadline)
{
	s64 ns, now = (s64)ktime_get_ns();
	long err;

	*deadline = NO_DEADLINE;
	if (!utime)
		return 0;
	err = get_timespec_ns(utime, &ns);
	if (err)
		return err;
	if (cmd == FUTEX_WAIT)
		*deadline = now + ns;
	else if (realtime)
		*deadline = now + (ns - (s64)ktime_get_real_ns());
	else
		*deadline = ns;
	return 0;
}

long sys_futex(unsigned long uaddr, unsigned long op, unsigned long val, unsigned long utime,
	       unsigned long uaddr2, unsigned long val3)
{
	int cmd = (int)op & FUTEX_CMD_MASK;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	u32 cmpval = (u32)val3;
	s64 deadline;
	long err;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS; /* Linux's answer for the clock flag on other operations */
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_deadline(utime, cmd, realtime, &deadline);
		if (err)
			return err;
		/* A relative wait cannot be restarted as it was asked; an absolute one can. */
		return futex_wait(uaddr, (u32)val,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : (u32)val3, deadline,
				  utime && cmd == FUTEX_WAIT ? -EINTR : -ERESTARTSYS);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, (int)val,
				  cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (u32)val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, &cmpval);
	default:
		return -ENOSYS; /* FUTEX_WAKE_OP, FUTEX_LOCK_PI and the PI family: not done */
	}
}
