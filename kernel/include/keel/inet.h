/*
 * IPv4 address text, for the shell's ip and ping until a real stack arrives (Linux has
 * in4_pton and %pI4 for the same jobs).
 */
#ifndef KEEL_INET_H
#define KEEL_INET_H

#include <keel/if_ether.h> /* htonl */
#include <keel/types.h>

/*
 * Parses dotted-quad s ("10.0.2.15", each part 0-255, nothing after it) into *addr
 * (big-endian). 0, or -EINVAL. Any context.
 */
int inet_pton4(const char *s, u32 *addr);
/* Writes addr (big-endian) as a dotted quad into buf (at least 16 bytes); returns buf. */
char *inet_ntop4(u32 addr, char *buf);

/* The netmask (big-endian) of a prefix length 0-32. Linux's inet_make_mask. */
static inline u32 inet_make_mask(unsigned int logmask)
{
	return logmask ? htonl(~0u << (32 - logmask)) : 0;
}

/* The prefix length of a contiguous netmask (big-endian). Linux's inet_mask_len. */
static inline unsigned int inet_mask_len(u32 mask)
{
	u32 hmask = ntohl(mask);

	return hmask ? 32 - (unsigned int)__builtin_ctz(hmask) : 0;
}

/* True unless mask is contiguous ones then zeros and addr has no bits outside it (Linux's
 * bad_mask, for ifconfig's netmask and route's genmask). */
static inline bool bad_mask(u32 mask, u32 addr)
{
	u32 hostbits = ~mask;

	if (addr & hostbits)
		return true;
	hostbits = ntohl(hostbits);
	return (hostbits & (hostbits + 1)) != 0;
}

#endif
