/* Test module: an init function but no exit function, so it can never be unloaded. */
#include <keel/module.h>

static int __init permanent_init(void)
{
	pr_info("test_permanent: loaded for good\n");
	return 0;
}

module_init(permanent_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: permanent module (no module_exit)");
