/*
 * IPv4 address text, for the shell's ip and ping until a real stack arrives (Linux has
 * in4_pton and %pI4 for the same jobs).
 */
#ifndef KEEL_INET_H
#define KEEL_INET_H

#include <keel/types.h>

/*
 * Parses dotted-quad s ("10.0.2.15", each part 0-255, nothing after it) into *addr
 * (big-endian). 0, or -EINVAL. Any context.
 */
int inet_pton4(const char *s, u32 *addr);
/* Writes addr (big-endian) as a dotted quad into buf (at least 16 bytes); returns buf. */
char *inet_ntop4(u32 addr, char *buf);

#endif
