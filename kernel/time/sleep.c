/*
 * Sleeping delays: msleep and friends put the task to sleep on a timer, so the CPU runs other
 * tasks (or halts in the idle task) meanwhile. usleep_range adds a TSC check so sub-tick sleeps
 * end as soon as the tick after min_us, not a whole extra tick later.
 */
#include <keel/delay.h>
#include <keel/export.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>

void msleep(unsigned int ms)
{
	/* +1: the current tick is already partly gone, and the sleep must last at least ms. */
	unsigned long timeout = msecs_to_jiffies(ms) + 1;

	might_sleep();
	while (timeout)
		timeout = (unsigned long)schedule_timeout_uninterruptible((long)timeout);
}
EXPORT_SYMBOL(msleep);

unsigned long msleep_interruptible(unsigned int ms)
{
	unsigned long timeout = msecs_to_jiffies(ms) + 1;

	might_sleep();
	while (timeout && !signal_pending(current))
		timeout = (unsigned long)schedule_timeout_interruptible((long)timeout);
	return jiffies_to_msecs(timeout);
}
EXPORT_SYMBOL(msleep_interruptible);

void usleep_range(unsigned long min_us, unsigned long max_us)
{
	u64 deadline = ktime_get_ns() + (u64)min_us * NSEC_PER_USEC;

	(void)max_us;
	might_sleep();
	while (ktime_get_ns() < deadline) {
		u64 left_us = (deadline - ktime_get_ns()) / NSEC_PER_USEC;

		schedule_timeout_uninterruptible((long)usecs_to_jiffies((unsigned int)left_us) ?: 1);
	}
}
EXPORT_SYMBOL(usleep_range);
