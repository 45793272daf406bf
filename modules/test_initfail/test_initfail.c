/*
 * Test module: init sets up a bit of everything, then fails with -ENODEV without undoing the
 * IRQ handler and the shell command. The loader must roll all of it back: the IRQ and command
 * (with a warning each), the export, the reference on test_stack_a, the memory.
 */
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/shell.h>
#include "../test_stack_a/test_stack_a.h"

#define TEST_INITFAIL_IRQ 5 /* nothing uses it on QEMU's pc machine; shared anyway */

int initfail_symbol(void);

int initfail_symbol(void)
{
	return 7;
}
EXPORT_SYMBOL(initfail_symbol);

static int initfail_dev;

static irqreturn_t initfail_irq(int irq, void *dev_id)
{
	return IRQ_NONE;
}

static int initfail_cmd(int argc, char **argv)
{
	pr_info("test_initfail: command run (must never happen)\n");
	return 0;
}

static const struct shell_command initfail_command = {
	.name = "initfail",
	.usage = "initfail",
	.help = "left registered by test_initfail's failing init",
	.run = initfail_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init initfail_init(void)
{
	char *buffer;
	int err;

	err = request_irq(TEST_INITFAIL_IRQ, initfail_irq, IRQF_SHARED, "test_initfail",
			  &initfail_dev);
	if (err)
		pr_err("test_initfail: request_irq: %d\n", err);
	err = shell_register_command(&initfail_command);
	if (err)
		pr_err("test_initfail: shell_register_command: %d\n", err);
	buffer = kmalloc(4096, GFP_KERNEL);
	if (buffer) {
		snprintf(buffer, 4096, "%d", stack_a_add(initfail_symbol(), 1));
		pr_info("test_initfail: set up (stack_a_add -> %s), now failing with -ENODEV\n",
			buffer);
		kfree(buffer);
	}
	return -ENODEV;
}

static void __exit initfail_exit(void)
{
	free_irq(TEST_INITFAIL_IRQ, &initfail_dev);
	shell_unregister_command(&initfail_command);
}

module_init(initfail_init);
module_exit(initfail_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: init fails after registering an IRQ, a command and an export");
