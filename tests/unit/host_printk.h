/*
 * printk/vprintk for host unit tests of kernel code that reports errors: the last message is
 * kept in unit_last_msg (and counted in unit_msg_count) so a test can check what the code
 * under test said.
 */
#ifndef KEEL_TESTS_HOST_PRINTK_H
#define KEEL_TESTS_HOST_PRINTK_H

#include <stdarg.h>
#include <keel/string.h>

static char unit_last_msg[512];
static int unit_msg_count; /* messages printed so far */

int vprintk(const char *fmt, va_list ap)
{
	unit_msg_count++;
	return vsnprintf(unit_last_msg, sizeof(unit_last_msg), fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

#endif
