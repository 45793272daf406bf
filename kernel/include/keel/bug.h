/*
 * WARN and BUG, after Linux's <linux/bug.h> (<asm-generic/bug.h>): assertions that report a
 * broken invariant with its place in the source and a backtrace. WARN_*() report and carry on,
 * and return the condition so the caller can back out:
 *
 *	if (WARN_ON(dev->refcount <= 0))
 *		return;
 *
 * BUG()/BUG_ON() are for states the kernel cannot continue from: they report and panic().
 * Prefer WARN_ON plus recovery; a BUG takes the whole machine down.
 *
 * Output of a warning (kernel/init/bug.c):
 *	------------[ cut here ]------------
 *	<the WARN() message, or "WARN_ON(<condition>)">
 *	WARNING: at kernel/dev/device.c:98 put_device()
 *	Call Trace: ...  Modules linked in: ...  Tainted: ...
 *	---[ end trace ]---
 * Linux's WARN_ON prints no condition text; Keel prints it because it says what broke.
 *
 * Context: any, including interrupt handlers (printk and the backtrace do not sleep or
 * allocate). Each macro evaluates its condition exactly once. Modules may use them all.
 */
#ifndef KEEL_BUG_H
#define KEEL_BUG_H

#include <keel/compiler.h>
#include <keel/printk.h>
#include <keel/types.h>

/*
 * Prints a warning report for file:line in func: "cut here", the message fmt (none when fmt is
 * NULL, see warn_slowpath_null), the "WARNING: at" line, a backtrace and the loaded modules.
 * Called through the WARN macros. Any context. Linux: warn_slowpath_fmt().
 */
void warn_slowpath_fmt(const char *file, int line, const char *func, const char *fmt, ...)
	__printf(4, 5);
/* The same without a message. Linux: warn_slowpath_null() (older kernels). */
void warn_slowpath_null(const char *file, int line, const char *func);
/*
 * Prints "kernel BUG at file:line!" naming func and what (the condition, or NULL), then
 * panics. Never returns. Any context. Linux: BUG() traps with ud2 and oopses instead.
 */
void bug_slowpath(const char *file, int line, const char *func, const char *what) __noreturn;

#define __WARN() warn_slowpath_null(__FILE__, __LINE__, __func__)
#define __WARN_printf(fmt, ...) warn_slowpath_fmt(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__)

/*
 * WARN_ON(cond): when cond is true, prints a warning report naming the condition. Returns
 * cond's truth (int 0 or 1), so it can be tested. Linux: WARN_ON().
 */
#define WARN_ON(cond) __warn_on(cond, __UNIQUE_ID(warn_))
#define __warn_on(cond, ret)                                                               \
	({                                                                                 \
		int ret = !!(cond);                                                        \
		if (unlikely(ret))                                                         \
			__WARN_printf("WARN_ON(%s)\n", #cond);                             \
		unlikely(ret);                                                             \
	})

/* WARN(cond, fmt, ...): the same with a printf-style message of the caller's. Linux: WARN(). */
#define WARN(cond, fmt, ...) __warn_fmt(cond, __UNIQUE_ID(warn_), fmt, ##__VA_ARGS__)
#define __warn_fmt(cond, ret, fmt, ...)                                                    \
	({                                                                                 \
		int ret = !!(cond);                                                        \
		if (unlikely(ret))                                                         \
			__WARN_printf(fmt, ##__VA_ARGS__);                                 \
		unlikely(ret);                                                             \
	})

/*
 * WARN_ON_ONCE(cond) / WARN_ONCE(cond, fmt, ...): report only the first time this line sees
 * cond true (one flag per use in the source), but return cond's truth every time.
 * Linux: WARN_ON_ONCE()/WARN_ONCE().
 */
#define WARN_ON_ONCE(cond) __warn_once(cond, __UNIQUE_ID(warn_), __UNIQUE_ID(warned_),    \
				       "WARN_ON_ONCE(%s)\n", #cond)
#define WARN_ONCE(cond, fmt, ...)                                                          \
	__warn_once(cond, __UNIQUE_ID(warn_), __UNIQUE_ID(warned_), fmt, ##__VA_ARGS__)
#define __warn_once(cond, ret, warned, fmt, ...)                                           \
	({                                                                                 \
		static bool warned;                                                        \
		int ret = !!(cond);                                                        \
		if (unlikely(ret) && !warned) {                                            \
			warned = true;                                                     \
			__WARN_printf(fmt, ##__VA_ARGS__);                                 \
		}                                                                          \
		unlikely(ret);                                                             \
	})

/* BUG(): reports this place and panics. Linux: BUG(). */
#define BUG() bug_slowpath(__FILE__, __LINE__, __func__, NULL)

/* BUG_ON(cond): BUG() naming cond when cond is true. Linux: BUG_ON(). */
#define BUG_ON(cond)                                                                       \
	do {                                                                               \
		if (unlikely(cond))                                                        \
			bug_slowpath(__FILE__, __LINE__, __func__, #cond);                 \
	} while (0)

#endif
