/*
 * bench_sched: the scheduler figures `make bench` prints (tests/bench/bench_sched.py). Not
 * loaded at boot: `insmod bench_sched.ko`, then `schedbench [what] [count]` measures
 *
 *   switch     two kthreads passing a turn with wake_up_process() + schedule(): ns per switch
 *   completion the same ping-pong through two completions
 *   yield      two always-runnable kthreads calling yield(): ns per switch
 *   wake       a timer callback (timer IRQ) wakes the sleeping shell task: callback -> task
 *              running, in ns, on an otherwise idle CPU
 *   wakebusy   the same while a CPU-bound kthread runs (round robin: no wake-up preemption)
 *   jitter     a periodic timer_list (callback times) and a thread sleeping to absolute tick
 *              deadlines, at 1 and 10 ms: |interval - period|
 *   msleep     how long msleep(10) and usleep_range(100, 200) really sleep
 *
 * Every figure line starts with "<key>:" and carries key=value figures in nanoseconds, for the
 * script to parse (no "schedbench: " prefix, so the lines fit 80 columns). Timing is measured with ktime_get_ns() (the TSC).
 */
#include <keel/completion.h>
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/ktime.h>
#include <keel/minmax.h>
#include <keel/module.h>
#include <keel/sched.h>
#include <keel/shell.h>
#include <keel/timer.h>

#define MAX_SAMPLES 4096 /* static, so the bench needs no heap */
#define DEFAULT_ROUNDS 20000
#define DEFAULT_SAMPLES 1000

static s64 samples[MAX_SAMPLES];

/* ---- statistics --------------------------------------------------------------------- */

