/*
 * Host unit test for libk: string routines, vsnprintf and friends, kstrto*, crc32, errno_name.
 * Where libk promises C semantics the expected text is also checked against the host's printf.
 */
/* UNIT_SOURCES: libk/string.c libk/vsnprintf.c libk/kstrtox.c libk/crc32.c libk/errname.c */
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/types.h>
#include "unit.h"

static void test_mem_functions(void)
{
	char buf[16];
	char overlap[] = "abcdefghij";

	CHECK(memcpy(buf, "hello", 6) == buf);
	CHECK_STR(buf, "hello");
	CHECK(memset(buf, 'x', 4) == buf);
	CHECK_STR(buf, "xxxxo");
	memset(buf, 0x1ff, 2); /* only the low byte counts */
	CHECK_UINT((u8)buf[0], 0xff);

	CHECK(memmove(overlap + 2, overlap, 5) == overlap + 2); /* forwards overlap */
	CHECK_STR(overlap, "ababcdehij");
	memmove(overlap, overlap + 3, 6); /* backwards overlap */
	CHECK_STR(overlap, "bcdehiehij");
	memmove(overlap, overlap, 10);
	CHECK_STR(overlap, "bcdehiehij");

	CHECK_INT(memcmp("abc", "abc", 3), 0);
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(memcmp("abd", "abc", 3) > 0);
	CHECK(memcmp("\x80", "\x01", 1) > 0); /* bytes compare as unsigned */
	CHECK_INT(memcmp("abc", "xyz", 0), 0);

	CHECK(memchr("hello", 'l', 5) == (void *)((const char *)"hello" + 2));
	CHECK(memchr("hello", 'z', 5) == NULL);
	CHECK(memchr("hel\0lo", 'o', 6) != NULL); /* memchr does not stop at NUL */
	CHECK(memchr("hello", 'o', 4) == NULL);
}

static void test_str_length_compare(void)
{
	CHECK_UINT(strlen(""), 0);
	CHECK_UINT(strlen("keel"), 4);
	CHECK_UINT(strnlen("keel", 2), 2);
	CHECK_UINT(strnlen("keel", 10), 4);
	CHECK_UINT(strnlen("keel", 0), 0);

	CHECK_INT(strcmp("", ""), 0);
	CHECK_INT(strcmp("abc", "abc"), 0);
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strcmp("abc", "ab") > 0);
	CHECK(strcmp("ab", "abc") < 0);
	CHECK(strcmp("\xff", "a") > 0); /* unsigned char comparison */
	CHECK_INT(strncmp("abcX", "abcY", 3), 0);
	CHECK(strncmp("abcX", "abcY", 4) < 0);
	CHECK_INT(strncmp("ab", "ab", 10), 0);
	CHECK_INT(strncmp("x", "y", 0), 0);
}

static void test_str_search(void)
{
	const char *s = "path/to/file";

	CHECK(strchr(s, '/') == s + 4);
	CHECK(strchr(s, 'z') == NULL);
	CHECK(strchr(s, '\0') == s + 12); /* the terminator is part of the string */
	CHECK(strrchr(s, '/') == s + 7);
	CHECK(strrchr(s, 'z') == NULL);
	CHECK(strrchr(s, '\0') == s + 12);

	CHECK(strstr(s, "to") == s + 5);
	CHECK(strstr(s, "file") == s + 8);
	CHECK(strstr(s, "files") == NULL);
	CHECK(strstr(s, "") == s);
	CHECK(strstr("", "") != NULL);
	CHECK(strstr("", "a") == NULL);
	CHECK(strstr("aaab", "aab") != NULL);

	CHECK_UINT(strspn("  \tword", " \t"), 3);
	CHECK_UINT(strspn("word", " "), 0);
	CHECK_UINT(strspn("", "abc"), 0);
	CHECK_UINT(strcspn("key=value", "="), 3);
	CHECK_UINT(strcspn("novalue", "="), 7);
	CHECK_UINT(strcspn("", "="), 0);
}

