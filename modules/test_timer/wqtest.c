/*
 * test_timer's `wqtest` command: checks the workqueue semantics modules rely on, on a private
 * workqueue, and prints "wqtest: N checks passed, M failed" (each failure on its own line):
 * queueing a pending work is refused, a work re-queued while it runs runs again and flush_work
 * waits for that last instance, cancel_work_sync waits for a running instance, delayed works
 * can be cancelled, moved (mod_delayed_work) and flushed early, destroy_workqueue drains.
 */
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/module.h>
#include <keel/preempt.h>
#include <keel/shell.h>
#include <keel/workqueue.h>
#include "test_timer.h"

#define SLOW_WORK_MS 100
#define LONG_DELAY (10 * HZ)

static unsigned int passed, failed;

static void check(bool ok, const char *what, long got)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printk("wqtest: FAILED: %s (got %ld)\n", what, got);
}

static volatile unsigned int runs, started, finished;

static void quick_fn(struct work_struct *work)
{
	runs++;
}

/* Sleeps in the work so the caller can act while it runs. */
static void slow_fn(struct work_struct *work)
{
	started++;
	msleep(SLOW_WORK_MS);
	runs++;
	finished++;
}

static void wait_started(unsigned int n)
{
	for (int i = 0; i < 500 && started < n; i++)
		msleep(2);
}

static void check_pending_and_flush(struct workqueue_struct *wq, struct work_struct *w)
{
	runs = 0;
	INIT_WORK(w, quick_fn);
	/* With preemption off the woken worker cannot run yet (it would preempt us at once
	 * otherwise, as a woken task does), so the work is surely still pending. */
	preempt_disable();
	check(queue_work(wq, w), "queue_work of an idle work returns true", 0);
	check(!queue_work(wq, w), "queue_work of a pending work returns false", 0);
	preempt_enable();
	flush_work(w);
	check(runs == 1, "the work ran once, flush_work waited for it", runs);
	check(!flush_work(w), "flush_work of an idle work returns false", 0);
}

static void check_requeue_running(struct workqueue_struct *wq, struct work_struct *w)
{
	runs = started = finished = 0;
	INIT_WORK(w, slow_fn);
	queue_work(wq, w);
	wait_started(1);
	check(started == 1 && !work_pending(w), "a running work is not pending", started);
	check(queue_work(wq, w), "queue_work of a running work returns true", 0);
	flush_work(w);
	check(runs == 2, "a work re-queued while running runs again, flush_work waits for it",
	      runs);
}

static void check_cancel_running(struct workqueue_struct *wq, struct work_struct *w)
{
	runs = started = finished = 0;
	INIT_WORK(w, slow_fn);
	queue_work(wq, w);
	wait_started(1);
	check(!cancel_work_sync(w), "cancel_work_sync of a running work returns false", 0);
	check(finished == 1, "cancel_work_sync waited for the running instance", finished);
	queue_work(wq, w);
	check(cancel_work_sync(w), "cancel_work_sync of a queued work returns true", 0);
	msleep(SLOW_WORK_MS / 2);
	check(runs == 1, "a cancelled queued work does not run", runs);
}

static void check_delayed(struct workqueue_struct *wq, struct delayed_work *dw)
{
	runs = 0;
	INIT_DELAYED_WORK(dw, quick_fn);
	check(queue_delayed_work(wq, dw, LONG_DELAY), "queue_delayed_work returns true", 0);
	check(delayed_work_pending(dw), "a delayed work is pending during its delay", 0);
	check(!queue_delayed_work(wq, dw, 1), "queue_delayed_work of a pending one: false", 0);
	check(cancel_delayed_work(dw), "cancel_delayed_work of a pending one: true", 0);
	check(!delayed_work_pending(dw), "not pending after cancel_delayed_work", 0);
	check(mod_delayed_work(wq, dw, LONG_DELAY) == false, "mod_delayed_work of idle: false", 0);
	check(mod_delayed_work(wq, dw, 0), "mod_delayed_work of a pending one: true", 0);
	flush_work(&dw->work);
	check(runs == 1, "mod_delayed_work(.., 0) runs it at once", runs);
	queue_delayed_work(wq, dw, LONG_DELAY);
	flush_delayed_work(dw); /* its result only says whether it had to wait */
	check(runs == 2, "flush_delayed_work runs it at once", runs);
	queue_delayed_work(wq, dw, 1);
	/* Polled, not one fixed sleep: on a busy host our wake-up and the worker's may come in
	 * the same tick, and either may run first. */
	for (int i = 0; i < 100 && runs < 3; i++)
		msleep(5);
	check(runs == 3 && !delayed_work_pending(dw), "a 1-jiffy delayed work ran", runs);
	queue_delayed_work(wq, dw, LONG_DELAY);
	check(cancel_delayed_work_sync(dw), "cancel_delayed_work_sync of a pending one", 0);
}

static void check_destroy_drains(void)
{
	struct workqueue_struct *wq = alloc_workqueue("wqtest_%d", 0, 1, 2);
	static struct work_struct w[3];

	check(wq != NULL, "alloc_workqueue", 0);
	if (!wq)
		return;
	runs = 0;
	for (int i = 0; i < 3; i++) {
		INIT_WORK(&w[i], quick_fn);
		queue_work(wq, &w[i]);
	}
	destroy_workqueue(wq);
	check(runs == 3, "destroy_workqueue runs the queued works first", runs);
}

static int wqtest_cmd(int argc, char **argv)
{
	struct workqueue_struct *wq = create_singlethread_workqueue("wqtest");
	static struct work_struct work;
	static struct delayed_work dwork;

	passed = failed = 0;
	if (!wq)
		return -ENOMEM;
	check_pending_and_flush(wq, &work);
	check_requeue_running(wq, &work);
	check_cancel_running(wq, &work);
	check_delayed(wq, &dwork);
	flush_workqueue(wq);
	destroy_workqueue(wq);
	check_pending_and_flush(system_wq, &work);
	check_destroy_drains();
	printk("wqtest: %u checks passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

static const struct shell_command wqtest_command = {
	.name = "wqtest",
	.usage = "wqtest",
	.help = "test_timer: checks the workqueue API's semantics",
	.run = wqtest_cmd,
	.flags = SHELL_CMD_DEBUG,
};

int wqtest_register(void)
{
	return shell_register_command(&wqtest_command);
}

void wqtest_unregister(void)
{
	shell_unregister_command(&wqtest_command);
}
