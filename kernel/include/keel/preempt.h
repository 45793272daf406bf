/*
 * The preemption counter (Linux's <linux/preempt.h>): one count for this CPU whose low byte
 * counts preempt_disable() nesting and whose upper bits count hard interrupts being handled.
 * The scheduler only switches tasks when it is zero. Keel is uniprocessor, so one global
 * counter is "per CPU"; schedule() saves and restores it for each task.
 */
#ifndef KEEL_PREEMPT_H
#define KEEL_PREEMPT_H

#include <keel/compiler.h>
#include <keel/types.h>

#define PREEMPT_MASK 0x000000ff
#define SOFTIRQ_MASK 0x0000ff00
#define HARDIRQ_MASK 0x000f0000
#define PREEMPT_OFFSET 0x00000001
#define SOFTIRQ_OFFSET 0x00000100
#define HARDIRQ_OFFSET 0x00010000

extern int __preempt_count;
extern bool __need_resched; /* set by the tick or a wake-up; cleared by schedule() */

static inline int preempt_count(void) { return READ_ONCE(__preempt_count); }
static inline void preempt_count_add(int n) { __preempt_count += n; barrier(); }
static inline void preempt_count_sub(int n) { barrier(); __preempt_count -= n; }
static inline bool need_resched(void) { return READ_ONCE(__need_resched); }

/* Called by preempt_enable() when the count drops to zero with a reschedule pending. */
void preempt_schedule(void);

/* preempt_disable(): the current task keeps the CPU until the matching preempt_enable().
 * Nests; IRQ-safe; never sleeps. Interrupts still arrive. Follows Linux's preempt_disable. */
#define preempt_disable() preempt_count_add(PREEMPT_OFFSET)
/* Ends a preempt_disable() section and switches at once if a reschedule became due in it. */
#define preempt_enable()                                                                   \
	do {                                                                               \
		preempt_count_sub(PREEMPT_OFFSET);                                         \
		if (unlikely(preempt_count() == 0 && need_resched()))                      \
			preempt_schedule();                                                \
	} while (0)
#define preempt_enable_no_resched() preempt_count_sub(PREEMPT_OFFSET)

/* Context tests, as in Linux. in_atomic(): sleeping here is a bug. */
#define in_hardirq() (preempt_count() & HARDIRQ_MASK)
#define in_irq() in_hardirq()
#define in_interrupt() (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK))
#define in_task() (!in_interrupt())
#define in_atomic() (preempt_count() != 0)

#endif
