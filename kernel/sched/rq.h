/*
 * The run queue's rules, apart from the context switch so they can be tested on the host
 * (tests/unit/test_sched_rq.c): which task runs next, who goes back in the queue, what a
 * wake-up does, when the tick's time slice asks for a switch. Nothing here switches stacks,
 * touches interrupts or reads a clock; callers (core.c) hold interrupts off around each call.
 */
#ifndef KEEL_SCHED_RQ_H
#define KEEL_SCHED_RQ_H

#include <keel/jiffies.h>
#include <keel/sched.h>

#define RR_TIMESLICE_MS 10 /* how long a CPU-bound task runs before the next one's turn */
#define RR_TIMESLICE_TICKS ((RR_TIMESLICE_MS * HZ + 999) / 1000)

struct rq {
	struct list_head queue; /* runnable tasks waiting for the CPU, in round-robin order */
	unsigned int nr_running; /* tasks on queue (the running one is not counted) */
	struct task_struct *idle; /* picked when the queue is empty; never queued */
};

#define RQ_INIT(name, idle_task) { LIST_HEAD_INIT((name).queue), 0, (idle_task) }

/* Queues t at the back, unless it is already queued or is the idle task. */
void rq_enqueue(struct rq *rq, struct task_struct *t);
/* Takes the task at the front off the queue, refilling its slice if it was used up; the idle
 * task when the queue is empty. */
struct task_struct *rq_pick_next(struct rq *rq);
/*
 * Before a switch away from prev: counts the switch (voluntary or preempted) and queues prev
 * again if it is still runnable, or if it was preempted whatever its state: a task preempted
 * between set_current_state() and schedule() must come back to finish its own wait loop.
 */
void rq_put_prev(struct rq *rq, struct task_struct *prev, bool preempt);
/*
 * Wakes t if its state is in mask: TASK_RUNNING, and queued unless it is curr (the task
 * running now, which needs no queue) or still queued. A task woken from sleep with time left
 * in its slice is queued at the front and sets *resched (wake-up preemption); a new task or
 * one that used up its slice queues at the back. *resched is also set when curr is the idle
 * task. Returns 1 when woken, else 0.
 */
int rq_wake(struct rq *rq, struct task_struct *t, unsigned int mask, struct task_struct *curr,
	    bool *resched);
/* One timer tick charged to curr; true when it should give the CPU to a queued task. */
bool rq_tick(struct rq *rq, struct task_struct *curr);

#endif
