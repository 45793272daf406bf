/*
 * The Internet checksum (see <keel/checksum.h>). Summing in memory order gives the checksum in
 * memory (network) order too, since ones' complement addition is byte-order independent
 * (RFC 1071 section 2B), so no byte swapping is needed on x86.
 */
#include <keel/checksum.h>
#include <keel/export.h>

u32 csum_partial(const void *buf, size_t len, u32 sum)
{
	const u8 *p = buf;
	u64 acc = sum;

	for (; len >= 2; p += 2, len -= 2)
		acc += (u32)(p[0] | p[1] << 8);
	if (len)
		acc += p[0];
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (u32)acc;
}
EXPORT_SYMBOL_GPL(csum_partial);

u16 csum_fold(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}
EXPORT_SYMBOL_GPL(csum_fold);

u16 ip_compute_csum(const void *buf, size_t len)
{
	return csum_fold(csum_partial(buf, len, 0));
}
EXPORT_SYMBOL_GPL(ip_compute_csum);
