/* Host unit test for the scheduler's run queue rules (kernel/sched/rq.c): round-robin order,
 * yield, wake-ups of sleeping, running and new tasks, the idle fallback, time slices. */
/* UNIT_SOURCES: kernel/sched/rq.c */
#include "sched/rq.h"
#include "unit.h"

static struct task_struct idle = { .flags = PF_KTHREAD | PF_IDLE, .comm = "idle" };
static struct task_struct a, b, c;
static struct rq rq = RQ_INIT(rq, &idle);

static void task_init(struct task_struct *t, const char *name, unsigned int state)
{
	*t = (struct task_struct){ .__state = state, .flags = PF_KTHREAD };
	INIT_LIST_HEAD(&t->run_list);
	host_snprintf(t->comm, sizeof(t->comm), "%s", name);
}

static void reset(void)
{
	INIT_LIST_HEAD(&rq.queue);
	rq.nr_running = 0;
	task_init(&a, "a", TASK_RUNNING);
	task_init(&b, "b", TASK_RUNNING);
	task_init(&c, "c", TASK_RUNNING);
}

/* What schedule() does around the switch: prev back in the queue (or not), the next one. */
static struct task_struct *switch_from(struct task_struct *prev, bool preempt)
{
	rq_put_prev(&rq, prev, preempt);
	return rq_pick_next(&rq);
}

static void test_empty_queue_picks_idle(void)
{
	reset();
	CHECK(rq_pick_next(&rq) == &idle);
	rq_enqueue(&rq, &idle); /* the idle task is never queued */
	CHECK_UINT(rq.nr_running, 0);
	CHECK(switch_from(&idle, true) == &idle);
	CHECK(!idle.on_rq);
}

static void test_round_robin_and_yield(void)
{
	struct task_struct *curr;

	reset();
	rq_enqueue(&rq, &a);
	rq_enqueue(&rq, &b);
	rq_enqueue(&rq, &c);
	rq_enqueue(&rq, &b); /* already queued: no second entry */
	CHECK_UINT(rq.nr_running, 3);
	curr = rq_pick_next(&rq);
	CHECK(curr == &a);
	curr = switch_from(curr, true); /* a's slice ran out */
	CHECK(curr == &b);
	curr = switch_from(curr, false); /* b yields (still TASK_RUNNING) */
	CHECK(curr == &c);
	curr = switch_from(curr, false);
	CHECK(curr == &a);
	CHECK(switch_from(curr, false) == &b); /* a, b, c, a, b: round robin */
	CHECK_UINT(a.nivcsw, 1);
	CHECK_UINT(a.nvcsw, 1);
	CHECK_UINT(b.nvcsw, 1);
	CHECK_UINT(rq.nr_running, 2);
}

static void test_yield_alone_keeps_cpu(void)
{
	reset();
	CHECK(switch_from(&a, false) == &a); /* nobody else runnable: a carries on */
	CHECK_UINT(rq.nr_running, 0);
}

static void test_sleeping_task_leaves_queue(void)
{
	reset();
	rq_enqueue(&rq, &b);
	a.__state = TASK_UNINTERRUPTIBLE; /* a calls schedule() to sleep */
	CHECK(switch_from(&a, false) == &b);
	CHECK(!a.on_rq);
	b.__state = TASK_INTERRUPTIBLE;
	CHECK(switch_from(&b, false) == &idle); /* everyone asleep */
}

static void test_preempted_sleeper_stays_queued(void)
{
	reset();
	rq_enqueue(&rq, &b);
	a.__state = TASK_INTERRUPTIBLE; /* preempted between set_current_state and schedule */
	CHECK(switch_from(&a, true) == &b);
	CHECK(a.on_rq);
	CHECK(rq_pick_next(&rq) == &a); /* comes back to finish its wait loop */
}

static void test_wake_rules(void)
{
	bool resched = false;

	reset();
	a.__state = TASK_INTERRUPTIBLE;
	CHECK_INT(rq_wake(&rq, &a, TASK_UNINTERRUPTIBLE, &b, &resched), 0); /* wrong mask */
	CHECK(!a.on_rq);
	CHECK_INT(rq_wake(&rq, &a, TASK_NORMAL, &b, &resched), 1);
	CHECK_UINT(a.__state, TASK_RUNNING);
	CHECK(a.on_rq);
	CHECK(!resched); /* a used up its slice before sleeping: b keeps running */
	CHECK_INT(rq_wake(&rq, &a, TASK_NORMAL, &b, &resched), 0); /* already running */
	CHECK_UINT(rq.nr_running, 1);

	b.__state = TASK_INTERRUPTIBLE; /* woken while still current: no queueing */
	CHECK_INT(rq_wake(&rq, &b, TASK_NORMAL, &b, &resched), 1);
	CHECK(!b.on_rq);
	CHECK_UINT(b.__state, TASK_RUNNING);
}

