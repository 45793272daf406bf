/*
 * The slow paths of WARN_ON/WARN/BUG_ON (<keel/bug.h>): the report printed when an assertion
 * fails. Kept out of line so each WARN in the source costs a test and a call, not a printk
 * sequence. Linux has these in kernel/panic.c (__warn) and lib/bug.c.
 */
#include <keel/bug.h>
#include <keel/export.h>
#include <keel/printk.h>
#include "cpu/cpu.h"

static void warn_begin(void)
{
	printk(KERN_WARNING "------------[ cut here ]------------\n");
}

/* The place, the backtrace (from the caller of the WARN: frames below are ours), the modules. */
static void warn_end(const char *file, int line, const char *func)
{
	printk(KERN_WARNING "WARNING: at %s:%d %s()\n", file, line, func);
	dump_stack();
	if (oops_print_modules_hook)
		oops_print_modules_hook();
	printk(KERN_WARNING "---[ end trace ]---\n");
}

void warn_slowpath_fmt(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	warn_begin();
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	warn_end(file, line, func);
}
EXPORT_SYMBOL(warn_slowpath_fmt);

void warn_slowpath_null(const char *file, int line, const char *func)
{
	warn_begin();
	warn_end(file, line, func);
}
EXPORT_SYMBOL(warn_slowpath_null);

void bug_slowpath(const char *file, int line, const char *func, const char *what)
{
	printk(KERN_EMERG "------------[ cut here ]------------\n");
	printk(KERN_EMERG "kernel BUG at %s:%d!\n", file, line);
	if (what)
		panic("BUG_ON(%s) in %s()", what, func);
	panic("BUG() in %s()", func);
}
EXPORT_SYMBOL(bug_slowpath);
