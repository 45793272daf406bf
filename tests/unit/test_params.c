/*
 * Host unit tests for module parameters (kernel/module/params.c): every type, arrays, quoting,
 * range checks, error and warning messages, string ownership, and command-line collection.
 */
/* UNIT_SOURCES: kernel/module/params.c kernel/init/cmdline.c libk/string.c libk/kstrtox.c libk/vsnprintf.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/cmdline.h>
#include "init/bootinfo.h"
#include "module/params.h"
#include "unit.h"
#include "host_printk.h"

struct boot_info boot_info;

void *kmalloc(size_t size, gfp_t gfp) { return malloc(size ? size : 1); }
void kfree(const void *p) { free((void *)p); }
char *kstrdup(const char *s, gfp_t gfp)
{
	char *copy = kmalloc(strlen(s) + 1, gfp);

	if (copy)
		memcpy(copy, s, strlen(s) + 1);
	return copy;
}

static bool debug;
static int count = 1;
static unsigned int mask;
static long offset;
static unsigned long size;
static char *who = "world";
static int ints[4];
static unsigned int nints;
static char *names[2];
static unsigned int nnames;
static bool flags[3];

static unsigned int disks = 1;
static long level;
static int small[2];
static unsigned int nsmall;

static const struct kernel_param params[] = {
	{ "disks", &disks, NULL, PARAM_UINT, 0444, 0, 0, 8 },
	{ "level", &level, NULL, PARAM_LONG, 0444, 0, -3, 3 },
	{ "small", small, &nsmall, PARAM_INT, 0444, 2, -1, 1 },
	{ "debug", &debug, NULL, PARAM_BOOL, 0644, 0, 0, 0 },
	{ "count", &count, NULL, PARAM_INT, 0644, 0, 0, 0 },
	{ "mask", &mask, NULL, PARAM_UINT, 0644, 0, 0, 0 },
	{ "offset", &offset, NULL, PARAM_LONG, 0644, 0, 0, 0 },
	{ "size", &size, NULL, PARAM_ULONG, 0644, 0, 0, 0 },
	{ "who", &who, NULL, PARAM_CHARP, 0444, 0, 0, 0 },
	{ "ints", ints, &nints, PARAM_INT, 0444, 4, 0, 0 },
	{ "names", names, &nnames, PARAM_CHARP, 0444, 2, 0, 0 },
	{ "flag_bits", flags, NULL, PARAM_BOOL, 0444, 3, 0, 0 },
};
#define NPARAMS ARRAY_SIZE(params)

static int parse(const char *args)
{
	unit_last_msg[0] = '\0';
	return params_parse("hello", args, params, NPARAMS);
}

static void test_scalars(void)
{
	CHECK(parse("debug=y count=-42 mask=0x10 offset=-9000000000 size=18446744073709551615") == 0);
	CHECK(debug && count == -42 && mask == 16 && offset == -9000000000L && size == ~0UL);
	CHECK(parse("debug=off") == 0 && !debug);
	CHECK(parse("debug") == 0 && debug); /* a bare bool means true */
	CHECK(parse("debug=0 debug=on") == 0 && debug);
	CHECK(parse("debug=n") == 0 && !debug);
	CHECK(parse("count=010") == 0 && count == 8);
	CHECK(parse("") == 0 && parse(NULL) == 0 && parse("   ") == 0);
	CHECK(unit_last_msg[0] == '\0');
}

static void test_bad_values(void)
{
	count = 5;
	CHECK(parse("count=abc") == -EINVAL && count == 5);
	CHECK(strstr(unit_last_msg, "hello: invalid value 'abc' for parameter 'count'") != NULL);
	CHECK(parse("count=3000000000") == -ERANGE && count == 5);
	CHECK(strstr(unit_last_msg, "'3000000000' for parameter 'count'") != NULL);
	CHECK(parse("mask=-1") == -EINVAL);
	CHECK(parse("size=18446744073709551616") == -ERANGE);
	CHECK(parse("debug=maybe") == -EINVAL);
	CHECK(parse("count=") == -EINVAL);
	CHECK(parse("count") == -EINVAL);
	CHECK(strstr(unit_last_msg, "hello: parameter 'count' needs a value") != NULL);
}

