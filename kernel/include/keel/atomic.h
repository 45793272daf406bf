/*
 * Atomic integers, after Linux's <linux/atomic.h>: atomic_t (int), atomic64_t (s64) and
 * atomic_long_t (long), with the same operation names and ordering rules:
 *
 * - read/set are plain (but untorn) accesses, no ordering;
 * - operations that return nothing (add, sub, inc, dec) are atomic but unordered;
 * - operations that return something (*_return, fetch_*, *_and_test, [try_]cmpxchg, xchg,
 *   inc_not_zero) are atomic and fully ordered, like smp_mb() before and after.
 *
 * They are built on the compiler's __atomic builtins, which become lock-prefixed instructions
 * (lock xadd, lock cmpxchg...) on x86_64 with no library call, with gcc and clang, freestanding.
 * Arithmetic wraps around in two's complement like Linux's (C11 defines that for atomics); a
 * count that must not wrap wants <keel/refcount.h>.
 *
 * The three families are generated from one template (__KEEL_ATOMIC_OPS below) so they cannot
 * drift apart; each function is documented once, by its atomic_t name. All are IRQ-safe, never
 * sleep, and may be used by modules (they are inline: nothing to export).
 */
#ifndef KEEL_ATOMIC_H
#define KEEL_ATOMIC_H

#include <keel/barrier.h>
#include <keel/compiler.h>
#include <keel/types.h>

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

/* Static initializers: static atomic_t users = ATOMIC_INIT(0); */
#define ATOMIC_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }

#define __ATOMIC_RET __ATOMIC_SEQ_CST /* value-returning operations: fully ordered */

/*
 * The operations for one family: prefix (atomic, atomic64, atomic_long), its type, the counter's
 * type T and the unsigned type UT of the same width (for arithmetic that must wrap, not be
 * undefined, outside the builtins).
 *
 * T atomic_read(const atomic_t *v)            the value
 * void atomic_set(atomic_t *v, T i)           stores i
 * void atomic_add/sub(T i, atomic_t *v)       v += i / v -= i
 * void atomic_inc/dec(atomic_t *v)            v += 1 / v -= 1
 * T atomic_add_return/sub_return(T i, v)      the new value
 * T atomic_inc_return/dec_return(v)           the new value
 * T atomic_fetch_add/fetch_sub(T i, v)        the old value
 * bool atomic_sub_and_test(T i, v)            v -= i; true when the result is 0
 * bool atomic_dec_and_test/inc_and_test(v)    v -= 1 / v += 1; true when the result is 0
 * bool atomic_add_negative(T i, v)            v += i; true when the result is negative
 * T atomic_xchg(v, T new)                     stores new, returns the old value
 * T atomic_cmpxchg(v, T old, T new)           stores new if v == old; returns what v was
 * bool atomic_try_cmpxchg(v, T *old, T new)   stores new if v == *old and returns true; else
 *                                             puts v's value in *old and returns false
 * T atomic_fetch_add_unless(v, T a, T u)      v += a unless v == u; returns the old value
 * bool atomic_add_unless(v, T a, T u)         the same; true when it added
 * bool atomic_inc_not_zero(v)                 v += 1 unless v == 0; true when it added
 */
