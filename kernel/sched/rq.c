/*
 * The run queue's rules (see rq.h): round-robin over one FIFO queue, the idle task when it is
 * empty, time slices counted in ticks, and wake-up preemption: a task woken from sleep with
 * time left in its slice goes to the front and preempts the running task, so an interactive
 * task answers at once even while others compute. A task's slice survives its sleeps and is
 * refilled only once used up, so a task cannot keep the front by sleeping briefly in a loop:
 * once its slice is gone it queues at the back like everyone else. Pure list and state logic,
 * built into the kernel and into the host unit test tests/unit/test_sched_rq.c.
 */
#include "sched/rq.h"

void rq_enqueue(struct rq *rq, struct task_struct *t)
{
	if (t->on_rq || t == rq->idle || (t->flags & PF_IDLE))
		return;
	list_add_tail(&t->run_list, &rq->queue);
	t->on_rq = true;
	rq->nr_running++;
}

/* At the front, behind the tasks woken before it: woken tasks run in the order they woke. */
static void rq_enqueue_boosted(struct rq *rq, struct task_struct *t)
{
	struct list_head *pos = &rq->queue;

	while (pos->next != &rq->queue &&
	       list_entry(pos->next, struct task_struct, run_list)->wake_boost)
		pos = pos->next;
	list_add(&t->run_list, pos);
	t->wake_boost = true;
	t->on_rq = true;
	rq->nr_running++;
}

struct task_struct *rq_pick_next(struct rq *rq)
{
	struct task_struct *next = list_first_entry_or_null(&rq->queue, struct task_struct,
							    run_list);

	if (!next)
		return rq->idle;
	list_del_init(&next->run_list);
	next->on_rq = false;
	next->wake_boost = false;
	rq->nr_running--;
	if (next->time_slice == 0)
		next->time_slice = RR_TIMESLICE_TICKS;
	return next;
}

void rq_put_prev(struct rq *rq, struct task_struct *prev, bool preempt)
{
	if (preempt || task_is_running(prev))
		rq_enqueue(rq, prev);
	if (preempt)
		prev->nivcsw++;
	else
		prev->nvcsw++;
}

int rq_wake(struct rq *rq, struct task_struct *t, unsigned int mask, struct task_struct *curr,
	    bool *resched)
{
	unsigned int state = READ_ONCE(t->__state);

	if (!(state & mask))
		return 0;
	WRITE_ONCE(t->__state, TASK_RUNNING);
	if (t == curr || t->on_rq)
		return 1; /* still running, or preempted before it could sleep */
	if ((state & TASK_NORMAL) && t->time_slice > 0) {
		rq_enqueue_boosted(rq, t);
		*resched = true; /* a sleeper with time left preempts */
	} else {
		rq_enqueue(rq, t);
	}
	if (curr->flags & PF_IDLE)
		*resched = true; /* the idle task gives way at once */
	return 1;
}

bool rq_tick(struct rq *rq, struct task_struct *curr)
{
	if (curr->flags & PF_IDLE)
		return rq->nr_running != 0;
	if (curr->time_slice > 0)
		curr->time_slice--;
	if (curr->time_slice != 0)
		return false;
	if (rq->nr_running != 0)
		return true; /* to the back of the queue; refilled when picked again */
	curr->time_slice = RR_TIMESLICE_TICKS; /* alone: a new slice at once */
	return false;
}