static void test_unknown_and_names(void)
{
	CHECK(parse("x=1 count=7") == 0 && count == 7);
	CHECK(strstr(unit_last_msg, "hello: unknown parameter 'x' ignored") != NULL);
	CHECK(parse("flag-bits=1,0,1") == 0 && flags[0] && !flags[1] && flags[2]);
	CHECK(parse("Count=1") == 0 && count == 7); /* names are case-sensitive */
	CHECK(strstr(unit_last_msg, "unknown parameter 'Count'") != NULL);
}

static void test_strings(void)
{
	static char default_who[] = "static default";

	who = default_who;
	CHECK(parse("who=\"hello world\" count=2") == 0 && strcmp(who, "hello world") == 0);
	CHECK(count == 2);
	CHECK(parse("\"who=quoted whole\"") == 0 && strcmp(who, "quoted whole") == 0);
	CHECK(parse("who=a who=b") == 0 && strcmp(who, "b") == 0); /* "a" was freed (ASan) */
	CHECK(parse("who=") == 0 && strcmp(who, "") == 0);
	params_free(params, NPARAMS);
	who = default_who;
	params_free(params, NPARAMS); /* never frees a string it did not allocate */
	CHECK(strcmp(who, "static default") == 0);
}

static void test_arrays(void)
{
	CHECK(parse("ints=1,-2,0x30") == 0 && nints == 3);
	CHECK(ints[0] == 1 && ints[1] == -2 && ints[2] == 48);
	CHECK(parse("ints=1,2,3,4,5") == -EINVAL);
	CHECK(strstr(unit_last_msg, "hello: parameter 'ints' takes at most 4 values") != NULL);
	CHECK(parse("ints=1,x") == -EINVAL);
	CHECK(strstr(unit_last_msg, "invalid value 'x' for parameter 'ints'") != NULL);
	CHECK(parse("ints=9") == 0 && nints == 1 && ints[0] == 9);
	CHECK(parse("names=alpha,beta") == 0 && nnames == 2);
	CHECK(strcmp(names[0], "alpha") == 0 && strcmp(names[1], "beta") == 0);
	/* A failure frees what this call allocated, including earlier charp values. */
	CHECK(parse("who=fresh names=a,b,c") == -EINVAL);
	params_free(params, NPARAMS);
}

static void test_check(void)
{
	struct kernel_param bad[] = { { "x", &count, NULL, 99, 0, 0, 0, 0 } };

	CHECK(params_check("m", params, NPARAMS) == 0);
	CHECK(params_parse("m", "x=1", bad, 1) == -ENOEXEC);
	CHECK(strstr(unit_last_msg, "m: malformed parameter entry #0") != NULL);
	bad[0].type = PARAM_INT;
	bad[0].name = NULL;
	CHECK(params_check("m", bad, 1) == -ENOEXEC);
	bad[0].name = "x";
	bad[0].arg = NULL;
	CHECK(params_check("m", bad, 1) == -ENOEXEC);
}

static void test_cmdline(void)
{
	char *args;

	cmdline_setup("quiet hello.count=3 other.count=4 hello.who=\"a b\" hello.debug hello_x.y=1 "
		      "hello. console=ttyS0");
	args = params_from_cmdline("hello");
	CHECK(!IS_ERR(args) && strcmp(args, "count=3 who=\"a b\" debug") == 0);
	CHECK(parse(args) == 0 && count == 3 && strcmp(who, "a b") == 0 && debug);
	kfree(args);
	args = params_from_cmdline("hello-x");
	CHECK(!IS_ERR(args) && strcmp(args, "y=1") == 0);
	kfree(args);
	args = params_from_cmdline("absent");
	CHECK(!IS_ERR(args) && strcmp(args, "") == 0);
	kfree(args);
	params_free(params, NPARAMS);
}

