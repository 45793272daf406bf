/*
 * WARN/BUG slow paths for host unit tests (the kernel's are in kernel/init/bug.c and need the
 * backtrace code): warnings are counted and the last one's text kept in unit_last_warning, so
 * a test can check that code under test warned (or did not); BUG aborts the test program.
 * Include it in the one test file that links code using <keel/bug.h>.
 */
#ifndef KEEL_TESTS_HOST_BUG_H
#define KEEL_TESTS_HOST_BUG_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <keel/bug.h>
#include <keel/string.h>

static unsigned int unit_warnings;
static char unit_last_warning[256];

void warn_slowpath_fmt(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	unit_warnings++;
	va_start(ap, fmt);
	vsnprintf(unit_last_warning, sizeof(unit_last_warning), fmt, ap);
	va_end(ap);
}

void warn_slowpath_null(const char *file, int line, const char *func)
{
	unit_warnings++;
	unit_last_warning[0] = '\0';
}

void bug_slowpath(const char *file, int line, const char *func, const char *what)
{
	fprintf(stderr, "%s:%d: BUG in %s(): %s\n", file, line, func, what ? what : "BUG()");
	abort();
}

#endif
