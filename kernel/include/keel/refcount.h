/*
 * Reference counts that do not wrap, after Linux's <linux/refcount.h>.
 *
 * A plain atomic_t counter that overflows wraps to negative and then to 0, and the object is
 * freed while still in use; one decremented too often reaches 0 early, same result. refcount_t
 * catches both: on overflow, on increment from 0 (a use after free) and on decrement below 0
 * it warns (once per kind, kernel-wide) and saturates: the count is set to REFCOUNT_SATURATED
 * and stays there, so the object leaks instead of being freed while referenced.
 *
 * Ordering: refcount_dec_and_test() and refcount_sub_and_test() are fully ordered, so the
 * thread that sees 0 also sees every other holder's writes before freeing. The increments are
 * atomic (and on x86 locked anyway). All functions are IRQ-safe and never sleep; modules may use
 * them (refcount_warn_saturate is exported).
 */
#ifndef KEEL_REFCOUNT_H
#define KEEL_REFCOUNT_H

#include <keel/atomic.h>
#include <keel/compiler.h>
#include <keel/types.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }
#define REFCOUNT_MAX INT_MAX
/* Half way into the negatives: far from 0 and from wrapping, whichever way it is then pushed. */
#define REFCOUNT_SATURATED (INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF, /* refcount_add_not_zero/inc_not_zero overflowed */
	REFCOUNT_ADD_OVF,          /* refcount_add/inc overflowed */
	REFCOUNT_ADD_UAF,          /* refcount_add/inc on 0: use after free */
	REFCOUNT_SUB_UAF,          /* refcount_sub_and_test/dec_and_test went below 0 */
	REFCOUNT_DEC_LEAK,         /* refcount_dec reached 0: nobody frees the object */
};

/*
 * Saturates r and warns, once per type for the whole kernel (WARN_ONCE). Called by the
 * inline functions below; not for direct use. Any context. Linux: refcount_warn_saturate().
 */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

/* Sets the count to n (initialization, not concurrent use). Linux: refcount_set(). */
static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

/* The current count (REFCOUNT_SATURATED reads as a large unsigned value). Linux: same. */
static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

/* old + i in int, wrapping instead of undefined, to test whether the addition overflowed. */
static inline int __refcount_sum(int old, int i)
{
	return (int)((unsigned int)old + (unsigned int)i);
}

/*
 * refcount_add_not_zero(i, r) / refcount_inc_not_zero(r): add i (1) unless the count is 0
 * (the object is being freed); true when added. For lookups that find objects whose last
 * reference may be going away. Linux: the same names.
 */
static inline bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			break;
	} while (!atomic_try_cmpxchg(&r->refs, &old, __refcount_sum(old, i)));
	if (unlikely(old < 0 || __refcount_sum(old, i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return old != 0;
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

/*
 * refcount_add(i, r) / refcount_inc(r): take i (1) more references. The caller must already
 * hold one: adding to 0 warns (use after free) and saturates. Linux: the same names.
 */
static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add(i, &r->refs);

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || __refcount_sum(old, i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

/*
 * refcount_sub_and_test(i, r) / refcount_dec_and_test(r): drop i (1) references; true when
 * that was the last, and the caller must free the object. Going below 0 warns and saturates
 * (and returns false: nobody frees). Linux: the same names.
 */
static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub(i, &r->refs);

	if (old == i)
		return true;
	if (unlikely(old < 0 || __refcount_sum(old, -i) < 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

/*
 * refcount_dec(r): drop a reference that is known not to be the last. Reaching 0 here warns
 * (the object would leak) and saturates. Linux: refcount_dec().
 */
static inline void refcount_dec(refcount_t *r)
{
	if (unlikely(atomic_fetch_sub(1, &r->refs) <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

#endif
