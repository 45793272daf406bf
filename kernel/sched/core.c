/*
 * The scheduler: one run queue served round-robin. A task runs until it sleeps, yields, or
 * uses up its time slice (RR_TIMESLICE_MS, counted by the timer tick), and is preempted on
 * the way out of an interrupt or at preempt_enable() whenever the preempt count is zero.
 * When nothing is runnable the idle task (the boot context) halts the CPU.
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include "cpu/cpu.h"
#include "sched/rq.h"
#include "sched/sched.h"

_Static_assert(__builtin_offsetof(struct task_struct, thread.sp) == 0, "switch.S: TASK_THREAD_SP");

struct task_struct *current_task = &init_task;
EXPORT_SYMBOL(current_task);

static struct rq runqueue = RQ_INIT(runqueue, &init_task);
static bool scheduler_running;

/* Interrupts off for every run queue operation: wake-ups come from interrupt handlers. */
void activate_task(struct task_struct *t)
{
	rq_enqueue(&runqueue, t);
}

unsigned int nr_running(void)
{
	return READ_ONCE(runqueue.nr_running) + !(current->flags & PF_IDLE);
}

int wake_up_state(struct task_struct *t, unsigned int mask)
{
	bool resched = false;
	unsigned long flags;
	int woke;

	local_irq_save(flags);
	woke = rq_wake(&runqueue, t, mask, current, &resched);
	if (resched)
		__need_resched = true;
	local_irq_restore(flags);
	return woke;
}
EXPORT_SYMBOL(wake_up_state);

static void account_runtime(struct task_struct *prev, struct task_struct *next)
{
	u64 now = ktime_get_ns();

	prev->sum_exec_runtime += now - prev->exec_start;
	next->exec_start = now;
}

/* Runs in the task that was just switched to, on its own stack, interrupts off. */
static void finish_task_switch(struct task_struct *prev)
{
	cpu_set_kernel_stack((unsigned long)current->stack,
			     (unsigned long)current->stack + current->stack_size);
	/* A process gets its address space and TLS base back; kernel threads run on whatever
	 * user half is loaded (they never touch it: uaccess refuses tasks without an mm). */
	if (current->mm) {
		switch_mm(current->mm);
		wrmsr(MSR_FS_BASE, current->fsbase);
	}
	if (prev->__state == TASK_DEAD) {
		/* Nothing runs on prev's stack now; the task_struct lives on for its reaper. */
		task_free_stack(prev);
		put_task_struct(prev);
	}
}

static void schedule_bug(struct task_struct *prev)
{
	pr_err("BUG: scheduling while atomic: %s/%d/0x%08x\n", prev->comm, prev->pid,
	       preempt_count());
	dump_stack();
}

/* The heart of it: interrupts off, preempt count 1 on entry and on return. */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next;

	/* A signal sent after the sleeper's last check but before it set its state found it
	 * running and woke nobody: it must not sleep now (Linux's signal_pending_state). */
	if (!preempt && prev->__state == TASK_INTERRUPTIBLE && signal_pending(prev))
		prev->__state = TASK_RUNNING;
	rq_put_prev(&runqueue, prev, preempt);
	next = rq_pick_next(&runqueue);
	__need_resched = false;
	if (next == prev)
		return;
	account_runtime(prev, next);
	fpu_switch(prev, next);
	prev->saved_preempt_count = __preempt_count;
	current_task = next;
	prev = __switch_to_asm(prev, next);
	__preempt_count = current->saved_preempt_count;
	finish_task_switch(prev);
}

void schedule(void)
{
	unsigned long flags;

	if (unlikely(preempt_count() != 0))
		schedule_bug(current);
	current->sleep_ip = (unsigned long)__builtin_return_address(0);
	local_irq_save(flags);
	preempt_count_add(PREEMPT_OFFSET);
	__schedule(false);
	preempt_count_sub(PREEMPT_OFFSET);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(schedule);

void preempt_schedule(void)
{
	unsigned long flags;

	if (preempt_count() != 0 || irqs_disabled() || !scheduler_running)
		return;
	local_irq_save(flags);
	preempt_count_add(PREEMPT_OFFSET);
	__schedule(true);
	preempt_count_sub(PREEMPT_OFFSET);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(preempt_schedule);

void preempt_schedule_irq(void)
{
	if (preempt_count() != 0 || !scheduler_running)
		return;
	while (need_resched()) {
		preempt_count_add(PREEMPT_OFFSET);
		__schedule(true);
		preempt_count_sub(PREEMPT_OFFSET);
	}
}

void schedule_tail(struct task_struct *prev)
{
	__preempt_count = current->saved_preempt_count;
	finish_task_switch(prev);
	preempt_count_sub(PREEMPT_OFFSET);
	local_irq_enable();
}

void yield(void)
{
	set_current_state(TASK_RUNNING);
	schedule();
}
EXPORT_SYMBOL(yield);

int _cond_resched(void)
{
	if (!need_resched() || preempt_count() != 0)
		return 0;
	schedule();
	return 1;
}
EXPORT_SYMBOL(_cond_resched);

void scheduler_tick(void)
{
	if (scheduler_running && rq_tick(&runqueue, current))
		__need_resched = true;
}

/* Time spent halted, for /proc/uptime's second number (only the idle task writes it). */
static u64 idle_ns;

u64 sched_idle_time_ns(void)
{
	return READ_ONCE(idle_ns);
}

static void do_idle(void)
{
	/* Not preempted on the wake-up interrupt's way out: the time other tasks then ran would
	 * be counted as idle (/proc/uptime's idle outgrowing the uptime). schedule() below. */
	preempt_disable();
	local_irq_disable();
	if (!need_resched()) {
		u64 start = ktime_get_ns();

		cpu_idle(); /* sti; hlt: the wake-up interrupt cannot slip in between */
		local_irq_disable();
		WRITE_ONCE(idle_ns, idle_ns + (ktime_get_ns() - start));
	}
	local_irq_enable();
	preempt_enable_no_resched();
	if (need_resched())
		schedule();
}

void cpu_startup_entry(void)
{
	init_task.exec_start = ktime_get_ns();
	scheduler_running = true;
	local_irq_enable();
	for (;;)
		do_idle();
}

void sched_init(void)
{
	init_task.stack = boot_kernel_stack;
	init_task.stack_size = (unsigned long)(boot_kernel_stack_top - boot_kernel_stack);
	cpu_set_kernel_stack((unsigned long)init_task.stack,
			     (unsigned long)init_task.stack + init_task.stack_size);
	fpu_init();
	irq_exit_preempt_hook = preempt_schedule_irq;
	sched_debug_init();
}
