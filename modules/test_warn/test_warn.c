/*
 * Test module for <keel/bug.h> and <keel/refcount.h> from a module: loading it fires
 * WARN_ON_ONCE three times (one report), a WARN with a message, and overflows a refcount_t
 * (saturated, one report), then says what the macros returned. tests/test_warn.py reads it.
 */
#include <keel/kernel.h>
#include <keel/module.h>
#include <keel/refcount.h>

static int answer = 41;
module_param(answer, int, 0444);
MODULE_PARM_DESC(answer, "WARN fires unless this is 42 (default: 41)");

static int __init test_warn_init(void)
{
	refcount_t ref = REFCOUNT_INIT(REFCOUNT_MAX);
	int fired = 0;

	for (int i = 0; i < 3; i++)
		fired += WARN_ON_ONCE(i < answer);
	pr_info("test_warn: WARN_ON_ONCE returned true %d times\n", fired);
	if (WARN(answer != 42, "test_warn: answer is %d\n", answer))
		pr_info("test_warn: WARN returned true\n");
	if (!WARN_ON(fired > 3))
		pr_info("test_warn: WARN_ON(false) returned false\n");
	refcount_inc(&ref);
	refcount_inc(&ref);
	pr_info("test_warn: refcount 0x%x after overflow, min(3, 5) = %d\n", refcount_read(&ref),
		min(3, 5));
	return 0;
}

static void __exit test_warn_exit(void)
{
}

module_init(test_warn_init);
module_exit(test_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: WARN_ON/WARN/refcount_t saturation reports from a module");
