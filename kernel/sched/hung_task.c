/*
 * The hung task detector (Linux's khungtaskd): a task asleep in TASK_UNINTERRUPTIBLE that has
 * not run for hung_task_timeout_secs is reported once, with where it sleeps. Lost wake-ups,
 * deadlocks between tasks and devices that never interrupt then show up as a message instead
 * of a silent hang. hung_task_timeout_secs=N on the command line changes the limit (0: off).
 */
#include <keel/cmdline.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "cpu/traps.h"
#include "sched/sched.h"

#define HUNG_TASK_DEFAULT_SECS 30
#define HUNG_REPORTS_MAX 8

/* The check interval is timeout_secs * 1000 / 4 ms in an unsigned int: keep that exact. */
#define HUNG_TASK_MAX_SECS 1000000U
static unsigned int timeout_secs = HUNG_TASK_DEFAULT_SECS;

struct hung_report {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long sleep_ip;
};

struct hung_scan {
	struct hung_report reports[HUNG_REPORTS_MAX];
	unsigned int n;
};

/* Interrupts off (for_each_task): only notes what to report. */
static void check_task(struct task_struct *t, void *ctx)
{
	struct hung_scan *scan = ctx;
	unsigned long switches = t->nvcsw + t->nivcsw;

	if (READ_ONCE(t->__state) != TASK_UNINTERRUPTIBLE || switches != t->last_switch_count) {
		t->last_switch_count = switches;
		t->hung_since = jiffies;
		t->hung_reported = false;
		return;
	}
	if (t->hung_reported || jiffies - t->hung_since < (unsigned long)timeout_secs * HZ)
		return;
	t->hung_reported = true;
	if (scan->n < HUNG_REPORTS_MAX) {
		struct hung_report *r = &scan->reports[scan->n++];

		r->pid = t->pid;
		strlcpy(r->comm, t->comm, sizeof(r->comm));
		r->sleep_ip = t->sleep_ip;
	}
}

static void report(const struct hung_report *r)
{
	char where[128];

	symbolize_address(r->sleep_ip, true, where, sizeof(where));
	pr_err("INFO: task %s:%d blocked for more than %u seconds.\n", r->comm, r->pid,
	       timeout_secs);
	pr_err("      it sleeps uninterruptibly in schedule() called from %s\n", where);
}

static int khungtaskd(void *unused)
{
	/* In 64 bits: timeout_secs * 1000 wraps an unsigned int past 4,294,967 seconds. */
	unsigned int interval_ms = (unsigned int)min_t(u64, (u64)timeout_secs * 1000 / 4, UINT_MAX);

	while (!kthread_should_stop()) {
		struct hung_scan scan = { .n = 0 };

		msleep_interruptible(interval_ms ? interval_ms : 1000);
		for_each_task(check_task, &scan);
		for (unsigned int i = 0; i < scan.n; i++)
			report(&scan.reports[i]);
	}
	return 0;
}

void hung_task_init(void)
{
	char buf[16];
	struct task_struct *t;

	if (cmdline_get("hung_task_timeout_secs", buf, sizeof(buf)) == 0 &&
	    (kstrtouint(buf, 10, &timeout_secs) < 0 || timeout_secs > HUNG_TASK_MAX_SECS)) {
		timeout_secs = HUNG_TASK_DEFAULT_SECS;
		pr_warn("hung_task: bad hung_task_timeout_secs=%s (0 to %u); using %u\n", buf,
			HUNG_TASK_MAX_SECS, timeout_secs);
	}
	if (!timeout_secs)
		return;
	t = kthread_run(khungtaskd, NULL, "khungtaskd");
	if (IS_ERR(t))
		pr_err("hung_task: cannot start khungtaskd: %ld\n", PTR_ERR(t));
}
