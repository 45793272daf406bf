/*
 * Access to user memory from the kernel (Linux's <linux/uaccess.h>). Every pointer that came
 * from user space goes through these: a bad one (unmapped, outside every VMA, or in the kernel
 * half) gives -EFAULT or a short count, never an oops. A fault inside them is fixed up through
 * the exception table (__ex_table: faulting instruction -> where to resume); a fault on a
 * valid but not yet present page is served by demand paging first. With SMAP on, they open
 * user access with stac and close it with clac. Task context (they may fault pages in).
 */
#ifndef KEEL_UACCESS_H
#define KEEL_UACCESS_H

#include <keel/mm_types.h>
#include <keel/types.h>

/* Marks pointers into user space (Linux's sparse annotation; documentation only here). */
#ifndef __user
#define __user
#endif

/* One exception-table entry: where a fault may happen, and where to continue instead. */
struct exception_table_entry {
	unsigned long insn, fixup;
};

#define _ASM_EXTABLE(from, to)                                                              \
	".pushsection __ex_table, \"a\"\n\t.balign 8\n\t.quad " #from ", " #to               \
	"\n\t.popsection\n\t"

/* Whether [addr, addr + size) lies entirely below TASK_SIZE (no wrap). Follows Linux's
 * access_ok(); says nothing about what is mapped there. */
static inline bool access_ok(const void *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return size <= TASK_SIZE && a <= TASK_SIZE - size;
}

/* Bytes NOT copied (0 on success): the copy stops at the first bad byte, or copies nothing
 * when the range fails access_ok or the caller has no address space. Follow Linux's
 * copy_from_user()/copy_to_user(). */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
/* Zeroes n user bytes; returns the bytes NOT cleared. Follows Linux's clear_user(). */
unsigned long clear_user(void __user *to, unsigned long n);
/*
 * Copies a NUL-terminated string of at most count bytes (NUL included when it fits) into dst.
 * Returns its length without the NUL; count when no NUL came within count bytes (dst is then
 * not terminated); -EFAULT on a bad address. Follows Linux's strncpy_from_user().
 */
long strncpy_from_user(char *dst, const char __user *src, long count);

extern bool smap_enabled; /* CR4.SMAP is on: stac/clac are needed (and exist) */

#endif
