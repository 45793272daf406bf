/*
 * Host unit test for kernel/time/timer.c's ordering: timers fire in deadline order, FIFO among
 * equal deadlines, mod_timer moves and re-arms, del_timer of pending and idle timers, jiffies
 * wrapping past ULONG_MAX, callbacks that re-arm themselves, timer_release_range.
 * The tick is simulated: the test sets jiffies and calls run_local_timers().
 */
/* UNIT_SOURCES: kernel/time/timer.c libk/vsnprintf.c libk/string.c */
#include <keel/sched.h>
#include <keel/timer.h>
#include "time/time.h"
#include "host_printk.h"
#include "unit.h"

/* ---- Fakes for what timer.c calls ---- */
volatile unsigned long jiffies;
int __preempt_count;
bool __need_resched;
struct task_struct *current_task;
void preempt_schedule(void) {}
void schedule(void) {}
void dump_stack(void) {}
int wake_up_state(struct task_struct *t, unsigned int mask) { (void)t; (void)mask; return 1; }
void symbolize_address(unsigned long addr, bool is_return_address, char *buf, size_t size)
{
	(void)is_return_address;
	snprintf(buf, size, "fn@%lx", addr);
}

/* ---- The test's timers: each records its id in a firing log ---- */
#define NLOG 64
static int fire_log[NLOG], nfired;

struct test_timer {
	struct timer_list timer;
	int id;
	int rearm_left; /* re-arm itself this many more times, period rearm_period */
	unsigned long rearm_period;
};

static void log_fn(struct timer_list *t)
{
	struct test_timer *tt = from_timer(tt, t, timer);

	if (nfired < NLOG)
		fire_log[nfired++] = tt->id;
	if (tt->rearm_left > 0) {
		tt->rearm_left--;
		mod_timer(t, t->expires + tt->rearm_period);
	}
}

static void setup(struct test_timer *tt, int id)
{
	timer_setup(&tt->timer, log_fn, 0);
	tt->id = id;
	tt->rearm_left = 0;
}

static void reset(unsigned long now)
{
	jiffies = now;
	nfired = 0;
}

static void tick_to(unsigned long until)
{
	while (jiffies != until) {
		jiffies++;
		run_local_timers();
	}
}

static void test_deadline_order(void)
{
	struct test_timer t[4];
	unsigned long deadlines[4] = { 30, 10, 20, 5 };

	reset(0);
	for (int i = 0; i < 4; i++) {
		setup(&t[i], i);
		CHECK_INT(mod_timer(&t[i].timer, deadlines[i]), 0);
	}
	CHECK_UINT(timer_pending_count(), 4);
	tick_to(9);
	CHECK_INT(nfired, 1);
	CHECK_INT(fire_log[0], 3);
	tick_to(40);
	CHECK_INT(nfired, 4);
	CHECK_INT(fire_log[1], 1);
	CHECK_INT(fire_log[2], 2);
	CHECK_INT(fire_log[3], 0);
	CHECK_UINT(timer_pending_count(), 0);
	CHECK(!timer_pending(&t[0].timer));
}

static void test_fifo_equal_deadlines(void)
{
	struct test_timer t[5];

	reset(100);
	for (int i = 0; i < 5; i++) {
		setup(&t[i], i);
		mod_timer(&t[i].timer, 110);
	}
	tick_to(110);
	CHECK_INT(nfired, 5);
	for (int i = 0; i < 5; i++)
		CHECK_INT(fire_log[i], i);
}

static void test_mod_and_del(void)
{
	struct test_timer a, b;

	reset(0);
	setup(&a, 1);
	setup(&b, 2);
	mod_timer(&a.timer, 10);
	mod_timer(&b.timer, 20);
	CHECK_INT(mod_timer(&a.timer, 30), 1); /* moved later: now after b */
	CHECK_INT(del_timer(&b.timer), 1);
	CHECK_INT(del_timer(&b.timer), 0); /* not pending any more */
	CHECK(!timer_pending(&b.timer));
	tick_to(29);
	CHECK_INT(nfired, 0);
	tick_to(30);
	CHECK_INT(nfired, 1);
	CHECK_INT(fire_log[0], 1);
	CHECK_INT(del_timer_sync(&a.timer), 0);
	mod_timer(&a.timer, 25); /* a deadline already passed fires at the next tick */
	tick_to(31);
	CHECK_INT(nfired, 2);
	a.timer.expires = 40;
	add_timer(&a.timer);
	add_timer(&a.timer); /* pending: reported, not queued twice */
	CHECK_UINT(timer_pending_count(), 1);
	del_timer(&a.timer);
}

static void test_wraparound(void)
{
	struct test_timer t[3];

	reset(ULONG_MAX - 5);
	setup(&t[0], 0);
	setup(&t[1], 1);
	setup(&t[2], 2);
	mod_timer(&t[0].timer, 4);               /* after the wrap */
	mod_timer(&t[1].timer, ULONG_MAX - 2);   /* before it */
	mod_timer(&t[2].timer, ULONG_MAX);
	CHECK(time_after(4UL, ULONG_MAX - 2));
	CHECK(time_before(ULONG_MAX, 0UL));
	tick_to(ULONG_MAX);
	CHECK_INT(nfired, 2);
	tick_to(3);
	CHECK_INT(nfired, 2);
	tick_to(4);
	CHECK_INT(nfired, 3);
	CHECK_INT(fire_log[0], 1);
	CHECK_INT(fire_log[1], 2);
	CHECK_INT(fire_log[2], 0);
}

static void test_rearming_callbacks(void)
{
	struct test_timer fast, slow;

	reset(0);
	setup(&fast, 1);
	setup(&slow, 2);
	fast.rearm_left = 5;
	fast.rearm_period = 2;
	slow.rearm_left = 1;
	slow.rearm_period = 5;
	mod_timer(&fast.timer, 2);
	mod_timer(&slow.timer, 5);
	tick_to(100);
	/* fast: 2 4 6 8 10 12; slow: 5 10, before fast at 10 (re-armed earlier: FIFO) */
	int expect[] = { 1, 1, 2, 1, 1, 2, 1, 1 };

	CHECK_INT(nfired, 8);
	for (int i = 0; i < 8; i++)
		CHECK_INT(fire_log[i], expect[i]);
	CHECK_UINT(timer_pending_count(), 0);
}

static void test_release_range(void)
{
	static struct test_timer owned[2]; /* the "module's" memory: this array */
	struct test_timer other;
	unsigned long start = (unsigned long)owned, end = start + sizeof(owned);

	reset(0);
	setup(&owned[0], 0);
	setup(&owned[1], 1);
	setup(&other, 2);
	mod_timer(&owned[0].timer, 10);
	mod_timer(&other.timer, 11);
	mod_timer(&owned[1].timer, 12);
	CHECK_UINT(timer_release_range(start, end, "mod"), 2);
	CHECK(strstr(unit_last_msg, "mod: timer fn@") != NULL);
	CHECK(!timer_pending(&owned[0].timer) && !timer_pending(&owned[1].timer));
	CHECK(timer_pending(&other.timer));
	/* by function: log_fn is the "module's" code */
	CHECK_UINT(timer_release_range((unsigned long)log_fn, (unsigned long)log_fn + 1, "m2"), 1);
	CHECK_UINT(timer_pending_count(), 0);
	tick_to(20);
	CHECK_INT(nfired, 0);
}

int main(void)
{
	test_deadline_order();
	test_fifo_equal_deadlines();
	test_mod_and_del();
	test_wraparound();
	test_rearming_callbacks();
	test_release_range();
	return unit_summary();
}