static void test_strlcpy_strlcat(void)
{
	char buf[8];

	CHECK_UINT(strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK_STR(buf, "hi");
	CHECK_UINT(strlcpy(buf, "0123456789", sizeof(buf)), 10); /* returns the full length */
	CHECK_STR(buf, "0123456");
	buf[0] = 'Q';
	CHECK_UINT(strlcpy(buf, "abc", 0), 3); /* size 0 writes nothing */
	CHECK_INT(buf[0], 'Q');
	CHECK_UINT(strlcpy(buf, "abc", 1), 3);
	CHECK_STR(buf, "");

	strlcpy(buf, "ab", sizeof(buf));
	CHECK_UINT(strlcat(buf, "cd", sizeof(buf)), 4);
	CHECK_STR(buf, "abcd");
	CHECK_UINT(strlcat(buf, "efghij", sizeof(buf)), 10);
	CHECK_STR(buf, "abcdefg");
	CHECK_UINT(strlcat(buf, "xyz", sizeof(buf)), 10); /* already full */
	CHECK_STR(buf, "abcdefg");
}

static void test_strsep(void)
{
	char line[] = "a,b,,c";
	char *p = line;

	CHECK_STR(strsep(&p, ","), "a");
	CHECK_STR(strsep(&p, ","), "b");
	CHECK_STR(strsep(&p, ","), ""); /* empty field between two delimiters */
	CHECK_STR(strsep(&p, ","), "c");
	CHECK(p == NULL);
	CHECK(strsep(&p, ",") == NULL);

	char words[] = "one two\tthree";
	p = words;
	CHECK_STR(strsep(&p, " \t"), "one");
	CHECK_STR(strsep(&p, " \t"), "two");
	CHECK_STR(strsep(&p, " \t"), "three");
	CHECK(p == NULL);
}

static void test_ctype(void)
{
	CHECK(isdigit('7') && !isdigit('a'));
	CHECK(isxdigit('f') && isxdigit('F') && isxdigit('9') && !isxdigit('g'));
	CHECK(isspace(' ') && isspace('\t') && isspace('\n') && isspace('\r') && !isspace('x'));
	CHECK(isalpha('q') && isalpha('Q') && !isalpha('1') && !isalpha('['));
	CHECK(isalnum('z') && isalnum('0') && !isalnum('-'));
	CHECK(isprint(' ') && isprint('~') && !isprint('\n') && !isprint(0x7f));
	CHECK_INT(tolower('A'), 'a');
	CHECK_INT(tolower('a'), 'a');
	CHECK_INT(tolower('['), '[');
	CHECK_INT(toupper('z'), 'Z');
	CHECK_INT(toupper('1'), '1');
}

/*
 * Formats one case with libk and the host: both must produce `expected` and return its
 * length. The arguments are expanded twice, so they must be side-effect free.
 */
#define CHECK_FMT(expected, ...)                                                             \
	do {                                                                                 \
		char got_[128], host_[128];                                                  \
		int n_ = snprintf(got_, sizeof(got_), __VA_ARGS__);                          \
		int h_ = host_snprintf(host_, sizeof(host_), __VA_ARGS__);                   \
		CHECK_STR(got_, expected);                                                   \
		CHECK_STR(host_, expected);                                                  \
		CHECK_INT(n_, host_strlen(expected));                                        \
		CHECK_INT(h_, n_);                                                           \
	} while (0)

static void test_format_integers(void)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-42", "%d", -42);
	CHECK_FMT("2147483647 -2147483648", "%d %i", INT_MAX, INT_MIN);
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	CHECK_FMT("ff FF 377", "%x %X %o", 255, 255, 255);
	CHECK_FMT("ffffffff", "%x", -1);
	CHECK_FMT("0", "%x", 0);
	CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
}

