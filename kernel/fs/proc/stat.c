/*
 * /proc/stat and /proc/loadavg (Linux's fs/proc/stat.c and loadavg.c), which busybox's top
 * reads for its CPU and load lines. Times are in USER_HZ ticks. Keel keeps no load average
 * (the three figures are 0.00) and no per-mode CPU accounting: all the time not spent idle
 * is "system" (a sum over live processes would shrink when one exits, and top takes the
 * differences of these counters, so each must only grow).
 */
#include <keel/ktime.h>
#include <keel/minmax.h>
#include <keel/timekeeping.h>
#include "fs/proc/internal.h"
#include "irq/irq.h"
#include "sched/sched.h"

#define TICK_NS ((u64)10000000) /* ns per USER_HZ tick */

struct task_totals {
	unsigned long switches;
	unsigned int tasks;
	pid_t last_pid;
};

static void add_task(struct task_struct *t, void *ctx)
{
	struct task_totals *tot = ctx;

	tot->switches += t->nvcsw + t->nivcsw;
	tot->tasks++;
	tot->last_pid = max(tot->last_pid, t->pid);
}

static int stat_proc_show(struct seq_file *m, void *v)
{
	struct task_totals tot = { 0 };
	u64 up_ns = ktime_get_ns(), idle_ns = min(sched_idle_time_ns(), up_ns);
	u64 idle = idle_ns / TICK_NS, sys = (up_ns - idle_ns) / TICK_NS;
	u64 irqs = 0;
	struct irq_info info;

	for_each_task(add_task, &tot);
	for (int cpu = -1; cpu < 1; cpu++) {
		seq_printf(m, cpu < 0 ? "cpu " : "cpu%d", cpu);
		seq_printf(m, " 0 0 %llu %llu 0 0 0 0 0 0\n", (unsigned long long)sys,
			   (unsigned long long)idle);
	}
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		if (irq_snapshot(irq, &info))
			irqs += info.count;
	seq_printf(m, "intr %llu\nctxt %lu\nbtime %llu\n", (unsigned long long)irqs,
		   tot.switches,
		   (unsigned long long)((ktime_get_real_ns() - ktime_get_ns()) / 1000000000ULL));
	seq_printf(m, "processes %d\nprocs_running %u\nprocs_blocked 0\n", tot.last_pid,
		   nr_running());
	return 0;
}

/* "0.00 0.00 0.00 running/tasks last_pid" */
static int loadavg_proc_show(struct seq_file *m, void *v)
{
	struct task_totals tot = { 0 };

	for_each_task(add_task, &tot);
	seq_printf(m, "0.00 0.00 0.00 %u/%u %d\n", nr_running(), tot.tasks, tot.last_pid);
	return 0;
}

void proc_stat_init(void)
{
	proc_create_single("stat", 0, NULL, stat_proc_show);
	proc_create_single("loadavg", 0, NULL, loadavg_proc_show);
}
