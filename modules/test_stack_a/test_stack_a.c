/* Test module: the bottom of a module stack; exports one plain and one GPL-only function. */
#include <keel/module.h>
#include "test_stack_a.h"

int stack_a_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL(stack_a_add);

int stack_a_secret(void)
{
	return STACK_A_SECRET;
}
EXPORT_SYMBOL_GPL(stack_a_secret);

static int __init stack_a_init(void)
{
	pr_info("test_stack_a: loaded\n");
	return 0;
}

static void __exit stack_a_exit(void)
{
	pr_info("test_stack_a: unloaded\n");
}

module_init(stack_a_init);
module_exit(stack_a_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: exports stack_a_add (EXPORT_SYMBOL) and stack_a_secret (GPL-only)");
