/*
 * Host test of nvme.ko's Identify checks (modules/nvme/id.c): Identify Namespace data as QEMU
 * builds it (512-byte and 4 KiB formats, several formats with the second one chosen), and the
 * data a block device cannot hold: an FLBAS index past NLBAF, blocks under 512 bytes or over
 * 4 KiB, metadata interleaved with the data, zero capacity, 2^48 blocks and more; and the
 * controller's space-padded strings.
 */
/* UNIT_SOURCES: modules/nvme/id.c */
#include <string.h>
#include "../../modules/nvme/id.h"
#include "unit.h"

static u8 id[NVME_ID_SIZE];

static void put_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* Identify Namespace data: nsze blocks, formats of 2^lbads[i] bytes, format fmt in use. */
static void make_ns(u64 nsze, const unsigned int *lbads, unsigned int n, unsigned int fmt)
{
	memset(id, 0, sizeof(id));
	put_le32(id, (u32)nsze);
	put_le32(id + 4, (u32)(nsze >> 32));
	id[25] = (u8)(n - 1);
	id[26] = (u8)fmt;
	for (unsigned int i = 0; i < n; i++)
		put_le32(id + 128 + 4 * i, lbads[i] << 16);
}

static void test_good_namespaces(void)
{
	static const unsigned int one[] = { 9 }, qemu[] = { 9, 9, 9, 9, 12, 12, 12, 12 };
	struct nvme_ns_geometry g;

	make_ns(32768, one, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_OK);
	CHECK_UINT(g.nsze, 32768);
	CHECK_UINT(g.lba_shift, 9);
	make_ns(1000, qemu, 8, 4);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_OK);
	CHECK_UINT(g.lba_shift, 12);
	CHECK_UINT(g.format, 4);
	make_ns((1ULL << 48) - 1, one, 1, 0); /* the largest a block device holds */
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_OK);
	/* Separate metadata (FLBAS bit 4 clear) does not touch the data blocks. */
	make_ns(100, one, 1, 0);
	put_le32(id + 128, 9u << 16 | 8);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_OK);
}

static void test_bad_namespaces(void)
{
	static const unsigned int one[] = { 9 }, two[] = { 9, 12 };
	static const unsigned int big[] = { 13 }, tiny[] = { 8 }, huge[] = { 255 }, none[] = { 0 };
	struct nvme_ns_geometry g;

	make_ns(100, two, 2, 2);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_BAD_FORMAT_INDEX);
	make_ns(100, big, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_BAD_LBA_SIZE);
	CHECK_UINT(g.lba_shift, 13);
	make_ns(100, tiny, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_BAD_LBA_SIZE);
	make_ns(100, huge, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_BAD_LBA_SIZE);
	make_ns(100, none, 1, 0); /* an inactive namespace's all-zero data */
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_BAD_LBA_SIZE);
	make_ns(100, one, 1, 0x10);
	put_le32(id + 128, 9u << 16 | 8);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_METADATA);
	CHECK_UINT(g.ms, 8);
	make_ns(0, one, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_ZERO_SIZE);
	make_ns(1ULL << 48, one, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_TOO_BIG);
	make_ns(~0ULL, one, 1, 0);
	CHECK_INT(nvme_parse_id_ns(id, &g), NVME_ID_TOO_BIG);
}

static void test_strings(void)
{
	char out[41];

	memset(id, ' ', 64);
	memcpy(id + 24, "QEMU NVMe Ctrl", 14);
	nvme_id_string(id, 24, 40, out);
	CHECK_STR(out, "QEMU NVMe Ctrl");
	memset(id + 4, 0, 20);
	memcpy(id + 4, "dead\x01", 5);
	nvme_id_string(id, 4, 20, out);
	CHECK_STR(out, "dead?");
	memset(id + 4, ' ', 20);
	nvme_id_string(id, 4, 20, out);
	CHECK_STR(out, "");
}

int main(void)
{
	test_good_namespaces();
	test_bad_namespaces();
	test_strings();
	return unit_summary();
}
