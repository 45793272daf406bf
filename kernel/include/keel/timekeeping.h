/*
 * The wall clock (Linux's <linux/timekeeping.h>, reduced): CLOCK_REALTIME for clock_gettime,
 * gettimeofday and time (kernel/time/rtc.c). Monotonic time is <keel/ktime.h>'s.
 */
#ifndef KEEL_TIMEKEEPING_H
#define KEEL_TIMEKEEPING_H

#include <keel/types.h>

/* Nanoseconds since 1970-01-01 UTC: the CMOS RTC's seconds, read on the first call (which
 * spins up to ~2 ms for the RTC's update to end), plus the monotonic time since. Any context
 * with interrupts allowed to be off; never sleeps. */
u64 ktime_get_real_ns(void);
/* The CMOS RTC now, in seconds since the epoch (the RTC holds UTC). Never sleeps. */
s64 rtc_read_seconds(void);
/* A user struct timespec at utp as nanoseconds into *ns (clamped at 2^62). 0, -EFAULT (bad
 * pointer) or -EINVAL (negative, or tv_nsec >= 1e9). Task context; may fault the page in.
 * Linux: get_timespec64 + timespec64_to_ns. kernel/time/syscalls.c. */
long get_timespec_ns(unsigned long utp, s64 *ns);

#endif
