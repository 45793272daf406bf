/*
 * Test module: exports a function under the name "stack_a_add", which test_stack_a exports too.
 * Loaded alone it works; while test_stack_a is loaded the loader must refuse it (a name is
 * exported once). modpost rejects two exports of one name in one build, as it should, so the
 * __ksymtab entry is written by hand instead of with EXPORT_SYMBOL: this module stands for one
 * built elsewhere, which only the kernel's own check can catch.
 */
#include <keel/module.h>

static int dupexport_add(int a, int b)
{
	return a - b;
}

static const struct kernel_symbol dupexport_ksymtab_entry __used
	__section("__ksymtab+stack_a_add") __aligned(8) = {
	.addr = (unsigned long)dupexport_add,
	.name = "stack_a_add",
	.crc = 0,
	.flags = 0,
};

static int __init dupexport_init(void)
{
	pr_info("test_dupexport: loaded, exporting stack_a_add\n");
	return 0;
}

static void __exit dupexport_exit(void)
{
	pr_info("test_dupexport: unloaded\n");
}

module_init(dupexport_init);
module_exit(dupexport_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: exports stack_a_add, which test_stack_a exports too");
