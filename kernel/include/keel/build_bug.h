/*
 * Compile-time assertions, after Linux's <linux/build_bug.h>: a condition the compiler can decide
 * that must never hold stops the build with a message naming it, instead of failing at run time.
 */
#ifndef KEEL_BUILD_BUG_H
#define KEEL_BUILD_BUG_H

/*
 * BUILD_BUG_ON_ZERO(cond): an int constant 0 when cond is false; a compile error when it is true.
 * Usable where an expression is needed (inside other macros, in constant initializers).
 * cond must be an integer constant expression. Linux: BUILD_BUG_ON_ZERO() (same semantics).
 */
#define BUILD_BUG_ON_ZERO(cond) ((int)(sizeof(struct { int : (-!!(cond)); })))

/*
 * BUILD_BUG_ON_MSG(cond, msg) / BUILD_BUG_ON(cond): a statement that fails the build with msg
 * (or with the text of cond) when cond, an integer constant expression, is true. Also valid at
 * file scope. Linux: BUILD_BUG_ON()/BUILD_BUG_ON_MSG(); Linux also accepts conditions that only
 * the optimizer can fold, Keel needs a real constant expression (C11 _Static_assert).
 */
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define BUILD_BUG_ON(cond) BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON failed: " #cond)

/* static_assert(expr[, msg]): C11's assertion with the message optional, as in Linux. */
#ifndef static_assert
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif

#endif
