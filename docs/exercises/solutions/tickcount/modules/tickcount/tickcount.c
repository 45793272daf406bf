/*
 * Reference solution of the "tickcount" exercise (docs/sched.md): a kernel thread named
 * "tickcount" wakes every period_ms milliseconds and counts its wake-ups and the timer ticks
 * (jiffies) that passed; the `tickcount` command prints both. rmmod stops the thread.
 */
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/shell.h>

static unsigned int period_ms = 50;
module_param_range(period_ms, uint, 1, 10000, 0444);
MODULE_PARM_DESC(period_ms, "Sleep between two wake-ups, in ms (1-10000, default 50)");

static struct task_struct *thread;
static unsigned long wakeups, ticks;

static int tickcount_fn(void *data)
{
	unsigned long last = jiffies;

	while (!kthread_should_stop()) {
		msleep(period_ms);
		/* Written here, read by the command in another task: no torn or cached values. */
		WRITE_ONCE(wakeups, wakeups + 1);
		WRITE_ONCE(ticks, ticks + (jiffies - last));
		last = jiffies;
	}
	return 0;
}

static int tickcount_run(int argc, char **argv)
{
	if (argc != 1) {
		console_puts("usage: tickcount\n");
		return 1;
	}
	console_printf("tickcount: %lu wakeups, %lu ticks\n", READ_ONCE(wakeups),
		       READ_ONCE(ticks));
	return 0;
}

static const struct shell_command tickcount_command = {
	.name = "tickcount",
	.usage = "tickcount",
	.help = "wake-ups and timer ticks counted by the tickcount thread",
	.run = tickcount_run,
};

static int __init tickcount_init(void)
{
	int err;

	thread = kthread_run(tickcount_fn, NULL, "tickcount");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	err = shell_register_command(&tickcount_command);
	if (err)
		kthread_stop(thread);
	return err;
}

static void __exit tickcount_exit(void)
{
	shell_unregister_command(&tickcount_command);
	kthread_stop(thread);
}

module_init(tickcount_init);
module_exit(tickcount_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: a kthread counting its wake-ups and timer ticks");
