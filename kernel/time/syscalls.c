/*
 * The time system calls: clock_gettime, clock_getres, gettimeofday, time, nanosleep and
 * clock_nanosleep. CLOCK_MONOTONIC and CLOCK_BOOTTIME are ktime_get_ns() (Keel never
 * suspends, so they are equal), CLOCK_REALTIME the RTC-based wall clock (<keel/timekeeping.h>),
 * the CPU-time clocks the task's sum_exec_runtime plus its current slice.
 */
#include <keel/errno.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include <keel/timekeeping.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct timespec_user {
	s64 tv_sec, tv_nsec;
};

struct timeval_user {
	s64 tv_sec, tv_usec;
};

/* The clock's time in nanoseconds; -EINVAL for clocks Keel lacks (alarms, TAI, per-pid). */
static s64 clock_now(ul clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return (s64)ktime_get_real_ns();
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (s64)ktime_get_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return (s64)(current->sum_exec_runtime + (ktime_get_ns() - current->exec_start));
	default:
		return -EINVAL;
	}
}

static long put_timespec(s64 ns, ul utp)
{
	struct timespec_user ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	return copy_to_user((void __user *)utp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_gettime(ul clk, ul tp)
{
	s64 ns = clock_now(clk);

	return ns < 0 ? ns : put_timespec(ns, tp);
}

long sys_clock_getres(ul clk, ul res)
{
	s64 ns = clock_now(clk);

	if (ns < 0)
		return ns;
	if (!res)
		return 0;
	/* The coarse clocks move by ticks; the others are read from the TSC (1 ns, as Linux). */
	ns = (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE) ? NSEC_PER_SEC / HZ
									     : 1;
	return put_timespec(ns, res);
}

long sys_gettimeofday(ul tv, ul tz)
{
	s64 ns = (s64)ktime_get_real_ns();
	struct timeval_user t = { ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000 };
	int zone[2] = { 0, 0 }; /* struct timezone: UTC, no DST */

	if (tv && copy_to_user((void __user *)tv, &t, sizeof(t)))
		return -EFAULT;
	if (tz && copy_to_user((void __user *)tz, zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

long sys_time(ul tloc)
{
	s64 sec = (s64)(ktime_get_real_ns() / NSEC_PER_SEC);

	if (tloc && copy_to_user((void __user *)tloc, &sec, sizeof(sec)))
		return -EFAULT;
	return sec;
}

/* Sleeps until the monotonic deadline; -EINTR with *left set when a signal came first. */
static long sleep_until(s64 deadline, s64 *left)
{
	s64 now;

	while ((now = (s64)ktime_get_ns()) < deadline) {
		s64 ms = (deadline - now + 999999) / 1000000; /* round up: never wake early */

		msleep_interruptible((unsigned int)(ms < 1000000 ? ms : 1000000));
		if (signal_pending(current)) {
			now = (s64)ktime_get_ns();
			*left = deadline > now ? deadline - now : 0;
			return -EINTR;
		}
	}
	*left = 0;
	return 0;
}

static long get_timespec_ns(ul utp, s64 *ns)
{
	struct timespec_user ts;

	if (copy_from_user(&ts, (const void __user *)utp, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.tv_sec > (s64)(1ULL << 62) / NSEC_PER_SEC ? (s64)(1ULL << 62)
							 : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

static long nanosleep_restart(struct restart_block *rb);

/* A signal ended the sleep: the time left goes to rem, and unless a handler runs the sleep
 * goes on to the same deadline (Linux's -ERESTART_RESTARTBLOCK). */
static long nanosleep_interrupted(s64 deadline, ul rem, s64 left)
{
	struct restart_block *rb = &current->restart_block;

	if (rem && put_timespec(left, rem))
		return -EFAULT;
	*rb = (struct restart_block){ .fn = nanosleep_restart, .deadline = deadline, .rem = rem };
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
	s64 left;
	long ret = sleep_until(rb->deadline, &left);

	return ret == -EINTR ? nanosleep_interrupted(rb->deadline, rb->rem, left) : ret;
}

long sys_clock_nanosleep(ul clk, ul flags, ul req, ul rem)
{
	s64 ns, now = clock_now(clk), left, deadline;
	long ret;

	if (now < 0 || clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID)
		return now < 0 ? now : -EINVAL;
	ret = get_timespec_ns(req, &ns);
	if (ret)
		return ret;
	if (flags & TIMER_ABSTIME)
		ns = ns > now ? ns - now : 0;
	deadline = (s64)ktime_get_ns() + ns;
	ret = sleep_until(deadline, &left);
	if (ret == -EINTR && (flags & TIMER_ABSTIME))
		return -ERESTARTNOHAND; /* the same absolute time again, unless a handler ran */
	return ret == -EINTR ? nanosleep_interrupted(deadline, rem, left) : ret;
}

long sys_nanosleep(ul req, ul rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}
