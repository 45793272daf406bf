/*
 * Interval timers (Linux's kernel/time/itimer.c): alarm(2), getitimer(2) and setitimer(2).
 * A process has one ITIMER_REAL, shared by its threads and kept with its group leader (Linux
 * keeps it in signal_struct). When its value runs out the process gets SIGALRM
 * (process-directed, from the timer interrupt); a periodic timer is armed again only once
 * that SIGALRM is taken, as Linux's dequeue_signal does, so a blocked or ignored SIGALRM
 * never piles up expiries. The deadline is kept in ktime nanoseconds and a jiffies timer
 * waits for it, so getitimer reads back microseconds. fork clears the child's timer (a new
 * task has none), execve keeps it, the process's end cancels it.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF give EINVAL: Keel's scheduler counts a task's CPU time only
 * as one sum at context switches (sum_exec_runtime), without Linux's split into user and
 * system time, which they count down.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/math.h>
#include <keel/minmax.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/timer.h>
#include <keel/uaccess.h>
#include "process/itimer.h"
#include "process/process_tree.h"
#include "process/signal_types.h"
#include "process/syscalls.h"

#define ITIMER_REAL 0
#define TICK_NSEC (NSEC_PER_SEC / HZ)
#define KTIME_MAX ((u64)LLONG_MAX) /* Linux's: ktime_t is signed */
#define KTIME_SEC_MAX (LLONG_MAX / NSEC_PER_SEC)

/* Linux's __kernel_old_timeval and __kernel_old_itimerval, as x86_64 passes them. */
struct timeval_user {
	s64 tv_sec, tv_usec;
};

struct itimerval_user {
	struct timeval_user it_interval, it_value;
};

/* An itimerval in nanoseconds; value 0: disarmed. */
struct itimer_ns {
	u64 interval, value;
};

/* A process's ITIMER_REAL (Linux's signal_struct real_timer and it_real_incr). Changed with
 * interrupts off: the timer's callback runs in the timer interrupt. */
struct itimer_struct {
	struct timer_list timer;
	struct task_struct *process; /* its group leader, where SIGALRM goes */
	u64 expires;                 /* ktime_get_ns() deadline while active */
	u64 incr;                    /* the interval in ns; 0: one shot */
	bool active;                 /* counting down; false once expired or cancelled */
};

/* Waits for it->expires from now (ns). Interrupts off. */
static void it_real_start(struct itimer_struct *it, u64 now)
{
	u64 ticks = DIV_ROUND_UP(it->expires - now, (u64)TICK_NSEC);

	it->active = true;
	mod_timer(&it->timer, jiffies + min_t(u64, ticks, MAX_JIFFY_OFFSET));
}

/* The timer interrupt: SIGALRM once the deadline has passed. Linux's it_real_fn. */
static void it_real_fn(struct timer_list *timer)
{
	struct itimer_struct *it = from_timer(it, timer, timer);
	u64 now = ktime_get_ns();

	if (now < it->expires) { /* a jiffy is coarser than the deadline, or it was capped */
		it_real_start(it, now);
		return;
	}
	it->active = false;
	send_sig_info(SIGALRM, it->process, SI_KERNEL, 0, 0);
}

/* The current process's timer, made when create is set; NULL without one or memory. */
static struct itimer_struct *current_itimers(bool create)
{
	struct task_struct *leader = current->group_leader;
	struct itimer_struct *it = leader->itimers, *made;
	unsigned long flags;

	if (it || !create)
		return it;
	made = kzalloc(sizeof(*made), GFP_KERNEL);
	if (!made)
		return NULL;
	timer_setup(&made->timer, it_real_fn, 0);
	local_irq_save(flags);
	if (!leader->itimers) { /* another thread may have made one while this one slept */
		made->process = leader;
		leader->itimers = made;
		made = NULL;
	}
	it = leader->itimers;
	local_irq_restore(flags);
	kfree(made);
	return it;
}

/* Time left: 0 when not counting down, at least 1 us once due (Linux's itimer_get_remtime). */
static u64 it_real_remaining(const struct itimer_struct *it, u64 now)
{
	if (!it || !it->active)
		return 0;
	return it->expires > now ? it->expires - now : NSEC_PER_USEC;
}

static void do_getitimer_real(struct itimer_ns *old, u64 now)
{
	const struct itimer_struct *it = current->group_leader->itimers;

	old->value = it_real_remaining(it, now);
	old->interval = it ? it->incr : 0;
}