/* Widths past an int (digits, or -INT_MIN from *) are clamped at 2^20 instead of wrapping. */
static void test_format_huge_widths(void)
{
	char small[8];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
	CHECK_INT(snprintf(small, sizeof(small), "%99999999999d", 1), 1 << 20);
	CHECK_INT(snprintf(small, sizeof(small), "%*d", INT_MIN, 1), 1 << 20);
	CHECK_STR(small, "1      ");
	CHECK_INT(snprintf(small, sizeof(small), "%.99999999999d", 1), 1 << 20);
	CHECK_INT(snprintf(small, sizeof(small), "%.*d", -1, 42), 2);
#pragma GCC diagnostic pop
}

static void test_format_flags_width_precision(void)
{
	CHECK_FMT("[   42]", "[%5d]", 42);
	CHECK_FMT("[42   ]", "[%-5d]", 42);
	CHECK_FMT("[00042]", "[%05d]", 42);
	CHECK_FMT("[-0042]", "[%05d]", -42);
	CHECK_FMT("[+42]", "[%+d]", 42);
	CHECK_FMT("[-42]", "[%+d]", -42);
	CHECK_FMT("[ 42]", "[% d]", 42);
	CHECK_FMT("[+0]", "[%+d]", 0);
	CHECK_FMT("[0x1f]", "[%#x]", 31);
	CHECK_FMT("[0X1F]", "[%#X]", 31);
	CHECK_FMT("[017]", "[%#o]", 15);
	CHECK_FMT("[0x0001f]", "[%#07x]", 31);
	CHECK_FMT("[  0x1f]", "[%#6x]", 31);
	CHECK_FMT("[007]", "[%.3d]", 7);
	CHECK_FMT("[-007]", "[%.3d]", -7);
	CHECK_FMT("[     007]", "[%8.3d]", 7);
	CHECK_FMT("[007     ]", "[%-8.3d]", 7);
	/* A precision disables the 0 flag (GCC warns that it is ignored, which is the point). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK_FMT("[  007]", "[%05.3d]", 7);
#pragma GCC diagnostic pop
	CHECK_FMT("[]", "[%.0d]", 0);
	CHECK_FMT("[    ]", "[%4.0d]", 0);
	CHECK_FMT("[12345]", "[%3d]", 12345); /* width is a minimum, never truncates */
	CHECK_FMT("[    7]", "[%*d]", 5, 7);
	CHECK_FMT("[7    ]", "[%*d]", -5, 7); /* negative * width means left-justify */
	CHECK_FMT("[7    ]", "[%-*d]", 5, 7);
	CHECK_FMT("[  007]", "[%*.*d]", 5, 3, 7);
	test_format_huge_widths();
}

