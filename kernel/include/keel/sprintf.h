/*
 * Formatting into a buffer, after Linux's <linux/sprintf.h>: libk's printf-style functions
 * (libk/vsnprintf.c; conversions %d %i %u %x %X %o %p %s %c %%, flags -0+ #, width, precision,
 * lengths hh h l ll z t). All are reentrant and IRQ-safe and never sleep.
 */
#ifndef KEEL_SPRINTF_H
#define KEEL_SPRINTF_H

#include <stdarg.h>
#include <keel/compiler.h>
#include <keel/types.h>

/*
 * vsnprintf/snprintf: writes at most size bytes including the NUL (none when size is 0).
 * Returns the length the whole output would have had, so a return >= size means truncated.
 * Linux: vsnprintf()/snprintf().
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * vscnprintf/scnprintf: like snprintf but return what was stored, excluding the NUL (0 when
 * size is 0), so `len += scnprintf(buf + len, size - len, ...)` never runs past the buffer.
 * Linux: vscnprintf()/scnprintf().
 */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * vsprintf/sprintf: no bound at all; the caller guarantees buf is big enough. Returns the
 * length written, excluding the NUL. Prefer snprintf/scnprintf. Linux: vsprintf()/sprintf().
 */
int vsprintf(char *buf, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __printf(2, 3);

#endif