static void test_ranges(void)
{
	CHECK(parse("disks=8 level=-3") == 0 && disks == 8 && level == -3);
	CHECK(parse("disks=4294967295") == -ERANGE && disks == 8); /* the wrap to 0 of issue 11 */
	CHECK(strstr(unit_last_msg, "hello: value '4294967295' for parameter 'disks' is out of "
			  "range (0 to 8)") != NULL);
	CHECK(parse("disks=9") == -ERANGE && parse("level=4") == -ERANGE && level == -3);
	CHECK(strstr(unit_last_msg, "'4' for parameter 'level' is out of range (-3 to 3)"));
	CHECK(parse("small=1,-1") == 0 && nsmall == 2 && small[0] == 1 && small[1] == -1);
	/* A refused element leaves the whole array (and its count) as it was. */
	CHECK(parse("small=0,2") == -ERANGE && nsmall == 2 && small[0] == 1);
	CHECK(parse("small=0,x") == -EINVAL && small[0] == 1);
}

/* Boot options: a bad one is reported and skipped; the others and insmod's still apply. */
static void test_boot_lenient(void)
{
	count = 1;
	debug = false;
	unit_last_msg[0] = '\0';
	CHECK(params_parse_boot("hello", "count=x debug disks=99", params, NPARAMS) == 0);
	CHECK(count == 1 && debug && disks != 99);
	CHECK(strstr(unit_last_msg, "hello: value '99' for parameter 'disks' is out of range "
			  "(0 to 8) (from the kernel command line); ignored") != NULL);
	CHECK(params_parse_boot("hello", "count=x", params, NPARAMS) == 0);
	CHECK(strstr(unit_last_msg, "invalid value 'x' for parameter 'count' (from the kernel "
			  "command line); ignored") != NULL);
	CHECK(parse("count=4") == 0 && count == 4);
}

/* Long values and long command lines arrive whole (they were cut at 255 and 1,023 bytes). */
static void test_long_cmdline(void)
{
	static char line[COMMAND_LINE_MAX + 16];
	char value[301], *args;
	size_t n = 0;

	memset(value, 'v', 300);
	value[300] = '\0';
	while (n < 1200)
		n += host_snprintf(line + n, sizeof(line) - n, "filler%zu=abcdefgh ", n);
	host_snprintf(line + n, sizeof(line) - n, "hello.who=%s hello.count=9", value);
	CHECK(strlen(line) > 1467);
	CHECK(cmdline_setup(line) == 0);
	args = params_from_cmdline("hello");
	CHECK(!IS_ERR(args) && parse(args) == 0 && strcmp(who, value) == 0 && count == 9);
	kfree(args);
	memset(line, 'x', COMMAND_LINE_MAX);
	line[COMMAND_LINE_MAX] = '\0';
	CHECK(cmdline_setup(line) == -E2BIG); /* refused whole, loudly: no option applies */
	CHECK(strstr(unit_last_msg, "more than the 8191 this kernel takes") != NULL);
	CHECK(!cmdline_has("hello.count"));
	CHECK(strlen(cmdline_get_raw()) == COMMAND_LINE_MAX);
	cmdline_setup("loglevel=123456789012345678901234567890");
	CHECK(cmdline_get("loglevel", value, 16) == -E2BIG);
	CHECK(strstr(unit_last_msg, "value of loglevel= is longer than the 15 bytes") != NULL);
	params_free(params, NPARAMS);
}

int main(void)
{
	test_scalars();
	test_bad_values();
	test_unknown_and_names();
	test_strings();
	test_arrays();
	test_check();
	test_cmdline();
	test_ranges();
	test_boot_lenient();
	test_long_cmdline();
	return unit_summary();
}
