/* libk: printf-style formatting (%d %i %u %x %X %o %p %s %c %%, flags -0+ #, width, precision, h/hh/l/ll/z/t). */
#include <keel/export.h>
#include <keel/sprintf.h>
#include <keel/string.h>

struct fmt_spec {
	bool left, zero, plus, space, alt;
	int width, precision; /* precision -1: none */
	int length;           /* 'H' hh, 'h', 'l', 'L' ll, 'z' */
};

struct out_buf {
	char *buf;
	size_t size, pos;
};

static void out_char(struct out_buf *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_pad(struct out_buf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_string(struct out_buf *o, const char *s, const struct fmt_spec *f)
{
	int len;

	if (!s)
		s = "(null)";
	len = (int)strnlen(s, f->precision >= 0 ? (size_t)f->precision : (size_t)-1);
	if (!f->left)
		out_pad(o, ' ', f->width - len);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (f->left)
		out_pad(o, ' ', f->width - len);
}

static void out_number(struct out_buf *o, unsigned long long v, bool neg, int base,
		       bool upper, const struct fmt_spec *f)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prefix_len, zeros, pad;
	const char *prefix = "";
	bool zero = (v == 0);

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (f->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		prefix = "-";
	else if (f->plus && base == 10)
		prefix = "+";
	else if (f->space && base == 10)
		prefix = " ";
	else if (f->alt && base == 16 && !zero) /* C: "%#x" of 0 is "0" */
		prefix = upper ? "0X" : "0x";
	else if (f->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";
	prefix_len = (int)strlen(prefix);
	zeros = f->precision > n ? f->precision - n : 0;
	pad = f->width - prefix_len - zeros - n;
	if (f->zero && !f->left && f->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!f->left)
		out_pad(o, ' ', pad);
	while (*prefix)
		out_char(o, *prefix++);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (f->left)
		out_pad(o, ' ', pad);
}

/*
 * Widths and precisions are clamped here (as Linux limits them), so neither the digits nor
 * -INT_MIN nor the padding sums after them can overflow an int.
 */
#define FMT_MAX_WIDTH (1 << 20)

static int clamp_width(long long v)
{
	return v > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : (int)v;
}

/* Digits of a width or precision, accumulated without overflowing past the clamp. */
static const char *parse_digits(const char *fmt, int *out)
{
	long long v = *out;

	while (isdigit(*fmt)) {
		if (v <= FMT_MAX_WIDTH)
			v = v * 10 + (*fmt - '0');
		fmt++;
	}
	*out = clamp_width(v);
	return fmt;
}

static const char *parse_spec(const char *fmt, struct fmt_spec *f, va_list *ap)
{
	*f = (struct fmt_spec){ .precision = -1 };
	for (;; fmt++) {
		if (*fmt == '-') f->left = true;
		else if (*fmt == '0') f->zero = true;
		else if (*fmt == '+') f->plus = true;
		else if (*fmt == ' ') f->space = true;
		else if (*fmt == '#') f->alt = true;
		else break;
	}
	if (*fmt == '*') {
		long long w = va_arg(*ap, int);

		if (w < 0) {
			f->left = true;
			w = -w;
		}
		f->width = clamp_width(w);
		fmt++;
	}
	fmt = parse_digits(fmt, &f->width);
	if (*fmt == '.') {
		fmt++;
		f->precision = 0;
		if (*fmt == '*') {
			int p = va_arg(*ap, int);

			f->precision = p < 0 ? -1 : clamp_width(p); /* negative: none, as in C */
			fmt++;
		}
		fmt = parse_digits(fmt, &f->precision);
	}
	if (fmt[0] == 'h' && fmt[1] == 'h') f->length = 'H', fmt += 2;
	else if (fmt[0] == 'l' && fmt[1] == 'l') f->length = 'L', fmt += 2;
	else if (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 't') f->length = *fmt++;
	return fmt;
}

static unsigned long long fetch_unsigned(const struct fmt_spec *f, va_list *ap)
{
	switch (f->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (unsigned long)va_arg(*ap, long);
	default: return va_arg(*ap, unsigned int);
	}
}

static long long fetch_signed(const struct fmt_spec *f, va_list *ap)
{
	switch (f->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (long)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, long);
	default: return va_arg(*ap, int);
	}
}

static void format_one(struct out_buf *o, char conv, struct fmt_spec *f, va_list *ap)
{
	long long sv;

	switch (conv) {
	case 'd': case 'i':
		sv = fetch_signed(f, ap);
		out_number(o, sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv,
			   sv < 0, 10, false, f);
		break;
	case 'u': out_number(o, fetch_unsigned(f, ap), false, 10, false, f); break;
	case 'x': out_number(o, fetch_unsigned(f, ap), false, 16, false, f); break;
	case 'X': out_number(o, fetch_unsigned(f, ap), false, 16, true, f); break;
	case 'o': out_number(o, fetch_unsigned(f, ap), false, 8, false, f); break;
	case 'p':
		f->alt = true;
		out_number(o, (unsigned long)va_arg(*ap, void *), false, 16, false, f);
		break;
	case 'c': {
		char s[2] = { (char)va_arg(*ap, int), 0 };
		f->precision = 1;
		if (!s[0]) { /* a NUL character still counts as one */
			out_char(o, 0);
			break;
		}
		out_string(o, s, f);
		break;
	}
	case 's': out_string(o, va_arg(*ap, const char *), f); break;
	case '%': out_char(o, '%'); break;
	default: /* unknown conversion: print it literally so the mistake is visible */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out_buf o = { buf, size, 0 };
	struct fmt_spec f;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &f, &args);
		format_one(&o, *fmt, &f, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}
EXPORT_SYMBOL(vsnprintf);

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(snprintf);

/* Like vsnprintf but returns what was actually stored (excluding the NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (size == 0)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}
EXPORT_SYMBOL(vscnprintf);

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(scnprintf);

/* Unbounded: INT_MAX as the size, since the return value is an int anyway. */
int vsprintf(char *buf, const char *fmt, va_list ap)
{
	return vsnprintf(buf, INT_MAX, fmt, ap);
}
EXPORT_SYMBOL(vsprintf);

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(sprintf);
