/* Test module: uses test_initfail's export, which never survives (that module's init fails). */
#include <keel/module.h>

int initfail_symbol(void);

static int __init initfail_user_init(void)
{
	pr_info("test_initfail_user: initfail_symbol() = %d (must never print)\n",
		initfail_symbol());
	return 0;
}

static void __exit initfail_user_exit(void)
{
}

module_init(initfail_user_init);
module_exit(initfail_user_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: needs initfail_symbol, exported by test_initfail");
