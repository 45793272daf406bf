/*
 * Reference solution of the "greet" exercise (docs/modules.md), second half: greet_user uses
 * greet_core's exports, so modpost records the dependency and `modprobe greet_user` loads
 * greet_core first. Its command `greet` prints "hello, NAME (N)".
 */
#include <keel/console.h>
#include <keel/module.h>
#include <keel/shell.h>
#include "../greet_core/greet_core.h"

static int greet_run(int argc, char **argv)
{
	console_printf("hello, %s (%u)\n", greet_name(), greet_count());
	return 0;
}

static const struct shell_command greet_command = {
	.name = "greet",
	.usage = "greet",
	.help = "greet greet_core's name, counting the greetings",
	.run = greet_run,
};

static int __init greet_user_init(void)
{
	return shell_register_command(&greet_command);
}

static void __exit greet_user_exit(void)
{
	shell_unregister_command(&greet_command);
}

module_init(greet_user_init);
module_exit(greet_user_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: the greet command, on top of greet_core");
