/*
 * min/max/clamp and swap, after Linux's <linux/minmax.h> (included by <keel/kernel.h>).
 *
 * Why not the classic ((a) < (b) ? (a) : (b)): it evaluates an argument twice (min(i++, n)
 * increments twice) and silently compares a signed with an unsigned value (min(-1, 1u) is 1u).
 * These macros evaluate each argument exactly once, into a temporary of the argument's own type,
 * and compare the addresses of the two temporaries: with different types that is a "comparison
 * of distinct pointer types" diagnostic, an error under -Werror. When types differ on purpose
 * say which type to compare in: min_t(size_t, len, room).
 *
 * All are statement expressions (GNU C): not usable where an integer constant expression is
 * required (array sizes, case labels, static initializers). Any context; nothing sleeps.
 */
#ifndef KEEL_MINMAX_H
#define KEEL_MINMAX_H

#include <keel/compiler.h>

/* Compile-time diagnostic when x and y (lvalues) have different types; evaluates nothing. */
#define __minmax_typecheck(x, y) ((void)(&(x) == &(y)))

#define __cmp_once(op, x, y, ux, uy)                                                       \
	({                                                                                 \
		__typeof__(x) ux = (x);                                                    \
		__typeof__(y) uy = (y);                                                    \
		__minmax_typecheck(ux, uy);                                                \
		ux op uy ? ux : uy;                                                        \
	})
/* __UNIQUE_ID (keel/compiler.h) names the temporaries, so min(min(a, b), c) shadows nothing. */
#define __cmp(op, x, y) __cmp_once(op, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))

/* min(x, y) / max(x, y): the smaller / larger of two values of the same type, each evaluated
 * once. Linux: min()/max() (Linux 6.x also lets non-negative constants mix; Keel does not). */
#define min(x, y) __cmp(<, x, y)
#define max(x, y) __cmp(>, x, y)

/* min3/max3: the same over three values of one type. Linux: min3()/max3(). */
#define min3(x, y, z) min((__typeof__(x))min(x, y), z)
#define max3(x, y, z) max((__typeof__(x))max(x, y), z)

/* min_t(type, x, y) / max_t(type, x, y): both values converted to type first, then compared;
 * no type check (the cast is the caller's statement of intent). Linux: min_t()/max_t(). */
#define min_t(type, x, y) __cmp(<, (type)(x), (type)(y))
#define max_t(type, x, y) __cmp(>, (type)(x), (type)(y))

/* min_not_zero(x, y): the smaller value that is not 0 (0 only when both are). Linux: same. */
#define min_not_zero(x, y) __min_not_zero_once(x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define __min_not_zero_once(x, y, ux, uy)                                                  \
	({                                                                                 \
		__typeof__(x) ux = (x);                                                    \
		__typeof__(y) uy = (y);                                                    \
		ux == 0 ? uy : (uy == 0 ? ux : min(ux, uy));                               \
	})

#define __clamp_once(val, lo, hi, uval, ulo, uhi)                                          \
	({                                                                                 \
		__typeof__(val) uval = (val);                                              \
		__typeof__(lo) ulo = (lo);                                                 \
		__typeof__(hi) uhi = (hi);                                                 \
		__minmax_typecheck(uval, ulo);                                             \
		__minmax_typecheck(uval, uhi);                                             \
		uval < ulo ? ulo : (uval > uhi ? uhi : uval);                              \
	})

/*
 * clamp(val, lo, hi): val limited to [lo, hi]; all three of one type, each evaluated once.
 * lo must not exceed hi (not checked: Linux checks it at compile time for constants only).
 * clamp_t(type, val, lo, hi) converts all three to type first; clamp_val(val, lo, hi) converts
 * lo and hi to val's type (for constants next to a narrow variable). Linux: the same names.
 */
#define clamp(val, lo, hi)                                                                 \
	__clamp_once(val, lo, hi, __UNIQUE_ID(v_), __UNIQUE_ID(l_), __UNIQUE_ID(h_))
#define clamp_t(type, val, lo, hi) clamp((type)(val), (type)(lo), (type)(hi))
#define clamp_val(val, lo, hi) __clamp_val_once(val, lo, hi, __UNIQUE_ID(v_))
#define __clamp_val_once(val, lo, hi, uval)                                                \
	({                                                                                 \
		__typeof__(val) uval = (val);                                              \
		clamp_t(__typeof__(uval), uval, lo, hi);                                   \
	})

/* swap(a, b): exchanges two lvalues of the same type. Linux: swap(). */
#define swap(a, b) __swap_once(a, b, __UNIQUE_ID(t_))
#define __swap_once(a, b, tmp)                                                             \
	do {                                                                               \
		__typeof__(a) tmp = (a);                                                   \
		(a) = (b);                                                                 \
		(b) = tmp;                                                                 \
	} while (0)

#endif
