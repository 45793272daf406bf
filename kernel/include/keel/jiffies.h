/*
 * jiffies, the timer tick count, and conversions (Linux's <linux/jiffies.h>). The tick runs at
 * HZ; comparisons go through time_after()/time_before() so they read like Linux code.
 */
#ifndef KEEL_JIFFIES_H
#define KEEL_JIFFIES_H

#include <keel/types.h>

#define HZ 1000
#define MAX_JIFFY_OFFSET ((long)(LONG_MAX >> 1) - 1)

/* Ticks since the timer started; 64 bits, so it never wraps in practice. IRQ-safe to read. */
extern volatile unsigned long jiffies;

/* True when a is later than b (both jiffies values), wrap-safe like Linux's. */
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)

/* Conversions round up, so a wait of m ms lasts at least m ms (Linux's msecs_to_jiffies). */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return ((unsigned long)u * HZ + 999999) / 1000000;
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * 1000 / HZ);
}

static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)(j * (1000000 / HZ));
}

#endif
