/*
 * Reference solution of the "greet" exercise (docs/modules.md), first half: greet_core holds
 * whom to greet (the parameter `name`) and how many greetings were made, and exports both to
 * greet_user. Try `insmod /lib/modules/greet_core.ko name=Ada`.
 */
#include <keel/module.h>
#include "greet_core.h"

static char *name = "world";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Whom to greet (default: world)");

static unsigned int greetings;

const char *greet_name(void)
{
	return name;
}
EXPORT_SYMBOL_GPL(greet_name);

/* Shell commands run one at a time, so a plain counter is enough. */
unsigned int greet_count(void)
{
	return ++greetings;
}
EXPORT_SYMBOL_GPL(greet_count);

static int __init greet_core_init(void)
{
	pr_info("greet_core: greeting %s\n", name);
	return 0;
}

static void __exit greet_core_exit(void)
{
	pr_info("greet_core: unloaded after %u greeting%s\n", greetings,
		greetings == 1 ? "" : "s");
}

module_init(greet_core_init);
module_exit(greet_core_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: whom to greet and a greeting counter, exported");
