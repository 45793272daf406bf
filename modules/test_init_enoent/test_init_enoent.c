/* Test module: init fails with -ENOENT, which modprobe must not report as "not found". */
#include <keel/module.h>

static int __init init_enoent_init(void)
{
	pr_info("test_init_enoent: init returns -ENOENT\n");
	return -ENOENT;
}

module_init(init_enoent_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: an init that fails with -ENOENT");
