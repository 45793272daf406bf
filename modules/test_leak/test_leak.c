/*
 * Test module: allocates blocks of known sizes (a small one, a slab-sized one, one larger than a
 * page, and a kstrdup of its tag parameter) and never frees them. The loader must reclaim them
 * when the module is removed -- or at once with fail=1, where init fails after allocating -- and
 * say so in one warning naming the module and the exact byte count. The tag string itself is
 * the kernel's (params), so it must survive the reclaim and be freed by the kernel, once.
 */
#include <keel/module.h>

#define LEAK_SMALL 24
#define LEAK_SLAB 1000
#define LEAK_LARGE 5000 /* more than a page: a large block of its own */

static char *tag = "leak";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "Copied with kstrdup and leaked (default: leak)");

static bool fail;
module_param(fail, bool, 0444);
MODULE_PARM_DESC(fail, "Fail init with -EAGAIN after allocating");

/* The pointers are kept so the blocks are leaks of a live module, not lost ones. */
static void *leaked[4];

static int __init test_leak_init(void)
{
	size_t total;

	leaked[0] = kmalloc(LEAK_SMALL, GFP_KERNEL);
	leaked[1] = kzalloc(LEAK_SLAB, GFP_KERNEL);
	leaked[2] = kmalloc(LEAK_LARGE, GFP_KERNEL);
	leaked[3] = kstrdup(tag, GFP_KERNEL);
	for (unsigned int i = 0; i < ARRAY_SIZE(leaked); i++)
		if (!leaked[i])
			return -ENOMEM; /* what was allocated is reclaimed all the same */
	total = LEAK_SMALL + LEAK_SLAB + LEAK_LARGE + strlen(tag) + 1;
	pr_info("test_leak: holding 4 allocations (%zu bytes), freeing none\n", total);
	return fail ? -EAGAIN : 0;
}

static void __exit test_leak_exit(void)
{
	pr_info("test_leak: unloading without freeing\n");
}

module_init(test_leak_init);
module_exit(test_leak_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: leaks kmalloc blocks for the loader to reclaim");
