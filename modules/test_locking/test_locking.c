/*
 * Test module and example of what NOT to do: each `test_locking <case>` misuses a lock on
 * purpose so the debugging checks report it (with a backtrace naming the function below) and
 * the system carries on:
 *   spin_msleep   msleep() while holding a spinlock
 *   spin_mutex    mutex_lock() while holding a spinlock
 *   irqs_off      might_sleep() with interrupts disabled
 *   recursion     spin_lock() of a spinlock the caller already holds
 */
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/irqflags.h>
#include <keel/module.h>
#include <keel/mutex.h>
#include <keel/sched.h>
#include <keel/shell.h>
#include <keel/spinlock.h>

static DEFINE_SPINLOCK(test_lock);
static DEFINE_MUTEX(test_mutex);

static __noinline void test_locking_spin_msleep(void)
{
	spin_lock(&test_lock);
	msleep(1); /* BUG: sleeping with preemption disabled */
	spin_unlock(&test_lock);
}

static __noinline void test_locking_spin_mutex(void)
{
	spin_lock(&test_lock);
	mutex_lock(&test_mutex); /* BUG: may sleep; free here, so it does not actually */
	mutex_unlock(&test_mutex);
	spin_unlock(&test_lock);
}

static __noinline void test_locking_irqs_off(void)
{
	unsigned long flags;

	local_irq_save(flags);
	might_sleep(); /* BUG: interrupts are off */
	local_irq_restore(flags);
}

static __noinline void test_locking_recursion(void)
{
	spin_lock(&test_lock);
	spin_lock(&test_lock); /* BUG: reported instead of spinning forever */
	spin_unlock(&test_lock);
	/* The second spin_lock took nothing but did disable preemption: give that back. */
	preempt_enable();
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "spin_msleep", test_locking_spin_msleep },
	{ "spin_mutex", test_locking_spin_mutex },
	{ "irqs_off", test_locking_irqs_off },
	{ "recursion", test_locking_recursion },
};

static int test_locking_cmd(int argc, char **argv)
{
	for (unsigned int i = 0; argc == 2 && i < ARRAY_SIZE(cases); i++) {
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			console_printf("test_locking: %s done, preempt count %d, irqs %s\n",
				       cases[i].name, preempt_count(),
				       irqs_disabled() ? "off" : "on");
			return 0;
		}
	}
	return -EINVAL;
}

static const struct shell_command test_locking_command = {
	.name = "test_locking",
	.usage = "test_locking spin_msleep|spin_mutex|irqs_off|recursion",
	.help = "misuse a lock on purpose; the lock checks report it",
	.run = test_locking_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_locking_init(void)
{
	return shell_register_command(&test_locking_command);
}

static void __exit test_locking_exit(void)
{
	shell_unregister_command(&test_locking_command);
}

module_init(test_locking_init);
module_exit(test_locking_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: sleeping in atomic context and spinlock recursion are reported");
