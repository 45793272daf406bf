/*
 * Test module: the old "GPL\0..." trick (tools that stop at the NUL read "GPL"). Keel reads the
 * whole licence string, which is not GPL-compatible, so the GPL-only symbol is refused.
 */
#include <keel/module.h>
#include "../test_stack_a/test_stack_a.h"

static int __init gpl_trick_init(void)
{
	pr_info("test_gpl_trick: secret = %d (must never print)\n", stack_a_secret());
	return 0;
}

static void __exit gpl_trick_exit(void)
{
}

module_init(gpl_trick_init);
module_exit(gpl_trick_exit);

MODULE_LICENSE("GPL\0for files in the GPL directory");
MODULE_DESCRIPTION("Test: licence with an embedded NUL using a GPL-only symbol");
