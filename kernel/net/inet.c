/* IPv4 address text (see <keel/inet.h>); host-tested by tests/unit/test_net_csum.c. */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/inet.h>
#include <keel/sprintf.h>

/* One decimal part of at most 3 digits, 0-255; *s moves past it. 0 or -EINVAL. */
static int inet_part(const char **s, u32 *part)
{
	unsigned int v = 0, digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 4) {
		v = v * 10 + (unsigned int)(**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || digits > 3 || v > 255)
		return -EINVAL;
	*part = v;
	return 0;
}

int inet_pton4(const char *s, u32 *addr)
{
	u8 bytes[4];
	u32 part;

	for (int i = 0; i < 4; i++) {
		if (inet_part(&s, &part))
			return -EINVAL;
		bytes[i] = (u8)part;
		if (*s != (i < 3 ? '.' : '\0'))
			return -EINVAL;
		s++;
	}
	*addr = (u32)bytes[0] | (u32)bytes[1] << 8 | (u32)bytes[2] << 16 | (u32)bytes[3] << 24;
	return 0;
}
EXPORT_SYMBOL_GPL(inet_pton4);

char *inet_ntop4(u32 addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr & 0xff, (addr >> 8) & 0xff, (addr >> 16) & 0xff,
		 addr >> 24);
	return buf;
}
EXPORT_SYMBOL_GPL(inet_ntop4);