/* Shell sort: a few thousand samples, no recursion, no library. */
static void sort_samples(s64 *v, unsigned int n)
{
	for (unsigned int gap = n / 2; gap > 0; gap /= 2)
		for (unsigned int i = gap; i < n; i++) {
			s64 x = v[i];
			unsigned int j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

/* The nearest-rank percentile of sorted values. */
static s64 percentile(const s64 *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

static void print_distribution(const char *key, s64 *v, unsigned int n)
{
	if (!n) {
		console_printf("%s: n=0\n", key);
		return;
	}
	sort_samples(v, n);
	console_printf("%s: n=%u min=%lld median=%lld p99=%lld max=%lld ns\n", key, n,
		       (long long)v[0], (long long)percentile(v, n, 50),
		       (long long)percentile(v, n, 99), (long long)v[n - 1]);
}

/* ---- two threads passing a turn ------------------------------------------------------ */

enum pingpong_mode { PP_WAKE, PP_COMPLETION, PP_YIELD };

struct pingpong {
	enum pingpong_mode mode;
	unsigned int rounds;
	int turn;                     /* PP_WAKE: which side may go on */
	bool stop;                    /* Ctrl-C: both sides leave at their next turn */
	struct task_struct *task[2];
	struct completion baton[2];   /* PP_COMPLETION: side i waits on baton[i] */
	struct completion done;       /* side 0 finished measuring */
	u64 elapsed_ns;
};

struct pingpong_side {
	struct pingpong *pp;
	int me;
};

/* The set-state-then-test sleep: a wake-up between the test and schedule() is not lost. */
static void pp_wait_turn(struct pingpong *pp, int me)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(pp->turn) == me || READ_ONCE(pp->stop))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static void pp_pass(struct pingpong *pp, int me)
{
	int other = !me;

	if (pp->mode == PP_COMPLETION) {
		complete(&pp->baton[other]);
		wait_for_completion(&pp->baton[me]);
	} else if (pp->mode == PP_WAKE) {
		WRITE_ONCE(pp->turn, other);
		wake_up_process(pp->task[other]);
		pp_wait_turn(pp, me);
	} else {
		yield();
	}
}

/* Side 1's last answer: hands the turn back without waiting for another. */
static void pp_answer_last(struct pingpong *pp)
{
	if (pp->mode == PP_COMPLETION) {
		complete(&pp->baton[0]);
	} else {
		WRITE_ONCE(pp->turn, 0);
		wake_up_process(pp->task[0]);
	}
}

/* A side leaving early (stop) releases the other from whatever wait it is in. */
static void pp_release(struct pingpong *pp, int me)
{
	int other = !me;

	complete_all(&pp->baton[other]);
	WRITE_ONCE(pp->turn, other);
	wake_up_process(pp->task[other]);
}

/* Side 0 starts the ball and times its rounds; each round is two switches. Side 1 answers.
 * Side 1 first waits for its first turn so both loops see the same number of passes. */
static int pingpong_thread(void *data)
{
	struct pingpong_side *side = data;
	struct pingpong *pp = side->pp;
	u64 start = ktime_get_ns();

	if (side->me == 1 && pp->mode == PP_COMPLETION)
		wait_for_completion(&pp->baton[1]);
	else if (side->me == 1 && pp->mode == PP_WAKE)
		pp_wait_turn(pp, 1);
	for (unsigned int i = 0; i < pp->rounds; i++) {
		if (READ_ONCE(pp->stop)) {
			pp_release(pp, side->me);
			break;
		}
		if (side->me == 1 && i == pp->rounds - 1 && pp->mode != PP_YIELD) {
			pp_answer_last(pp);
			break;
		}
		pp_pass(pp, side->me);
	}
	if (side->me == 0) {
		pp->elapsed_ns = ktime_get_ns() - start;
		complete(&pp->done);
	}
	return 0;
}

static int pingpong_run(enum pingpong_mode mode, unsigned int rounds, u64 *elapsed_ns)
{
	static const char *const names[] = { "bench-wake", "bench-compl", "bench-yield" };
	struct pingpong pp = { .mode = mode, .rounds = rounds, .turn = 0 };
	struct pingpong_side sides[2] = { { &pp, 0 }, { &pp, 1 } };
	int err = 0;

	init_completion(&pp.baton[0]);
	init_completion(&pp.baton[1]);
	init_completion(&pp.done);
	for (int i = 0; i < 2; i++) {
		pp.task[i] = kthread_create(pingpong_thread, &sides[i], "%s/%d", names[mode], i);
		if (IS_ERR(pp.task[i])) {
			err = (int)PTR_ERR(pp.task[i]);
			if (i)
				kthread_stop(pp.task[0]);
			return err;
		}
	}
	/* Side 1 first: it is queued, and waiting, before side 0's first pass. */
	wake_up_process(pp.task[1]);
	wake_up_process(pp.task[0]);
	if (wait_for_completion_interruptible(&pp.done)) {
		WRITE_ONCE(pp.stop, true); /* Ctrl-C: side 0 sees it within a round */
		wait_for_completion(&pp.done);
		err = -EINTR;
	}
	kthread_stop(pp.task[0]);
	kthread_stop(pp.task[1]);
	*elapsed_ns = pp.elapsed_ns;
	return err;
}

static int bench_switch(const char *key, enum pingpong_mode mode, unsigned int rounds)
{
	u64 elapsed = 0;
	int err = pingpong_run(mode, rounds, &elapsed);

	if (err)
		return err;
	/* A ping-pong round is two switches; so is each yield of side 0 while side 1 yields. */
	console_printf("%s: rounds=%u elapsed=%llu per_switch=%llu ns\n", key, rounds,
		       (unsigned long long)elapsed,
		       (unsigned long long)(elapsed / (2ULL * rounds)));
	return 0;
}

/* ---- wake-up latency from the timer interrupt ----------------------------------------- */

struct wake_probe {
	struct timer_list timer;
	struct task_struct *sleeper;
	u64 fired_ns;
	bool fired;
};

static void wake_probe_fn(struct timer_list *t)
{
	struct wake_probe *probe = from_timer(probe, t, timer);

	probe->fired_ns = ktime_get_ns();
	WRITE_ONCE(probe->fired, true);
	wake_up_process(probe->sleeper);
}

/* One sample: sleeps until the timer two ticks away fires; the time from its callback to
 * this task running again. 0 when the timer fired before the task got to sleep. */
static s64 wake_probe_once(struct wake_probe *probe)
{
	unsigned long switches = current->nvcsw;
	u64 woke;

	WRITE_ONCE(probe->fired, false);
	mod_timer(&probe->timer, jiffies + 2);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(probe->fired))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	woke = ktime_get_ns();
	return current->nvcsw == switches ? 0 : (s64)(woke - probe->fired_ns);
}

static int hog_thread(void *data)
{
	(void)data;
	while (!kthread_should_stop())
		__asm__ __volatile__("pause");
	return 0;
}

static int bench_wake(const char *key, unsigned int n, bool busy)
{
	struct wake_probe probe = { .sleeper = current };
	struct task_struct *hog = NULL;
	unsigned int got = 0;

	if (busy) {
		hog = kthread_run(hog_thread, NULL, "bench-hog");
		if (IS_ERR(hog))
			return (int)PTR_ERR(hog);
	}
	timer_setup_on_stack(&probe.timer, wake_probe_fn, 0);
	for (unsigned int i = 0; i < n && !signal_pending(current); i++) {
		s64 ns = wake_probe_once(&probe);

		if (ns > 0)
			samples[got++] = ns;
	}
	del_timer_sync(&probe.timer);
	if (hog)
		kthread_stop(hog);
	print_distribution(key, samples, got);
	return 0;
}

/* ---- timer jitter ----------------------------------------------------------------------- */

struct periodic_probe {
	struct timer_list timer;
	unsigned long period; /* jiffies */
	unsigned int n, wanted;
	struct completion done;
};

/* Re-armed from its own expiry, not from "now", so lateness does not accumulate. */
static void periodic_fn(struct timer_list *t)
{
	struct periodic_probe *p = from_timer(p, t, timer);

	samples[p->n++] = (s64)ktime_get_ns();
	if (p->n < p->wanted)
		mod_timer(&p->timer, p->timer.expires + p->period);
	else
		complete(&p->done);
}

/* Turns n absolute times into n - 1 values |interval - period|; returns the mean interval. */
static u64 intervals_to_deviation(s64 *v, unsigned int n, s64 period_ns)
{
	s64 first = v[0], last = v[n - 1];

	for (unsigned int i = 0; i + 1 < n; i++) {
		s64 dev = v[i + 1] - v[i] - period_ns;

		v[i] = dev < 0 ? -dev : dev;
	}
	return (u64)(last - first) / (n - 1);
}

static void print_jitter(const char *key, unsigned int n, unsigned int period_ms)
{
	u64 mean = intervals_to_deviation(samples, n, (s64)period_ms * NSEC_PER_MSEC);

	console_printf("%s-mean: period=%u mean_interval=%llu ns\n", key,
		       period_ms * 1000000, (unsigned long long)mean);
	print_distribution(key, samples, n - 1);
}

static void bench_timer_jitter(unsigned int period_ms, unsigned int n)
{
	struct periodic_probe p = { .period = msecs_to_jiffies(period_ms), .wanted = n };
	char key[32];

	init_completion(&p.done);
	timer_setup_on_stack(&p.timer, periodic_fn, 0);
	mod_timer(&p.timer, jiffies + 1);
	if (wait_for_completion_interruptible(&p.done)) {
		del_timer_sync(&p.timer); /* Ctrl-C: no figures from a partial run */
		return;
	}
	del_timer_sync(&p.timer);
	snprintf(key, sizeof(key), "jitter-timer-%ums", period_ms);
	print_jitter(key, n, period_ms);
}

/* The task-side equivalent of Linux's clock_nanosleep(TIMER_ABSTIME) loop. */
static void bench_thread_jitter(unsigned int period_ms, unsigned int n)
{
	unsigned long period = msecs_to_jiffies(period_ms), next = jiffies + 1;
	char key[32];

	for (unsigned int i = 0; i < n; i++) {
		long left = (long)(next - jiffies);

		if (signal_pending(current))
			return; /* Ctrl-C: run_benches reports it */

		if (left > 0)
			schedule_timeout_uninterruptible(left);
		samples[i] = (s64)ktime_get_ns();
		next += period;
	}
	snprintf(key, sizeof(key), "jitter-thread-%ums", period_ms);
	print_jitter(key, n, period_ms);
}

static void bench_jitter(unsigned int n)
{
	bench_timer_jitter(1, n);
	bench_thread_jitter(1, n);
	bench_timer_jitter(10, min(n, 200u));
	bench_thread_jitter(10, min(n, 200u));
}

/* ---- sleeping delays -------------------------------------------------------------------- */

static void bench_msleep(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		u64 start = ktime_get_ns();

		if (signal_pending(current))
			return; /* Ctrl-C */
		msleep(10);
		samples[i] = (s64)(ktime_get_ns() - start);
	}
	print_distribution("msleep10", samples, n);
	for (unsigned int i = 0; i < n; i++) {
		u64 start = ktime_get_ns();

		if (signal_pending(current))
			return; /* Ctrl-C */
		usleep_range(100, 200);
		samples[i] = (s64)(ktime_get_ns() - start);
	}
	print_distribution("usleep100", samples, n);
}