static void test_format_length_modifiers(void)
{
	CHECK_FMT("44", "%hhd", 300);
	CHECK_FMT("-1", "%hhd", 255);
	CHECK_FMT("255", "%hhu", -1);
	CHECK_FMT("4464", "%hd", 70000);
	CHECK_FMT("ffff", "%hx", 0xffffffffu);
	CHECK_FMT("9223372036854775807", "%ld", LONG_MAX);
	CHECK_FMT("-9223372036854775808", "%ld", LONG_MIN);
	CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK_FMT("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK_FMT("ffffffffffffffff", "%llx", ULLONG_MAX);
	CHECK_FMT("1777777777777777777777", "%lo", ULONG_MAX);
	CHECK_FMT("18446744073709551615", "%zu", (size_t)-1);
	CHECK_FMT("123", "%zd", (ssize_t)123);
	CHECK_FMT("-5", "%td", (ptrdiff_t)-5);
	CHECK_FMT("ffffffff80000000", "%lx", 0xffffffff80000000ul);
	CHECK_FMT("[  0000000000001234]", "[%18.16lx]", 0x1234ul);
}

static void test_format_strings_chars(void)
{
	const char *volatile null_str = NULL;
	char got[32];

	CHECK_FMT("hello", "%s", "hello");
	CHECK_FMT("[  abc]", "[%5s]", "abc");
	CHECK_FMT("[abc  ]", "[%-5s]", "abc");
	CHECK_FMT("[ab]", "[%.2s]", "abc");
	CHECK_FMT("[   ab]", "[%5.2s]", "abc");
	CHECK_FMT("[abc]", "[%.*s]", 3, "abcdef");
	CHECK_FMT("[]", "[%.0s]", "abc");
	CHECK_FMT("x", "%c", 'x');
	CHECK_FMT("[  x]", "[%3c]", 'x');
	CHECK_FMT("[x  ]", "[%-3c]", 'x');
	CHECK_FMT("100%", "100%%");
	CHECK_FMT("a1b2c", "a%db%dc", 1, 2);
	CHECK_FMT("", "%s", "");

	/* %s of NULL: libk prints "(null)" rather than faulting. */
	CHECK_INT(snprintf(got, sizeof(got), "%s", null_str), 6);
	CHECK_STR(got, "(null)");
	/* %c of NUL stores a NUL and still counts it. */
	CHECK_INT(snprintf(got, sizeof(got), "a%cb", 0), 3);
	CHECK(got[0] == 'a' && got[1] == '\0');
}

static void test_format_pointer(void)
{
	char got[32];

	CHECK_INT(snprintf(got, sizeof(got), "%p", (void *)0x1234), 6);
	CHECK_STR(got, "0x1234");
	snprintf(got, sizeof(got), "%p", (void *)0xffffffff80001000ul);
	CHECK_STR(got, "0xffffffff80001000");
}

/* A heap buffer of exactly `size` bytes, so ASan catches any write past it. */
static void check_truncation(size_t size, const char *expected, int expected_len)
{
	char *buf = malloc(size ? size : 1);

	memset(buf, '#', size ? size : 1);
	CHECK_INT(snprintf(size ? buf : NULL, size, "%s-%d", "hello", 12345), expected_len);
	if (size)
		CHECK_STR(buf, expected);
	free(buf);
}

static void test_format_truncation(void)
{
	char buf[8];

	check_truncation(0, NULL, 11);
	check_truncation(1, "", 11);
	check_truncation(2, "h", 11);
	check_truncation(6, "hello", 11);
	check_truncation(11, "hello-1234", 11);
	check_truncation(12, "hello-12345", 11);
	check_truncation(100, "hello-12345", 11);

	memset(buf, '#', sizeof(buf));
	CHECK_INT(snprintf(buf, 4, "%08x", 0xabcu), 8);
	CHECK_STR(buf, "000");
	CHECK_INT(buf[4], '#'); /* nothing written past size */

	CHECK_INT(scnprintf(buf, sizeof(buf), "%s", "0123456789"), 7);
	CHECK_STR(buf, "0123456");
	CHECK_INT(scnprintf(buf, sizeof(buf), "%d", 42), 2);
	CHECK_INT(scnprintf(buf, 0, "%d", 42), 0);
	CHECK_INT(scnprintf(buf, 1, "%d", 42), 0);
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int call_vscnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf_va_list(void)
{
	char buf[16];

	CHECK_INT(call_vsnprintf(buf, sizeof(buf), "%s=%u", "x", 7u), 3);
	CHECK_STR(buf, "x=7");
	CHECK_INT(call_vsnprintf(buf, 3, "%d%d%d", 1, 2, 3), 3);
	CHECK_STR(buf, "12");
	CHECK_INT(call_vscnprintf(buf, 3, "%d%d%d", 1, 2, 3), 2);
}

static void test_kstrtoull(void)
{
	unsigned long long v = 77;

	CHECK_INT(kstrtoull("0", 10, &v), 0);
	CHECK_UINT(v, 0);
	CHECK_INT(kstrtoull("12345", 10, &v), 0);
	CHECK_UINT(v, 12345);
	CHECK_INT(kstrtoull("+12", 10, &v), 0);
	CHECK_UINT(v, 12);
	CHECK_INT(kstrtoull("18446744073709551615", 10, &v), 0);
	CHECK_UINT(v, ULLONG_MAX);
	CHECK_INT(kstrtoull("42\n", 10, &v), 0); /* one trailing newline is allowed, as in Linux */
	CHECK_UINT(v, 42);

	/* Bases and prefixes. */
	CHECK_INT(kstrtoull("ff", 16, &v), 0);
	CHECK_UINT(v, 255);
	CHECK_INT(kstrtoull("0xFF", 16, &v), 0);
	CHECK_UINT(v, 255);
	CHECK_INT(kstrtoull("0x1f", 0, &v), 0);
	CHECK_UINT(v, 31);
	CHECK_INT(kstrtoull("0X1F", 0, &v), 0);
	CHECK_UINT(v, 31);
	CHECK_INT(kstrtoull("017", 0, &v), 0);
	CHECK_UINT(v, 15);
	CHECK_INT(kstrtoull("0", 0, &v), 0);
	CHECK_UINT(v, 0);
	CHECK_INT(kstrtoull("17", 0, &v), 0);
	CHECK_UINT(v, 17);
	CHECK_INT(kstrtoull("777", 8, &v), 0);
	CHECK_UINT(v, 511);
	CHECK_INT(kstrtoull("1011", 2, &v), 0);
	CHECK_UINT(v, 11);
	CHECK_INT(kstrtoull("zz", 36, &v), 0);
	CHECK_UINT(v, 1295);

	/* Errors leave the result untouched. */
	v = 77;
	CHECK_INT(kstrtoull("", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("abc", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("12abc", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("12 ", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull(" 12", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("1\n2", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("-1", 10, &v), -EINVAL);
	CHECK_INT(kstrtoull("8", 8, &v), -EINVAL);
	CHECK_INT(kstrtoull("2", 2, &v), -EINVAL);
	CHECK_INT(kstrtoull("0x", 16, &v), -EINVAL);
	CHECK_INT(kstrtoull("0x", 0, &v), -EINVAL);
	CHECK_INT(kstrtoull("0xg", 0, &v), -EINVAL);
	CHECK_INT(kstrtoull("09", 0, &v), -EINVAL);
	CHECK_INT(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	CHECK_INT(kstrtoull("99999999999999999999999", 10, &v), -ERANGE);
	CHECK_INT(kstrtoull("0x10000000000000000", 0, &v), -ERANGE);
	CHECK_UINT(v, 77);
}

static void test_kstrto_signed(void)
{
	long long ll = 5;
	int i = 5;
	long l = 5;

	CHECK_INT(kstrtoll("-9223372036854775808", 10, &ll), 0);
	CHECK_INT(ll, LLONG_MIN);
	CHECK_INT(kstrtoll("9223372036854775807", 10, &ll), 0);
	CHECK_INT(ll, LLONG_MAX);
	CHECK_INT(kstrtoll("9223372036854775808", 10, &ll), -ERANGE);
	CHECK_INT(kstrtoll("-9223372036854775809", 10, &ll), -ERANGE);
	CHECK_INT(kstrtoll("-0x10", 0, &ll), 0);
	CHECK_INT(ll, -16);
	CHECK_INT(kstrtoll("-", 10, &ll), -EINVAL);
	CHECK_INT(kstrtoll("--1", 10, &ll), -EINVAL);
	CHECK_INT(kstrtoll("1-", 10, &ll), -EINVAL);

	CHECK_INT(kstrtol("-123", 10, &l), 0);
	CHECK_INT(l, -123);

	CHECK_INT(kstrtoint("2147483647", 10, &i), 0);
	CHECK_INT(i, INT_MAX);
	CHECK_INT(kstrtoint("-2147483648", 10, &i), 0);
	CHECK_INT(i, INT_MIN);
	i = 5;
	CHECK_INT(kstrtoint("2147483648", 10, &i), -ERANGE);
	CHECK_INT(kstrtoint("-2147483649", 10, &i), -ERANGE);
	CHECK_INT(kstrtoint("12x", 10, &i), -EINVAL);
	CHECK_INT(i, 5);
}

static void test_kstrto_unsigned_narrow(void)
{
	unsigned int u = 5;
	unsigned long ul = 5;

	CHECK_INT(kstrtouint("4294967295", 10, &u), 0);
	CHECK_UINT(u, UINT_MAX);
	CHECK_INT(kstrtouint("4294967296", 10, &u), -ERANGE);
	CHECK_INT(kstrtouint("-1", 10, &u), -EINVAL);
	CHECK_UINT(u, UINT_MAX);
	CHECK_INT(kstrtoul("0xffffffffffffffff", 0, &ul), 0);
	CHECK_UINT(ul, ULONG_MAX);
}

static void test_kstrtobool(void)
{
	bool b = false;

	CHECK_INT(kstrtobool("1", &b), 0);
	CHECK(b);
	CHECK_INT(kstrtobool("n", &b), 0);
	CHECK(!b);
	CHECK_INT(kstrtobool("Y", &b), 0);
	CHECK(b);
	CHECK_INT(kstrtobool("off", &b), 0);
	CHECK(!b);
	CHECK_INT(kstrtobool("ON", &b), 0);
	CHECK(b);
	CHECK_INT(kstrtobool("0", &b), 0);
	CHECK(!b);
	CHECK_INT(kstrtobool("maybe", &b), -EINVAL);
	CHECK_INT(kstrtobool("", &b), -EINVAL);
	CHECK_INT(kstrtobool("o", &b), -EINVAL);
	CHECK(!b);
}

static void test_crc32(void)
{
	const char *fox = "The quick brown fox jumps over the lazy dog";
	u8 zeros[32] = { 0 };

	CHECK_UINT(crc32(0, "123456789", 9), 0xcbf43926u);
	CHECK_UINT(crc32(0, "", 0), 0);
	CHECK_UINT(crc32(0, "a", 1), 0xe8b7be43u);
	CHECK_UINT(crc32(0, fox, strlen(fox)), 0x414fa339u);
	CHECK_UINT(crc32(0, zeros, sizeof(zeros)), 0x190a55adu);
	/* Feeding the result back continues the checksum over more data. */
	CHECK_UINT(crc32(crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	CHECK_UINT(crc32(crc32(0, "", 0), "123456789", 9), 0xcbf43926u);
}

static void test_errno_name(void)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" }, { EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ENOTSUPP, "ENOTSUPP" }, { EKEYREJECTED, "EKEYREJECTED" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_STR(errno_name(-names[i].err), names[i].name); /* as functions return it */
		CHECK_STR(errno_name(names[i].err), names[i].name);
	}
	CHECK(errno_name(4000) != NULL); /* unknown values still give a printable string */
	CHECK(errno_name(0) != NULL);
}

static void test_glob_match(void)
{
	CHECK(glob_match("pci:v00008086d0000100Esv*sd*bc*sc*i*",
			 "pci:v00008086d0000100Esv00008086sd00001100bc02sc00i00"));
	CHECK(!glob_match("pci:v00008086d0000100Esv*sd*bc*sc*i*",
			  "pci:v00008086d0000100Fsv00008086sd00001100bc02sc00i00"));
	CHECK(glob_match("*", ""));
	CHECK(glob_match("a*b*c", "aXbYbZc"));
	CHECK(!glob_match("a*b*c", "aXbYbZ"));
	CHECK(glob_match("h?llo", "hello"));
	CHECK(!glob_match("h?llo", "hllo"));
	CHECK(glob_match("bc0[1-3]", "bc02"));
	CHECK(!glob_match("bc0[!1-3]", "bc02"));
	CHECK(glob_match("x[", "x[")); /* an unclosed class is a literal '[' */
	CHECK(glob_match("**a", "a"));
	CHECK(!glob_match("", "a"));
}

int main(void)
{
	test_mem_functions();
	test_str_length_compare();
	test_str_search();
	test_strlcpy_strlcat();
	test_strsep();
	test_ctype();
	test_format_integers();
	test_format_flags_width_precision();
	test_format_length_modifiers();
	test_format_strings_chars();
	test_format_pointer();
	test_format_truncation();
	test_vsnprintf_va_list();
	test_kstrtoull();
	test_kstrto_signed();
	test_kstrto_unsigned_narrow();
	test_kstrtobool();
	test_crc32();
	test_glob_match();
	test_errno_name();
	return unit_summary();
}
