/*
 * Test module: a kernel thread that never checks kthread_should_stop() (it loops with msleep
 * forever). Its exit calls kthread_stop() anyway: that must be reported after
 * KTHREAD_STOP_TIMEOUT_MS instead of hanging, and rmmod must keep the module's memory (the
 * thread still runs its code) while the shell keeps working.
 */
#include <keel/completion.h>
#include <keel/delay.h>
#include <keel/kthread.h>
#include <keel/module.h>

static struct task_struct *stuck_task;
static unsigned long loops;
static DECLARE_COMPLETION(stuck_running);

static int stuck_fn(void *data)
{
	complete(&stuck_running);
	for (;;) { /* the bug on purpose: kthread_should_stop() is never called */
		msleep(50);
		loops++;
	}
	return 0;
}

static int __init stuck_init(void)
{
	stuck_task = kthread_run(stuck_fn, NULL, "test_stuck");
	if (IS_ERR(stuck_task))
		return PTR_ERR(stuck_task);
	/* A thread stopped before it ever ran just returns -EINTR: make sure it is looping. */
	wait_for_completion(&stuck_running);
	pr_info("test_stuck_thread: loaded; its thread ignores kthread_stop\n");
	return 0;
}

static void __exit stuck_exit(void)
{
	int ret = kthread_stop(stuck_task);

	pr_info("test_stuck_thread: kthread_stop returned %d after %lu loops\n", ret, loops);
}

module_init(stuck_init);
module_exit(stuck_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: a kthread that ignores kthread_should_stop");
