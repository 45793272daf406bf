/*
 * Test module: 255 MiB of .bss (under the loader's 256 MiB limit), more than a 256 MiB machine
 * has free. The file is small (.bss takes no room in it), so only the loader's allocation can
 * fail, and it must say so in one line and give back every page it took.
 */
#include <keel/module.h>

#define BIG_BYTES (255UL << 20)

static char big[BIG_BYTES];

static int __init bigbss_init(void)
{
	/* Touch it through a volatile pointer so the compiler keeps every byte of the array. */
	volatile char *p = big;

	p[0] = 1;
	p[BIG_BYTES - 1] = 2;
	pr_info("test_bigbss: loaded (%d)\n", p[0] + p[BIG_BYTES - 1]);
	return 0;
}

static void __exit bigbss_exit(void)
{
}

module_init(bigbss_init);
module_exit(bigbss_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: a module too big for memory");
