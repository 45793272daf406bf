/*
 * The Internet checksum (RFC 1071), after Linux's <net/checksum.h>: the ones' complement of
 * the ones' complement sum of 16-bit words. Used for IPv4 headers, ICMP and, later, UDP/TCP.
 */
#ifndef KEEL_CHECKSUM_H
#define KEEL_CHECKSUM_H

#include <keel/types.h>

/*
 * Adds len bytes at buf (any alignment, any length: an odd last byte is padded with zero) to
 * the 32-bit partial sum sum and returns the new partial sum. Any context.
 */
u32 csum_partial(const void *buf, size_t len, u32 sum);
/* Folds a partial sum to 16 bits and complements it: the value to store in a header. */
u16 csum_fold(u32 sum);
/*
 * The checksum of len bytes at buf, in the header's byte order (store it as it is). Over data
 * that holds a correct checksum the result is 0, which is how input is verified.
 */
u16 ip_compute_csum(const void *buf, size_t len);

#endif
