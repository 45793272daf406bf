/*
 * Overflow-checked arithmetic for sizes, as in Linux's <linux/overflow.h>: an allocation size
 * computed as n * size must not wrap to something small, or the caller writes past the block.
 *
 * check_add_overflow(a, b, d), check_sub_overflow(a, b, d), check_mul_overflow(a, b, d):
 *   store a op b in *d (wrapped to d's type) and return true when the exact result did not fit
 *   in *d's type. a, b and *d may have any integer types. Any context.
 * size_add(a, b), size_mul(a, b), array_size(n, size): size_t arithmetic that saturates at
 *   SIZE_MAX instead of wrapping, so an allocator given the result fails cleanly.
 * struct_size(p, member, count): bytes for *p with a flexible array member of count entries,
 *   saturating like size_mul/size_add.
 */
#ifndef KEEL_OVERFLOW_H
#define KEEL_OVERFLOW_H

#include <keel/types.h>

/* Makes ignoring the verdict a compiler warning (hence an error), as Linux does. */
static inline __attribute__((warn_unused_result)) bool __must_check_overflow(bool overflow)
{
	return __builtin_expect(overflow, 0);
}

#define check_add_overflow(a, b, d) __must_check_overflow(__builtin_add_overflow(a, b, d))
#define check_sub_overflow(a, b, d) __must_check_overflow(__builtin_sub_overflow(a, b, d))
#define check_mul_overflow(a, b, d) __must_check_overflow(__builtin_mul_overflow(a, b, d))

static inline size_t size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(n, size) size_mul(n, size)

#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member), count))

#endif
