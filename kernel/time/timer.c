/*
 * Timers (struct timer_list) and schedule_timeout(). Pending timers sit in one list sorted by
 * deadline, so the tick only looks at the head: insertion is O(n), expiry O(1) per timer,
 * plenty for the tens of timers a small kernel has, and easy to follow. Callbacks run from
 * the timer interrupt with interrupts off (Linux runs them in softirq context; the rules for
 * callers are the same: no sleeping).
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/timer.h>
#include "cpu/traps.h"
#include "time/time.h"

#ifdef KEEL_HOST_TEST
/* tests/unit/test_timer.c: user space may not touch the interrupt flag; nothing interrupts. */
#undef local_irq_save
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#endif

static LIST_HEAD(timer_pending_list);

#define SYM_LEN 128
static const char *timer_fn_name(const struct timer_list *timer, char *buf)
{
	symbolize_address((unsigned long)timer->function, false, buf, SYM_LEN);
	return buf;
}
static struct timer_list *running_timer; /* whose callback runs now, or NULL */

void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *), unsigned int flags)
{
	INIT_LIST_HEAD(&timer->entry);
	timer->function = func;
	timer->flags = flags & ~TIMER_PENDING;
	timer->expires = 0;
}
EXPORT_SYMBOL(timer_setup);

/* Interrupts off. Among equal deadlines the newest goes last (callbacks run in arming order). */
static void timer_enqueue(struct timer_list *timer)
{
	struct timer_list *pos;

	list_for_each_entry_reverse(pos, &timer_pending_list, entry) {
		if (!time_after(pos->expires, timer->expires)) {
			list_add(&timer->entry, &pos->entry);
			goto out_pending;
		}
	}
	list_add(&timer->entry, &timer_pending_list);
out_pending:
	timer->flags |= TIMER_PENDING;
}

static int timer_detach(struct timer_list *timer)
{
	if (!timer_pending(timer))
		return 0;
	list_del_init(&timer->entry);
	timer->flags &= ~TIMER_PENDING;
	return 1;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	unsigned long flags;
	int was_pending;

	local_irq_save(flags);
	was_pending = timer_detach(timer);
	timer->expires = expires;
	timer_enqueue(timer);
	local_irq_restore(flags);
	return was_pending;
}
EXPORT_SYMBOL(mod_timer);

void add_timer(struct timer_list *timer)
{
	char sym[SYM_LEN];

	if (timer_pending(timer)) {
		pr_err("BUG: add_timer of a pending timer (%s)\n", timer_fn_name(timer, sym));
		return;
	}
	mod_timer(timer, timer->expires);
}
EXPORT_SYMBOL(add_timer);

int del_timer(struct timer_list *timer)
{
	unsigned long flags;
	int was_pending;

	local_irq_save(flags);
	was_pending = timer_detach(timer);
	local_irq_restore(flags);
	return was_pending;
}
EXPORT_SYMBOL(del_timer);

/* Callbacks run with interrupts off from the tick, so outside the callback itself none can be
 * running: detaching is enough. From inside its own callback it would wait forever. */
int del_timer_sync(struct timer_list *timer)
{
	if (READ_ONCE(running_timer) == timer && in_interrupt()) {
		pr_err("BUG: del_timer_sync() called from the timer's own callback\n");
		dump_stack();
	}
	return del_timer(timer);
}
EXPORT_SYMBOL(del_timer_sync);

/* The tick: runs every timer whose deadline has come, in deadline order. Interrupts off. */
void run_local_timers(void)
{
	struct timer_list *timer;

	while ((timer = list_first_entry_or_null(&timer_pending_list, struct timer_list, entry))) {
		if (time_after(timer->expires, jiffies))
			break;
		timer_detach(timer);
		running_timer = timer;
		timer->function(timer);
		running_timer = NULL;
	}
}

static bool addr_in(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

unsigned int timer_release_range(unsigned long start, unsigned long end, const char *owner)
{
	struct timer_list *timer, *next;
	unsigned int released = 0;
	char sym[SYM_LEN];
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry_safe(timer, next, &timer_pending_list, entry) {
		if (addr_in((void *)timer->function, start, end) || addr_in(timer, start, end)) {
			timer_detach(timer);
			pr_warn("%s: timer %s was still pending at unload; deleted it\n", owner,
				timer_fn_name(timer, sym));
			released++;
		}
	}
	local_irq_restore(flags);
	return released;
}

unsigned int timer_pending_count(void)
{
	unsigned long flags;
	unsigned int n;

	local_irq_save(flags);
	n = (unsigned int)list_count_nodes(&timer_pending_list);
	local_irq_restore(flags);
	return n;
}

/* schedule_timeout: a timer on the stack wakes the sleeping task. */
struct process_timer {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *t)
{
	struct process_timer *timeout = from_timer(timeout, t, timer);

	wake_up_process(timeout->task);
}

long schedule_timeout(long timeout)
{
	struct process_timer timer;
	unsigned long expire;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return MAX_SCHEDULE_TIMEOUT;
	}
	if (timeout < 0) {
		pr_err("schedule_timeout: wrong timeout value %lx\n", (unsigned long)timeout);
		dump_stack();
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	expire = jiffies + (unsigned long)timeout;
	timer.task = current;
	timer_setup_on_stack(&timer.timer, process_timeout, 0);
	mod_timer(&timer.timer, expire);
	schedule();
	del_timer_sync(&timer.timer);
	timeout = (long)(expire - jiffies);
	return timeout < 0 ? 0 : timeout;
}
EXPORT_SYMBOL(schedule_timeout);

long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}
EXPORT_SYMBOL(schedule_timeout_interruptible);

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}
EXPORT_SYMBOL(schedule_timeout_uninterruptible);
