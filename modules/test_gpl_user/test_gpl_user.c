/* Test module: not GPL-compatible but uses a GPL-only symbol: the loader must refuse it. */
#include <keel/module.h>
#include "../test_stack_a/test_stack_a.h"

static int __init gpl_user_init(void)
{
	pr_info("test_gpl_user: secret = %d (must never print)\n", stack_a_secret());
	return 0;
}

static void __exit gpl_user_exit(void)
{
}

module_init(gpl_user_init);
module_exit(gpl_user_exit);

MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("Test: proprietary module using EXPORT_SYMBOL_GPL stack_a_secret");