static void test_wake_preemption(void)
{
	bool resched = false;

	reset();
	rq_enqueue(&rq, &c); /* a CPU-bound task waiting its turn */
	a.__state = TASK_INTERRUPTIBLE;
	a.time_slice = 3; /* slept with time left in its slice */
	CHECK_INT(rq_wake(&rq, &a, TASK_NORMAL, &b, &resched), 1);
	CHECK(resched); /* preempts b */
	CHECK(switch_from(&b, true) == &a); /* ahead of c, which was queued first */
	CHECK(rq_pick_next(&rq) == &c);
	CHECK(rq_pick_next(&rq) == &b); /* the preempted task queues at the back */

	reset();
	resched = false;
	rq_enqueue(&rq, &c);
	a.__state = TASK_INTERRUPTIBLE;
	b.__state = TASK_INTERRUPTIBLE;
	a.time_slice = b.time_slice = 2;
	CHECK_INT(rq_wake(&rq, &a, TASK_NORMAL, &idle, &resched), 1);
	CHECK_INT(rq_wake(&rq, &b, TASK_NORMAL, &idle, &resched), 1);
	CHECK(rq_pick_next(&rq) == &a); /* woken tasks run in the order they woke */
	CHECK(rq_pick_next(&rq) == &b);
	CHECK(rq_pick_next(&rq) == &c); /* then the queue as it was */

	reset();
	resched = false;
	rq_enqueue(&rq, &c);
	a.__state = TASK_INTERRUPTIBLE;
	a.time_slice = 0; /* used its slice up: no bonus, back of the queue */
	CHECK_INT(rq_wake(&rq, &a, TASK_NORMAL, &b, &resched), 1);
	CHECK(!resched);
	CHECK(rq_pick_next(&rq) == &c);
	CHECK(rq_pick_next(&rq) == &a);
	CHECK_UINT(a.time_slice, RR_TIMESLICE_TICKS); /* refilled when picked */
}

static void test_wake_new_task_and_idle_gives_way(void)
{
	bool resched = false;

	reset();
	c.__state = TASK_NEW;
	CHECK_INT(rq_wake(&rq, &c, TASK_NORMAL, &idle, &resched), 0); /* wake_up() does not start it */
	CHECK_INT(rq_wake(&rq, &c, TASK_NORMAL | TASK_NEW, &idle, &resched), 1);
	CHECK(c.on_rq);
	CHECK(resched); /* the idle task was running: switch at once */
	CHECK(switch_from(&idle, true) == &c);
	CHECK(!idle.on_rq);
}

static void test_tick_time_slice(void)
{
	int ticks = 0;

	reset();
	a.time_slice = RR_TIMESLICE_TICKS;
	CHECK(!rq_tick(&rq, &idle)); /* idle and nobody waiting */
	while (!rq_tick(&rq, &a) && ticks < 10 * RR_TIMESLICE_TICKS) {
		ticks++;
		if (ticks == 1)
			rq_enqueue(&rq, &b); /* someone waits from now on */
	}
	CHECK_INT(ticks + 1, RR_TIMESLICE_TICKS); /* the slice's last tick asks for the switch */
	CHECK_UINT(a.time_slice, 0); /* used up: refilled when picked again */
	CHECK(rq_tick(&rq, &idle)); /* idle with b waiting */

	rq_pick_next(&rq);
	a.time_slice = 1;
	for (int i = 0; i < 3 * RR_TIMESLICE_TICKS; i++)
		CHECK(!rq_tick(&rq, &a)); /* alone: slices end, no switch */
}

int main(void)
{
	test_empty_queue_picks_idle();
	test_round_robin_and_yield();
	test_yield_alone_keeps_cpu();
	test_sleeping_task_leaves_queue();
	test_preempted_sleeper_stays_queued();
	test_wake_rules();
	test_wake_preemption();
	test_wake_new_task_and_idle_gives_way();
	test_tick_time_slice();
	return unit_summary();
}
