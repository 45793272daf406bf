/* Test module: a proprietary module using only plain exports; it loads and taints the kernel. */
#include <keel/module.h>

static int __init proprietary_init(void)
{
	pr_info("test_proprietary: loaded, strlen(\"taint\") = %zu\n", strlen("taint"));
	return 0;
}

static void __exit proprietary_exit(void)
{
	pr_info("test_proprietary: unloaded\n");
}

module_init(proprietary_init);
module_exit(proprietary_exit);

MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("Test: non-GPL module (taints the kernel with P)");
