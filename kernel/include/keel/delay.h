/*
 * Delays (Linux's <linux/delay.h>). udelay/ndelay/mdelay busy-wait and may be used anywhere,
 * IRQ context included; msleep/usleep_range/ssleep sleep: the CPU runs other tasks meanwhile,
 * so they may only be called where sleeping is allowed (might_sleep() checks).
 */
#ifndef KEEL_DELAY_H
#define KEEL_DELAY_H

#include <keel/types.h>

void udelay(unsigned long us); /* busy-waits us microseconds (TSC); any context */
void mdelay(unsigned long ms); /* busy-waits ms milliseconds; any context */
static inline void ndelay(unsigned long ns) { udelay((ns + 999) / 1000); }

/* Sleeps at least ms milliseconds (rounded up to timer ticks). Task context only. */
void msleep(unsigned int ms);
/* As msleep, but returns early with the milliseconds left when the task is woken by a
 * signal (never, until processes have signals). */
unsigned long msleep_interruptible(unsigned int ms);
/* Sleeps between min_us and max_us microseconds; a high-resolution sleep on the TSC, ending
 * at the first tick past min_us. Task context only. Follows Linux's usleep_range. */
void usleep_range(unsigned long min_us, unsigned long max_us);
static inline void ssleep(unsigned int seconds) { msleep(seconds * 1000); }

#endif
