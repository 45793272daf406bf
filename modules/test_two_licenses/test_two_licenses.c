/* Test module: two licence tags, one proprietary; the taint message must name that one. */
#include <keel/module.h>

static int __init two_licenses_init(void)
{
	return 0;
}

static void __exit two_licenses_exit(void)
{
}

module_init(two_licenses_init);
module_exit(two_licenses_exit);

MODULE_LICENSE("GPL");
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("Test: a GPL and a proprietary licence tag");
