/*
 * Test module: declares test_stack_a's stack_a_add itself with another prototype, so the CRC
 * in its __versions differs from the export's: the loader must refuse it.
 */
#include <keel/module.h>

long stack_a_add(long a, long b, long c);

static int __init badcrc_init(void)
{
	pr_info("test_badcrc: %ld (must never print)\n", stack_a_add(1, 2, 3));
	return 0;
}

static void __exit badcrc_exit(void)
{
}

module_init(badcrc_init);
module_exit(badcrc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: uses stack_a_add with a prototype that disagrees with its export");
