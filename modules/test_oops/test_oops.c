/* Test module: its init faults on a bad pointer, so the oops must name it and its function. */
#include <keel/module.h>

/* A non-canonical address: any access raises #GP, whatever is mapped. */
#define TEST_OOPS_BAD_POINTER ((volatile int *)0xdead00000000beefUL)

static __noinline int test_oops_poke(volatile int *p)
{
	*p = 0x0bad;
	return *p;
}

static int __init test_oops_init(void)
{
	pr_info("test_oops: about to dereference %p\n", (void *)TEST_OOPS_BAD_POINTER);
	return test_oops_poke(TEST_OOPS_BAD_POINTER);
}

static void __exit test_oops_exit(void)
{
}

module_init(test_oops_init);
module_exit(test_oops_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: oopses in its init function");