/* Linux's do_setitimer for ITIMER_REAL: old (may be NULL) gets the previous setting. */
static int do_setitimer_real(const struct itimer_ns *new, struct itimer_ns *old)
{
	struct itimer_struct *it = current_itimers(new->value != 0);
	unsigned long flags;
	u64 now;

	if (!it && new->value)
		return -ENOMEM;
	local_irq_save(flags);
	now = ktime_get_ns();
	if (old)
		do_getitimer_real(old, now);
	if (it) {
		del_timer(&it->timer);
		it->active = false;
		it->incr = new->value ? new->interval : 0;
		if (new->value) {
			it->expires = new->value < KTIME_MAX - now ? now + new->value : KTIME_MAX;
			it_real_start(it, now);
		}
	}
	local_irq_restore(flags);
	return 0;
}

void itimer_signal_dequeued(int sig)
{
	struct itimer_struct *it = current->group_leader->itimers;
	unsigned long flags;
	u64 now, behind;

	if (sig != SIGALRM || !it)
		return;
	local_irq_save(flags);
	now = ktime_get_ns();
	if (!it->active && it->incr && it->expires <= now) {
		/* Linux's hrtimer_forward: the first deadline on the interval's grid after now */
		behind = (now - it->expires) / it->incr + 1;
		if (behind > (KTIME_MAX - it->expires) / it->incr)
			it->expires = KTIME_MAX;
		else
			it->expires += behind * it->incr;
		it_real_start(it, now);
	}
	local_irq_restore(flags);
}

void itimer_move(struct task_struct *from, struct task_struct *to)
{
	to->itimers = from->itimers;
	from->itimers = NULL;
	if (to->itimers)
		to->itimers->process = to;
}

void exit_itimers(struct task_struct *leader)
{
	struct itimer_struct *it = leader->itimers;
	unsigned long flags;

	if (!it)
		return;
	local_irq_save(flags);
	leader->itimers = NULL;
	local_irq_restore(flags);
	del_timer_sync(&it->timer);
	kfree(it);
}

/* A user timeval as nanoseconds: EINVAL outside 0..999999 us or below 0 s (Linux's
 * timespec64_valid), saturating as Linux's ktime_set does. */
static int timeval_to_ns(const struct timeval_user *tv, u64 *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= USEC_PER_SEC)
		return -EINVAL;
	if (tv->tv_sec >= KTIME_SEC_MAX)
		*ns = KTIME_MAX;
	else
		*ns = (u64)tv->tv_sec * NSEC_PER_SEC + (u64)tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

static struct timeval_user ns_to_timeval(u64 ns)
{
	return (struct timeval_user){ .tv_sec = (s64)(ns / NSEC_PER_SEC),
				      .tv_usec = (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

static long put_itimerval(unsigned long uval, const struct itimer_ns *v)
{
	struct itimerval_user u = { .it_interval = ns_to_timeval(v->interval),
				    .it_value = ns_to_timeval(v->value) };

	return copy_to_user((void __user *)uval, &u, sizeof(u)) ? -EFAULT : 0;
}

long sys_getitimer(unsigned long which, unsigned long uval)
{
	struct itimer_ns cur;

	if ((int)which != ITIMER_REAL)
		return -EINVAL; /* ITIMER_VIRTUAL, ITIMER_PROF: see the top of the file */
	do_getitimer_real(&cur, ktime_get_ns());
	return put_itimerval(uval, &cur);
}

/* A NULL new value disarms the timer, as Linux still allows. */
long sys_setitimer(unsigned long which, unsigned long uval, unsigned long uoval)
{
	struct itimerval_user u = { 0 };
	struct itimer_ns new, old;
	long err;

	if (uval && copy_from_user(&u, (const void __user *)uval, sizeof(u)))
		return -EFAULT;
	if ((err = timeval_to_ns(&u.it_value, &new.value)) ||
	    (err = timeval_to_ns(&u.it_interval, &new.interval)))
		return err;
	if ((int)which != ITIMER_REAL)
		return -EINVAL;
	err = do_setitimer_real(&new, uoval ? &old : NULL);
	if (err || !uoval)
		return err;
	return put_itimerval(uoval, &old);
}

/* Linux's alarm_setitimer: the old value in whole seconds, rounded to the nearest, and at
 * least 1 while an alarm is pending. */
long sys_alarm(unsigned long seconds)
{
	struct itimer_ns new = { .value = (u64)(unsigned int)seconds * NSEC_PER_SEC }, old;
	struct timeval_user left;

	if (do_setitimer_real(&new, &old))
		return 0; /* no memory for a new alarm: alarm(2) has no error to report */
	left = ns_to_timeval(old.value);
	if ((!left.tv_sec && left.tv_usec) || left.tv_usec >= USEC_PER_SEC / 2)
		left.tv_sec++;
	return left.tv_sec;
}