/* ---- the command --------------------------------------------------------------------- */

/* Both clocks at once, so a host can check them against its own (TSC drift under TCG). */
static void print_clocks(void)
{
	console_printf("schedbench: clocks: jiffies=%lu ktime=%llu ns\n", jiffies,
		       (unsigned long long)ktime_get_ns());
}

static bool wants(const char *what, const char *name)
{
	return !strcmp(what, "all") || !strcmp(what, name);
}

/* The next bench runs unless one failed or Ctrl-C stopped the command. */
static bool go_on(int err)
{
	return !err && !signal_pending(current);
}

static int run_benches(const char *what, unsigned int count)
{
	unsigned int rounds = count ? count : DEFAULT_ROUNDS;
	unsigned int n = min_t(unsigned int, count ? count : DEFAULT_SAMPLES, MAX_SAMPLES);
	int err = 0;

	if (wants(what, "switch"))
		err = bench_switch("switch", PP_WAKE, rounds);
	if (go_on(err) && wants(what, "completion"))
		err = bench_switch("completion", PP_COMPLETION, rounds);
	if (go_on(err) && wants(what, "yield"))
		err = bench_switch("yield", PP_YIELD, rounds);
	if (go_on(err) && wants(what, "wake"))
		err = bench_wake("wake", n, false);
	if (go_on(err) && wants(what, "wakebusy"))
		err = bench_wake("wakebusy", min(n, 200u), true);
	if (go_on(err) && wants(what, "jitter"))
		bench_jitter(n);
	if (go_on(err) && wants(what, "msleep"))
		bench_msleep(min(n, 100u));
	return err ?: (signal_pending(current) ? -EINTR : 0);
}

