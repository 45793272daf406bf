/*
 * Test module: periodic work for modules. A timer_list re-armed at `hz` per second, a kthread
 * that counts (busy for `count_ms` ms with cond_resched(), then msleep) while the shell stays
 * responsive, a work queued from the timer callback (hard IRQ context) and a delayed work that
 * re-queues itself. The `timertest` command prints what they measured; tests/test_timers.py
 * compares the timer's rate with the guest's ktime. With leak=1 the exit function "forgets"
 * all of it, so rmmod shows the loader reclaiming each piece with a warning.
 */
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/ktime.h>
#include <keel/module.h>
#include <keel/shell.h>
#include <keel/timer.h>
#include <keel/workqueue.h>
#include "test_timer.h"

static unsigned int hz = 50;
module_param_range(hz, uint, 1, HZ, 0444);
MODULE_PARM_DESC(hz, "Timer rate in Hz (1-1000, default 50)");

static unsigned int count_ms;
module_param_range(count_ms, uint, 0, 10000, 0444); /* busy at most 10 s a loop */
MODULE_PARM_DESC(count_ms, "Milliseconds the thread counts busily per loop (default 0)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Exit leaves the timer, works and thread behind (default n)");

#define DWORK_PERIOD_MS 100
#define THREAD_SLEEP_MS 10

static struct timer_list tick_timer;
static unsigned long tick_start;   /* jiffies of the first deadline's base */
static unsigned long ticks;        /* timer callbacks run */
static u64 first_tick_ns, last_tick_ns;
static unsigned long irq_queued;   /* queue_work() calls from the callback that queued */
static unsigned long irq_work_runs;
static bool irq_work_atomic;       /* the IRQ-queued work ever ran in atomic context */
static unsigned long dwork_runs;
static unsigned long thread_loops;
static u64 thread_counted;
static struct task_struct *counter_task;

static void irq_work_fn(struct work_struct *work)
{
	if (in_interrupt() || irqs_disabled())
		irq_work_atomic = true;
	irq_work_runs++;
}
static DECLARE_WORK(irq_work, irq_work_fn);

static void dwork_fn(struct work_struct *work)
{
	dwork_runs++;
	schedule_delayed_work(to_delayed_work(work), msecs_to_jiffies(DWORK_PERIOD_MS));
}
static DECLARE_DELAYED_WORK(periodic_dwork, dwork_fn);

/* The n-th deadline, computed from the start so the average rate is exact for any hz. */
static unsigned long tick_deadline(unsigned long n)
{
	return tick_start + (unsigned long)((u64)n * HZ / hz);
}

static void tick_fn(struct timer_list *t)
{
	u64 now = ktime_get_ns();

	if (!ticks)
		first_tick_ns = now;
	last_tick_ns = now;
	ticks++;
	if (queue_work(system_wq, &irq_work))
		irq_queued++;
	mod_timer(t, tick_deadline(ticks + 1));
}

/* Counts busily for count_ms, yielding when the tick asks, then sleeps. */
static int counter_fn(void *data)
{
	while (!kthread_should_stop()) {
		u64 until = ktime_get_ns() + (u64)count_ms * NSEC_PER_MSEC;

		while (ktime_get_ns() < until && !kthread_should_stop()) {
			thread_counted++;
			cond_resched();
		}
		thread_loops++;
		msleep(THREAD_SLEEP_MS);
	}
	return 0;
}

static int timertest_cmd(int argc, char **argv)
{
	u64 elapsed = last_tick_ns - first_tick_ns;
	u64 rate_mhz = ticks > 1 && elapsed ? (u64)(ticks - 1) * 1000000000000ULL / elapsed : 0;

	/* Command output, not log material: three lines within 80 columns. */
	console_printf("timertest: hz=%u ticks=%lu elapsed_us=%llu rate_mhz=%llu\n", hz, ticks,
		       (unsigned long long)(elapsed / 1000), (unsigned long long)rate_mhz);
	console_printf("timertest: thread_loops=%lu counted=%llu irq_queued=%lu\n", thread_loops,
		       (unsigned long long)thread_counted, irq_queued);
	console_printf("timertest: irq_work_runs=%lu irq_work_atomic=%d dwork_runs=%lu\n",
		       irq_work_runs, irq_work_atomic, dwork_runs);
	return 0;
}

static const struct shell_command timertest_command = {
	.name = "timertest",
	.usage = "timertest",
	.help = "test_timer: timer ticks, measured rate, thread loops, work runs",
	.run = timertest_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_timer_init(void)
{
	int err;

	err = shell_register_command(&timertest_command);
	if (err)
		return err;
	err = wqtest_register();
	if (err)
		goto out_timertest;
	counter_task = kthread_run(counter_fn, NULL, "test_timer");
	if (IS_ERR(counter_task)) {
		err = PTR_ERR(counter_task);
		goto out_wqtest;
	}
	schedule_delayed_work(&periodic_dwork, msecs_to_jiffies(DWORK_PERIOD_MS));
	timer_setup(&tick_timer, tick_fn, 0);
	tick_start = jiffies;
	mod_timer(&tick_timer, tick_deadline(1));
	pr_info("test_timer: loaded (hz=%u, count_ms=%u%s)\n", hz, count_ms, leak ? ", leak" : "");
	return 0;

out_wqtest:
	wqtest_unregister();
out_timertest:
	shell_unregister_command(&timertest_command);
	return err;
}

/* The timer first (it queues irq_work), then the works, then the thread. */
static void __exit test_timer_exit(void)
{
	if (leak) {
		pr_info("test_timer: exit leaves its timer, works and thread behind\n");
		return;
	}
	del_timer_sync(&tick_timer);
	cancel_delayed_work_sync(&periodic_dwork);
	cancel_work_sync(&irq_work);
	kthread_stop(counter_task);
	wqtest_unregister();
	shell_unregister_command(&timertest_command);
	pr_info("test_timer: unloaded after %lu ticks\n", ticks);
}

module_init(test_timer_init);
module_exit(test_timer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: a periodic timer, a counting kthread and works; timertest, wqtest");
