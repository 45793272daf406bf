/*
 * Test module: code that tries to unload its own module while it runs (tests/test_modref.py).
 * Each call into it from the kernel holds a reference, so every attempt must be refused with
 * EBUSY and return here safely:
 *   modref_self   a shell command running rmmod of its own module;
 *   modref_sleep  a command that sleeps while a work item (another task) runs the rmmod;
 *   modref_work   a work item of the module running the rmmod itself, no command running.
 * hooks.c does the same from a line discipline, a tty driver and a console.
 */
#include <keel/completion.h>
#include <keel/console.h>
#include <keel/module.h>
#include <keel/shell.h>
#include <keel/workqueue.h>
#include "test_modref.h"

static struct work_struct rmmod_work;
static struct completion rmmod_done;
static int rmmod_result;

/* The shell's rmmod says why it failed and returns 1: turned into -EBUSY for our callers. */
int modref_rmmod_self(const char *who)
{
	int ret = shell_execute("rmmod test_modref");

	console_printf("test_modref: %s: rmmod %s\n", who, ret ? "refused" : "succeeded");
	return ret ? -EBUSY : 0;
}

static void rmmod_work_fn(struct work_struct *work)
{
	rmmod_result = modref_rmmod_self("work");
	complete(&rmmod_done);
}

static int modref_self_run(int argc, char **argv)
{
	return modref_rmmod_self("command");
}

/* Sleeps until the work has tried: the command is running all along. */
static int modref_sleep_run(int argc, char **argv)
{
	reinit_completion(&rmmod_done);
	schedule_work(&rmmod_work);
	wait_for_completion(&rmmod_done);
	console_printf("test_modref: sleep: woke up, work's rmmod gave %d\n", rmmod_result);
	return rmmod_result;
}

/* Queues the work and returns: the work's own code is what stands in the way then. */
static int modref_work_run(int argc, char **argv)
{
	reinit_completion(&rmmod_done);
	schedule_work(&rmmod_work);
	return 0;
}

static int modref_wait_run(int argc, char **argv)
{
	wait_for_completion(&rmmod_done);
	console_printf("test_modref: wait: work's rmmod gave %d\n", rmmod_result);
	return 0;
}

static const struct shell_command modref_commands[] = {
	{ "modref_self", "modref_self", "rmmod of test_modref from its own command", modref_self_run,
	  SHELL_CMD_DEBUG, NULL },
	{ "modref_sleep", "modref_sleep", "sleep while a work item tries rmmod", modref_sleep_run,
	  SHELL_CMD_DEBUG, NULL },
	{ "modref_work", "modref_work", "queue a work item that tries rmmod", modref_work_run,
	  SHELL_CMD_DEBUG, NULL },
	{ "modref_wait", "modref_wait", "wait for modref_work's attempt", modref_wait_run,
	  SHELL_CMD_DEBUG, NULL },
};

static void modref_unregister_commands(unsigned int n)
{
	while (n--)
		shell_unregister_command(&modref_commands[n]);
}

static int modref_register_commands(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(modref_commands); i++) {
		int err = shell_register_command(&modref_commands[i]);

		if (err) {
			modref_unregister_commands(i);
			return err;
		}
	}
	return 0;
}

static int __init modref_init(void)
{
	int err;

	INIT_WORK(&rmmod_work, rmmod_work_fn);
	init_completion(&rmmod_done);
	err = modref_register_commands();
	if (err)
		return err;
	err = modref_hooks_init();
	if (err)
		goto out_unregister_commands;
	return 0;

out_unregister_commands:
	modref_unregister_commands(ARRAY_SIZE(modref_commands));
	return err;
}

static void __exit modref_exit(void)
{
	modref_hooks_exit();
	cancel_work_sync(&rmmod_work);
	modref_unregister_commands(ARRAY_SIZE(modref_commands));
	pr_info("test_modref: unloaded\n");
}

module_init(modref_init);
module_exit(modref_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: module code running rmmod of its own module is refused (EBUSY)");
