/*
 * sysdemo: a system call added by a module (<keel/syscall.h>). Call 500 with (buf, size, a,
 * b) writes "sysdemo: a + b = SUM" into the user buffer (copy_to_user, so a bad pointer is
 * EFAULT) and returns the string's length. tests/user/sysdemo.c calls it with syscall(2).
 */
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/sprintf.h>
#include <keel/syscall.h>
#include <keel/uaccess.h>

#define SYSDEMO_NR 500

static long sys_sysdemo(unsigned long buf, unsigned long size, unsigned long a,
			unsigned long b, unsigned long unused4, unsigned long unused5)
{
	char text[64];
	int len = scnprintf(text, sizeof(text), "sysdemo: %lu + %lu = %lu", a, b, a + b);

	if (size < (unsigned long)len + 1)
		return -ERANGE;
	if (copy_to_user((void __user *)buf, text, len + 1))
		return -EFAULT;
	return len;
}

static int __init sysdemo_init(void)
{
	return syscall_register(SYSDEMO_NR, sys_sysdemo, THIS_MODULE);
}

static void __exit sysdemo_exit(void)
{
	syscall_unregister(SYSDEMO_NR);
}

module_init(sysdemo_init);
module_exit(sysdemo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Adds system call 500, which adds two numbers into a user buffer");
