/*
 * Host unit tests for printk's record handling (kernel/console/printk.c) and the rate-limit
 * helper (kernel/lib/ratelimit.c): the console level floor that keeps KERN_EMERG visible,
 * console_verbose(), over-long messages cut with a marker and a newline (the next line is
 * never glued on), and __ratelimit()/ratelimit_summary() in counting and timed windows.
 */
/* UNIT_SOURCES: kernel/console/printk.c kernel/lib/ratelimit.c */
#include <keel/console.h>
#include <keel/printk.h>
#include <keel/ratelimit.h>
#include <keel/string.h>
#include "console/log.h"
#include "unit.h"

volatile unsigned long jiffies;
static char console_out[8192];
static size_t console_len;

void console_write(const char *s, size_t n)
{
	if (n > sizeof(console_out) - console_len)
		n = sizeof(console_out) - console_len;
	memcpy(console_out + console_len, s, n);
	console_len += n;
}

static void console_reset(void)
{
	console_len = 0;
	console_out[0] = '\0';
}

static const char *console_text(void)
{
	console_out[console_len < sizeof(console_out) ? console_len : sizeof(console_out) - 1] = 0;
	return console_out;
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_console_levels(void)
{
	log_set_console_level(0); /* loglevel=0 */
	CHECK_INT(log_get_console_level(), CONSOLE_LOGLEVEL_MIN);
	console_reset();
	printk(KERN_ERR "hidden\n");
	printk(KERN_EMERG "Oops: shown\n");
	CHECK(strstr(console_text(), "hidden") == NULL);
	CHECK(strstr(console_text(), "Oops: shown") != NULL);
	console_verbose();
	printk(KERN_DEBUG "debug after an oops\n");
	CHECK(strstr(console_text(), "debug after an oops") != NULL);
	log_set_console_level(7);
}

static void test_long_message(void)
{
	static char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	console_reset();
	printk(KERN_INFO "%s\n", big);
	printk(KERN_INFO "next line\n");
	CHECK(strstr(console_text(), "bytes cut]\n") != NULL);
	CHECK(strstr(console_text(), "x\n[") == NULL && strstr(console_text(), "xnext") == NULL);
	CHECK(strstr(console_text(), "]\n[    0.000000] next line\n") != NULL);
	CHECK_INT(count_lines(console_text()), 2);
	/* 3000 bytes with the newline; the record kept 1024 - 40 - 15 (the prefix) = 969. */
	CHECK(strstr(console_text(), "[... 2031 bytes cut]") != NULL);
}

static void test_ratelimit_count(void)
{
	struct ratelimit_state rs;
	unsigned int shown = 0;

	ratelimit_state_init(&rs, 0, 8);
	console_reset();
	for (int i = 0; i < 8192; i++)
		if (__ratelimit(&rs))
			shown++;
	CHECK_INT(shown, 8);
	CHECK_INT(ratelimit_summary(&rs, "hda", "partition table warnings"), 8184);
	CHECK(strstr(console_text(), "hda: 8184 more partition table warnings not shown\n"));
	CHECK_INT(ratelimit_summary(&rs, "hda", "warnings"), 0); /* reported once */
}

static void test_ratelimit_timed(void)
{
	struct ratelimit_state rs;

	jiffies = 1000;
	ratelimit_state_init(&rs, 5 * HZ, 2);
	console_reset();
	CHECK(__ratelimit(&rs) && __ratelimit(&rs) && !__ratelimit(&rs) && !__ratelimit(&rs));
	jiffies += 5 * HZ;
	CHECK(__ratelimit(&rs)); /* a new window, after saying what the old one dropped */
	CHECK(strstr(console_text(), "test_ratelimit_timed: 2 messages suppressed\n") != NULL);
	CHECK(__ratelimit(&rs) && !__ratelimit(&rs));
	console_reset();
	CHECK(printk_ratelimited(KERN_INFO "one\n") > 0);
	CHECK(strstr(console_text(), "one") != NULL);
}

int main(void)
{
	test_console_levels();
	test_long_message();
	test_ratelimit_count();
	test_ratelimit_timed();
	return unit_summary();
}
