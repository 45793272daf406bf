/*
 * hello: the template module. Shows the module API: metadata, parameters with descriptions,
 * and init/exit functions. Try `insmod hello.ko who=Keel count=3`.
 */
#include <keel/module.h>

static char *who = "world";
module_param(who, charp, 0444);
MODULE_PARM_DESC(who, "Whom to greet (default: world)");

static int count = 1;
module_param_range(count, int, 0, 100, 0644); /* the loader refuses anything else */
MODULE_PARM_DESC(count, "How many greetings to print (0-100, default: 1)");

static int __init hello_init(void)
{
	pr_info("hello: loaded (who=%s, count=%d)\n", who, count);
	for (int i = 1; i < count; i++)
		pr_info("hello: hello, %s! (%d)\n", who, i + 1);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("hello: unloaded\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Keel developers");
MODULE_DESCRIPTION("Template module: greets on load and unload");
MODULE_VERSION("1.0");