#define __KEEL_ATOMIC_OPS(pfx, atype, T, UT)                                               \
	static __always_inline T pfx##_read(const atype *v)                                \
	{                                                                                  \
		return READ_ONCE(v->counter);                                              \
	}                                                                                  \
	static __always_inline void pfx##_set(atype *v, T i)                               \
	{                                                                                  \
		WRITE_ONCE(v->counter, i);                                                 \
	}                                                                                  \
	static __always_inline void pfx##_add(T i, atype *v)                               \
	{                                                                                  \
		__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);                      \
	}                                                                                  \
	static __always_inline void pfx##_sub(T i, atype *v)                               \
	{                                                                                  \
		__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);                      \
	}                                                                                  \
	static __always_inline void pfx##_inc(atype *v) { pfx##_add(1, v); }               \
	static __always_inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }               \
	static __always_inline T pfx##_add_return(T i, atype *v)                           \
	{                                                                                  \
		return __atomic_add_fetch(&v->counter, i, __ATOMIC_RET);                   \
	}                                                                                  \
	static __always_inline T pfx##_sub_return(T i, atype *v)                           \
	{                                                                                  \
		return __atomic_sub_fetch(&v->counter, i, __ATOMIC_RET);                   \
	}                                                                                  \
	static __always_inline T pfx##_inc_return(atype *v) { return pfx##_add_return(1, v); } \
	static __always_inline T pfx##_dec_return(atype *v) { return pfx##_sub_return(1, v); } \
	static __always_inline T pfx##_fetch_add(T i, atype *v)                            \
	{                                                                                  \
		return __atomic_fetch_add(&v->counter, i, __ATOMIC_RET);                   \
	}                                                                                  \
	static __always_inline T pfx##_fetch_sub(T i, atype *v)                            \
	{                                                                                  \
		return __atomic_fetch_sub(&v->counter, i, __ATOMIC_RET);                   \
	}                                                                                  \
	static __always_inline bool pfx##_sub_and_test(T i, atype *v)                      \
	{                                                                                  \
		return pfx##_sub_return(i, v) == 0;                                        \
	}                                                                                  \
	static __always_inline bool pfx##_dec_and_test(atype *v)                           \
	{                                                                                  \
		return pfx##_sub_return(1, v) == 0;                                        \
	}                                                                                  \
	static __always_inline bool pfx##_inc_and_test(atype *v)                           \
	{                                                                                  \
		return pfx##_add_return(1, v) == 0;                                        \
	}                                                                                  \
	static __always_inline bool pfx##_add_negative(T i, atype *v)                      \
	{                                                                                  \
		return pfx##_add_return(i, v) < 0;                                         \
	}                                                                                  \
	static __always_inline T pfx##_xchg(atype *v, T new)                               \
	{                                                                                  \
		return __atomic_exchange_n(&v->counter, new, __ATOMIC_RET);                \
	}                                                                                  \
	static __always_inline bool pfx##_try_cmpxchg(atype *v, T *old, T new)             \
	{                                                                                  \
		return __atomic_compare_exchange_n(&v->counter, old, new, false,           \
						   __ATOMIC_RET, __ATOMIC_RET);            \
	}                                                                                  \
	static __always_inline T pfx##_cmpxchg(atype *v, T old, T new)                     \
	{                                                                                  \
		pfx##_try_cmpxchg(v, &old, new);                                           \
		return old;                                                                \
	}                                                                                  \
	static __always_inline T pfx##_fetch_add_unless(atype *v, T a, T u)                \
	{                                                                                  \
		T c = pfx##_read(v);                                                       \
                                                                                           \
		do {                                                                       \
			if (unlikely(c == u))                                              \
				break;                                                     \
		} while (!pfx##_try_cmpxchg(v, &c, (T)((UT)c + (UT)a)));                  \
		return c;                                                                  \
	}                                                                                  \
	static __always_inline bool pfx##_add_unless(atype *v, T a, T u)                   \
	{                                                                                  \
		return pfx##_fetch_add_unless(v, a, u) != u;                               \
	}                                                                                  \
	static __always_inline bool pfx##_inc_not_zero(atype *v)                           \
	{                                                                                  \
		return pfx##_add_unless(v, 1, 0);                                          \
	}

__KEEL_ATOMIC_OPS(atomic, atomic_t, int, unsigned int)
__KEEL_ATOMIC_OPS(atomic64, atomic64_t, s64, u64)
__KEEL_ATOMIC_OPS(atomic_long, atomic_long_t, long, unsigned long)

/*
 * The same exchanges on plain scalars (1, 2, 4 or 8 bytes), fully ordered. Linux: xchg(),
 * cmpxchg() (returns the old value), try_cmpxchg() (true on success, else *pold updated).
 */
#define xchg(ptr, v) __atomic_exchange_n(ptr, v, __ATOMIC_RET)
#define try_cmpxchg(ptr, pold, new)                                                        \
	__atomic_compare_exchange_n(ptr, pold, new, false, __ATOMIC_RET, __ATOMIC_RET)
#define cmpxchg(ptr, old, new) __cmpxchg_once(ptr, old, new, __UNIQUE_ID(old_))
#define __cmpxchg_once(ptr, old, new, o)                                                   \
	({                                                                                 \
		__typeof__(*(ptr)) o = (old);                                              \
		try_cmpxchg(ptr, &o, new);                                                 \
		o;                                                                         \
	})

#endif
