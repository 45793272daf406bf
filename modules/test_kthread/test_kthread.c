/*
 * Test module and example: two kernel threads count while the shell stays responsive. The
 * "sleeper" sleeps between counts (msleep); the "spinner" never sleeps nor yields, so the
 * shell only gets the CPU back because the timer tick preempts it. `test_kthread` prints both
 * counters; rmmod stops both with kthread_stop and prints what their functions returned.
 * `test_kthread stuck` shows kthread_stop giving up on a thread that never checks
 * kthread_should_stop().
 */
#include <keel/completion.h>
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/shell.h>

#define SLEEPER_RESULT 11 /* distinct return values, so the test sees each thread's own */
#define SPINNER_RESULT 22
#define STUCK_RESULT 33

static struct task_struct *sleeper, *spinner;
static unsigned long sleeper_count;
static volatile unsigned long spinner_count; /* volatile: the loop must really store it */
static bool stuck_may_exit;
static struct completion stuck_started;

static int sleeper_fn(void *data)
{
	while (!kthread_should_stop()) {
		WRITE_ONCE(sleeper_count, sleeper_count + 1);
		msleep(10);
	}
	return SLEEPER_RESULT;
}

/* No cond_resched(), no sleep: only preemption by the tick lets anything else run. */
static int spinner_fn(void *data)
{
	while (!kthread_should_stop())
		spinner_count++;
	return SPINNER_RESULT;
}

/* Ignores kthread_should_stop() on purpose; leaves only when the test says so. */
static int stuck_fn(void *data)
{
	complete(&stuck_started);
	while (!READ_ONCE(stuck_may_exit))
		msleep(20);
	return STUCK_RESULT;
}

/* kthread_stop on a thread that ignores it must give up (-ETIMEDOUT), not hang. */
static int test_stuck(void)
{
	struct task_struct *t;
	int ret;

	init_completion(&stuck_started);
	WRITE_ONCE(stuck_may_exit, false);
	t = kthread_run(stuck_fn, NULL, "tkt_stuck");
	if (IS_ERR(t))
		return PTR_ERR(t);
	/* Stopped before it first ran, it would never call stuck_fn (kthread_stop: -EINTR). */
	wait_for_completion(&stuck_started);
	ret = kthread_stop(t);
	console_printf("test_kthread: first kthread_stop(tkt_stuck) returned %d\n", ret);
	WRITE_ONCE(stuck_may_exit, true);
	if (ret == -ETIMEDOUT) /* it now leaves on its own: the second stop collects it */
		ret = kthread_stop(t);
	console_printf("test_kthread: second kthread_stop(tkt_stuck) returned %d\n", ret);
	return 0;
}

static int test_kthread_cmd(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "stuck"))
		return test_stuck();
	console_printf("test_kthread: sleeper=%lu spinner=%lu\n", READ_ONCE(sleeper_count),
		       spinner_count);
	return 0;
}

static const struct shell_command test_kthread_command = {
	.name = "test_kthread",
	.usage = "test_kthread [stuck]",
	.help = "print the test threads' counters; 'stuck': kthread_stop of a deaf thread",
	.run = test_kthread_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_kthread_init(void)
{
	sleeper = kthread_run(sleeper_fn, NULL, "tkt_sleeper");
	if (IS_ERR(sleeper))
		return PTR_ERR(sleeper);
	spinner = kthread_run(spinner_fn, NULL, "tkt_spinner");
	if (IS_ERR(spinner)) {
		kthread_stop(sleeper);
		return PTR_ERR(spinner);
	}
	shell_register_command(&test_kthread_command);
	pr_info("test_kthread: started pids %d and %d\n", sleeper->pid, spinner->pid);
	return 0;
}

static void __exit test_kthread_exit(void)
{
	int sleeper_ret, spinner_ret;

	shell_unregister_command(&test_kthread_command);
	sleeper_ret = kthread_stop(sleeper);
	spinner_ret = kthread_stop(spinner);
	pr_info("test_kthread: stopped: sleeper returned %d after %lu, spinner returned %d\n",
		sleeper_ret, sleeper_count, spinner_ret);
}

module_init(test_kthread_init);
module_exit(test_kthread_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: a sleeping and a CPU-bound kernel thread count; kthread_stop");
