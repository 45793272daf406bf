/* Test module: stacked on test_stack_a (modpost records depends=test_stack_a). */
#include <keel/module.h>
#include "../test_stack_a/test_stack_a.h"

static int __init stack_b_init(void)
{
	pr_info("test_stack_b: stack_a_add(40, 2) = %d, stack_a_secret() = %d\n",
		stack_a_add(40, 2), stack_a_secret());
	return 0;
}

static void __exit stack_b_exit(void)
{
	pr_info("test_stack_b: unloaded\n");
}

module_init(stack_b_init);
module_exit(stack_b_exit);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Test: uses both of test_stack_a's exports");
