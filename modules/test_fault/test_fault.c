/*
 * Test module: kernel threads that fault, for the oops's task line and the stack guard page.
 * Each case halts the machine (an oops does), so the tests boot once per case.
 *   test_fault null      a thread dereferences NULL: the oops names the thread and function
 *   test_fault overflow  a thread recurses without bound into its stack's guard page:
 *                        "BUG: kernel stack overflow"
 *   test_fault overflow-shell  the same in the shell's own task (init, pid 1), whose stack
 *                        nested commands use: its guard page must catch it too
 */
#include <keel/console.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/shell.h>

static volatile int no_depth_limit = -1; /* volatile: the compiler cannot see the end */

static __noinline int test_fault_null_deref(volatile int *p)
{
	return *p;
}

static int null_fn(void *data)
{
	return test_fault_null_deref(data);
}

/* 256 bytes of stack per call and a use of the frame after the call: no tail call. */
static __noinline int test_fault_recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth == no_depth_limit)
		return 0;
	return test_fault_recurse(depth + 1) + pad[0];
}

static int overflow_fn(void *data)
{
	return test_fault_recurse(0);
}

static int test_fault_cmd(int argc, char **argv)
{
	struct task_struct *t;

	if (argc != 2)
		return -EINVAL;
	if (!strcmp(argv[1], "overflow-shell"))
		return test_fault_recurse(0);
	if (!strcmp(argv[1], "null"))
		t = kthread_run(null_fn, NULL, "tflt_null");
	else if (!strcmp(argv[1], "overflow"))
		t = kthread_run(overflow_fn, NULL, "tflt_overflow");
	else
		return -EINVAL;
	if (IS_ERR(t))
		return PTR_ERR(t);
	console_printf("test_fault: started %s (pid %d)\n", t->comm, t->pid);
	return 0;
}

static const struct shell_command test_fault_command = {
	.name = "test_fault",
	.usage = "test_fault null|overflow|overflow-shell",
	.help = "start a kernel thread that oopses (halts the machine)",
	.run = test_fault_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_fault_init(void)
{
	return shell_register_command(&test_fault_command);
}

static void __exit test_fault_exit(void)
{
	shell_unregister_command(&test_fault_command);
}

module_init(test_fault_init);
module_exit(test_fault_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: oopses in kernel threads (NULL pointer, stack overflow)");
