/*
 * Host unit test for the Internet checksum (kernel/net/checksum.c) and IPv4 address text
 * (kernel/net/inet.c): RFC 1071's worked example, a real IPv4 header, odd lengths, partial
 * sums over pieces, and the parser's refusals.
 */
/* UNIT_SOURCES: kernel/net/checksum.c kernel/net/inet.c */
#include <keel/checksum.h>
#include <keel/errno.h>
#include <keel/inet.h>
#include <keel/string.h>
#include "unit.h"

static void test_rfc1071(void)
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded). */
	const u8 data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	u16 c = ip_compute_csum(data, sizeof(data));

	/* The result is in memory order: bytes 0x22 0x0d, i.e. ~0xddf2 big-endian. */
	CHECK_UINT(((const u8 *)&c)[0], 0x22);
	CHECK_UINT(((const u8 *)&c)[1], 0x0d);
}

static void test_ip_header(void)
{
	u8 h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	u16 c = ip_compute_csum(h, sizeof(h));

	memcpy(h + 10, &c, 2);
	CHECK_UINT(h[10], 0xb8);
	CHECK_UINT(h[11], 0x61);
	CHECK_UINT(ip_compute_csum(h, sizeof(h)), 0); /* how input is verified */
	h[3] ^= 1;
	CHECK(ip_compute_csum(h, sizeof(h)) != 0);
}

static void test_odd_and_pieces(void)
{
	const u8 odd[] = { 0x12, 0x34, 0x56 };
	u8 buf[301];
	u32 sum;

	/* An odd last byte counts as its high-order byte padded with zero: 0x1234 + 0x5600. */
	CHECK_UINT(csum_fold(csum_partial(odd, 3, 0)), (u16)~(0x3412 + 0x0056));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7 + 3);
	sum = csum_partial(buf, 100, 0);
	sum = csum_partial(buf + 100, 201, sum);
	CHECK_UINT(csum_fold(sum), ip_compute_csum(buf, sizeof(buf)));
	memset(buf, 0xff, sizeof(buf));
	CHECK_UINT(ip_compute_csum(buf, 300), 0); /* all ones: the carries fold back */
}

static void test_inet(void)
{
	char text[16];
	u32 a;

	CHECK_INT(inet_pton4("10.0.2.15", &a), 0);
	CHECK_UINT(((u8 *)&a)[0], 10);
	CHECK_UINT(((u8 *)&a)[3], 15);
	CHECK_STR(inet_ntop4(a, text), "10.0.2.15");
	CHECK_INT(inet_pton4("255.255.255.255", &a), 0);
	CHECK_INT(inet_pton4("256.0.0.1", &a), -EINVAL);
	CHECK_INT(inet_pton4("1.2.3", &a), -EINVAL);
	CHECK_INT(inet_pton4("1.2.3.4.5", &a), -EINVAL);
	CHECK_INT(inet_pton4("1.2.3.4x", &a), -EINVAL);
	CHECK_INT(inet_pton4("1..3.4", &a), -EINVAL);
	CHECK_INT(inet_pton4("0001.2.3.4", &a), -EINVAL);
	CHECK_INT(inet_pton4("", &a), -EINVAL);
}

int main(void)
{
	test_rfc1071();
	test_ip_header();
	test_odd_and_pieces();
	test_inet();
	return unit_summary();
}
