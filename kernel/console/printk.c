/*
 * printk: formats a message, stamps it with the uptime, keeps it in the dmesg ring and writes it
 * to every console when its level passes the console loglevel (loglevel=, quiet). As in Linux,
 * the console level never goes below CONSOLE_LOGLEVEL_MIN, so KERN_EMERG always shows, and an
 * oops or panic makes the console verbose. A message too long for one record is cut with a
 * marker saying how much was lost, and always ends its line.
 */
#include <keel/console.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "console/log.h"

#ifdef KEEL_HOST_TEST
/* tests/unit/test_printk.c: user space may not touch the interrupt flag; nothing interrupts. */
#undef local_irq_save
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#endif

#define LOG_BUF_SIZE (128 * 1024)
#define LOG_LINE_MAX 1024         /* one record: prefix, text and the cut marker */
#define LOG_CUT_ROOM 40           /* room kept for the marker " [... N bytes cut]\n" */

static char log_buf[LOG_BUF_SIZE];
static size_t log_head, log_len; /* log_head: next write position; log_len: bytes held */
static int console_loglevel = 7; /* print everything up to KERN_INFO by default */
static bool line_open;           /* the last message did not end with '\n' */
static bool (*error_hook)(const char *text, size_t n);

void log_set_error_hook(bool (*hook)(const char *text, size_t n))
{
	error_hook = hook;
}

#define LOG_LEVEL_ERR 3 /* KERN_ERR */
static u64 (*log_clock_ns)(void);

void log_set_console_level(int level)
{
	console_loglevel = level < CONSOLE_LOGLEVEL_MIN ? CONSOLE_LOGLEVEL_MIN : level;
}

void console_verbose(void)
{
	if (console_loglevel < CONSOLE_LOGLEVEL_MOTORMOUTH)
		console_loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
}

int log_get_console_level(void) { return console_loglevel; }
void log_set_clock(u64 (*clock_ns)(void)) { log_clock_ns = clock_ns; }

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		log_buf[log_head] = s[i];
		log_head = (log_head + 1) % LOG_BUF_SIZE;
	}
	log_len = min_t(size_t, log_len + n, LOG_BUF_SIZE);
}

size_t log_read_all(void (*sink)(const char *s, size_t n))
{
	unsigned long flags;
	size_t start, first, len;

	local_irq_save(flags);
	start = (log_head + LOG_BUF_SIZE - log_len) % LOG_BUF_SIZE;
	first = min_t(size_t, log_len, LOG_BUF_SIZE - start);
	len = log_len;
	/* When the ring wrapped, skip the partial oldest line. */
	if (log_len == LOG_BUF_SIZE) {
		while (len && log_buf[start] != '\n') {
			start = (start + 1) % LOG_BUF_SIZE;
			len--;
		}
		first = min_t(size_t, len, LOG_BUF_SIZE - start);
	}
	sink(log_buf + start, first);
	sink(log_buf, len - first);
	local_irq_restore(flags);
	return len;
}

static int parse_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1]) {
		*fmt = f + 2;
		if (f[1] == 'c')
			return -1;
		if (f[1] >= '0' && f[1] <= '7')
			return f[1] - '0';
	}
	return LOGLEVEL_DEFAULT;
}

static size_t format_prefix(char *buf, size_t size)
{
	u64 ns = log_clock_ns ? log_clock_ns() : 0;

	return scnprintf(buf, size, "[%5lu.%06lu] ", (unsigned long)(ns / 1000000000),
			 (unsigned long)(ns % 1000000000) / 1000);
}

/*
 * Formats the text at buf + n (room bytes left in a LOG_LINE_MAX record); a text that does not
 * fit is cut with a marker that ends the line. Returns the new length.
 */
static size_t format_text(char *buf, size_t n, const char *fmt, va_list ap)
{
	size_t room = LOG_LINE_MAX - n;
	int want = vsnprintf(buf + n, room, fmt, ap);

	if (want < 0)
		return n;
	if ((size_t)want < room)
		return n + want;
	n = LOG_LINE_MAX - LOG_CUT_ROOM;
	return n + scnprintf(buf + n, LOG_CUT_ROOM, " [... %zu bytes cut]\n",
			     (size_t)want - (room - LOG_CUT_ROOM));
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	size_t n = 0, text = 0;
	int level = parse_level(&fmt);
	unsigned long flags;
	static int open_level;

	local_irq_save(flags);
	if (level < 0) {
		level = open_level;
	} else {
		if (line_open)
			buf[n++] = '\n';
		n += format_prefix(buf + n, sizeof(buf) - n);
		text = n;
	}
	n = format_text(buf, n, fmt, ap);
	line_open = n > 0 && buf[n - 1] != '\n';
	open_level = level;
	log_store(buf, n);
	/* The error hook may show a new KERN_ERR record itself (the shell: "cmd: message"). */
	if (level < console_loglevel &&
	    !(text && level == LOG_LEVEL_ERR && error_hook && error_hook(buf + text, n - text)))
		console_write(buf, n);
	local_irq_restore(flags);
	return (int)n;
}
EXPORT_SYMBOL(vprintk);

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(printk);
