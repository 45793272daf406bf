/* Time since boot and delays (interface; implemented in kernel/irq/). */
#ifndef KEEL_TIME_H
#define KEEL_TIME_H

#include <keel/types.h>

#define HZ 100
extern volatile u64 jiffies; /* timer ticks since the timer started */

u64 ktime_get_ns(void); /* nanoseconds since boot (TSC-based once calibrated) */
void udelay(unsigned long us); /* busy-waits */
void mdelay(unsigned long ms); /* busy-waits */
void msleep(unsigned int ms);  /* halts between timer interrupts */

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#endif