static const struct shell_command schedbench_command;

static int cmd_schedbench(int argc, char **argv)
{
	static const char *const whats[] = { "all",  "switch",   "completion", "yield",
					     "wake", "wakebusy", "jitter",     "msleep" };
	const char *what = argc > 1 ? argv[1] : "all";
	unsigned int count = 0;
	bool known = false;

	if (argc == 2 && !strcmp(what, "clocks")) {
		print_clocks();
		return 0;
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(whats); i++)
		known |= !strcmp(what, whats[i]);
	if (!known || argc > 3 || (argc == 3 && (kstrtouint(argv[2], 0, &count) || !count))) {
		return shell_usage(&schedbench_command);
	}
	return run_benches(what, count);
}

static const struct shell_command schedbench_command = {
	.name = "schedbench",
	.usage = "schedbench [TEST] [count]",
	.help = "scheduler figures: switch time, wake-up latency, timer jitter, sleep lengths",
	.run = cmd_schedbench,
	.flags = SHELL_CMD_DEBUG,
	.long_help = "TEST: all (the default), switch, completion, yield, wake, wakebusy, jitter,\n"
		     "msleep\n",
};

static int __init bench_sched_init(void)
{
	return shell_register_command(&schedbench_command);
}

static void __exit bench_sched_exit(void)
{
	shell_unregister_command(&schedbench_command);
}

module_init(bench_sched_init);
module_exit(bench_sched_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Scheduler benchmarks for make bench: switch time, wake-up latency, jitter");
