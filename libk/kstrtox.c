/* libk: strict whole-string number parsing in the style of Linux's kstrto*(). */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/types.h>
#include <keel/string.h>

static int digit_value(char c)
{
	if (isdigit(c))
		return c - '0';
	if ((c | 32) >= 'a' && (c | 32) <= 'z')
		return (c | 32) - 'a' + 10;
	return 99;
}

static const char *parse_base_prefix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0' && (s[1] | 32) == 'x' && isxdigit(s[2])) {
			*base = 16;
			return s + 2;
		}
		*base = (s[0] == '0' && s[1]) ? 8 : 10;
		return s;
	}
	if (*base == 16 && s[0] == '0' && (s[1] | 32) == 'x' && isxdigit(s[2]))
		return s + 2;
	return s;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;

	if (*s == '+')
		s++;
	s = parse_base_prefix(s, &base);
	if (base < 2 || base > 36 || !*s)
		return -EINVAL;
	for (; *s && *s != '\n'; s++) {
		unsigned int d = digit_value(*s);
		if (d >= base)
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (*s == '\n' && s[1])
		return -EINVAL;
	*res = v;
	return 0;
}
EXPORT_SYMBOL(kstrtoull);

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int neg = (*s == '-');
	int err = kstrtoull(s + neg, base, &v);

	if (err)
		return err;
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
	} else {
		if (v > (unsigned long long)LLONG_MAX)
			return -ERANGE;
		*res = (long long)v;
	}
	return 0;
}
EXPORT_SYMBOL(kstrtoll);

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (!err)
		*res = v;
	return err;
}
EXPORT_SYMBOL(kstrtoul);

int kstrtol(const char *s, unsigned int base, long *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (!err)
		*res = v;
	return err;
}
EXPORT_SYMBOL(kstrtol);

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}
EXPORT_SYMBOL(kstrtouint);

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (err)
		return err;
	if (v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	*res = (int)v;
	return 0;
}
EXPORT_SYMBOL(kstrtoint);

/* Accepts what Linux does: 1/0, y/n, on/off (case-insensitive first letters). */
int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0] | 32) {
	case 'y': case '1':
		*res = true;
		return 0;
	case 'n': case '0':
		*res = false;
		return 0;
	case 'o':
		if ((s[1] | 32) == 'n') {
			*res = true;
			return 0;
		}
		if ((s[1] | 32) == 'f') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}
EXPORT_SYMBOL(kstrtobool);

/* Command-line sizes (pagecache_limit=64M, dd bs=1M); kernel.h-style K/M/G suffixes. */
int kstrtosize(const char *text, unsigned long long *bytes)
{
	static const char suffixes[] = "kmg";
	char digits[24];
	size_t len = strlen(text);
	unsigned int shift = 0;
	unsigned long long v;
	const char *s;

	if (len && (s = strchr(suffixes, text[len - 1] | 0x20)) && *s) {
		shift = 10 * (unsigned int)(s - suffixes + 1);
		len--;
	}
	if (len == 0 || len >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, text, len);
	digits[len] = '\0';
	if (kstrtoull(digits, 0, &v) || v > (~0ULL >> shift))
		return -EINVAL;
	*bytes = v << shift;
	return 0;
}

EXPORT_SYMBOL(kstrtosize);
