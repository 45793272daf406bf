/*
 * Integer rounding helpers, after Linux's <linux/math.h> (included by <keel/kernel.h>). These are
 * plain expressions, so they also work in constant expressions (array sizes, static data).
 */
#ifndef KEEL_MATH_H
#define KEEL_MATH_H

/* The mask a power-of-two y clears, in x's type so a 64-bit x is not truncated by an int y. */
#define __round_mask(x, y) ((__typeof__(x))((y) - 1))

/*
 * round_up(x, y) / round_down(x, y): x rounded up / down to a multiple of y, which must be a
 * power of two (not checked). x is evaluated once, y twice; the result has x's type.
 * round_up overflows (wraps) for x within y - 1 of its type's maximum. Linux: the same names.
 */
#define round_up(x, y) (((x) + __round_mask(x, y)) & ~__round_mask(x, y))
#define round_down(x, y) ((x) & ~__round_mask(x, y))

/*
 * DIV_ROUND_UP(n, d): n / d rounded up, for n >= 0 and d > 0 of any size (not just powers of
 * two). d is evaluated twice. Overflows when n + d - 1 does. Linux: DIV_ROUND_UP().
 */
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/* roundup(x, y): x rounded up to a multiple of any y > 0. Linux: roundup(). */
#define roundup(x, y) (DIV_ROUND_UP(x, y) * (y))
/* rounddown(x, y): x rounded down to a multiple of any y > 0. Linux: rounddown(). */
#define rounddown(x, y) ((x) - ((x) % (y)))

#endif
