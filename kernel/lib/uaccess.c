/*
 * copy_from_user and friends (<keel/uaccess.h>). Each user access is one instruction with an
 * exception-table entry: a fault there resumes at the label after it, where the registers say
 * how far it got. "rep movsb"/"rep stosb" fault precisely, with RCX = bytes left.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/sched.h>
#include <keel/uaccess.h>

static inline void stac(void)
{
	if (smap_enabled)
		__asm__ __volatile__("stac" ::: "memory");
}

static inline void clac(void)
{
	if (smap_enabled)
		__asm__ __volatile__("clac" ::: "memory");
}

/* A user range the current task may touch: it has an address space and the range is below
 * TASK_SIZE. Kernel threads have no user memory at all. */
static bool user_range_ok(const void *p, unsigned long n)
{
	return current->mm && access_ok(p, n);
}

static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	stac();
	__asm__ __volatile__("1: rep movsb\n"
			     "2:\n\t" _ASM_EXTABLE(1b, 2b)
			     : "+c"(n), "+D"(to), "+S"(from)
			     :
			     : "memory");
	clac();
	return n;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left;

	if (!user_range_ok(from, n))
		return n;
	left = raw_copy(to, from, n);
	if (left) /* Linux's rule: the rest of the kernel buffer is not left uninitialised */
		__builtin_memset((char *)to + (n - left), 0, left);
	return left;
}
EXPORT_SYMBOL(copy_from_user);

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!user_range_ok(to, n))
		return n;
	return raw_copy(to, from, n);
}
EXPORT_SYMBOL(copy_to_user);

unsigned long clear_user(void __user *to, unsigned long n)
{
	if (!user_range_ok(to, n))
		return n;
	stac();
	__asm__ __volatile__("1: rep stosb\n"
			     "2:\n\t" _ASM_EXTABLE(1b, 2b)
			     : "+c"(n), "+D"(to)
			     : "a"(0)
			     : "memory");
	clac();
	return n;
}
EXPORT_SYMBOL(clear_user);

/* One user byte into *c: 0, or -EFAULT (the fixup skips the instruction that clears err). */
static int get_user_u8(char *c, const char __user *p)
{
	int err;
	char v = 0;

	stac();
	__asm__ __volatile__("movl %[efault], %[err]\n"
			     "1: movb (%[p]), %[v]\n\t"
			     "xorl %[err], %[err]\n"
			     "2:\n\t" _ASM_EXTABLE(1b, 2b)
			     : [err] "=&r"(err), [v] "+q"(v)
			     : [p] "r"(p), [efault] "i"(-EFAULT)
			     : "memory");
	clac();
	*c = v;
	return err;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long i;

	if (count <= 0)
		return 0;
	for (i = 0; i < count; i++) {
		if (!user_range_ok(src + i, 1) || get_user_u8(&dst[i], src + i))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}
EXPORT_SYMBOL(strncpy_from_user);
