/*
 * The checks nvme.ko makes on Identify Namespace data (NVMe 1.4, figure 245) before a
 * namespace becomes a block device, kept free of kernel calls so tests/unit/test_nvme_id.c
 * runs them on the host. See docs/drivers.md, "NVMe".
 */
#ifndef NVME_ID_H
#define NVME_ID_H

#include <keel/types.h>

#define NVME_ID_SIZE 4096
#define NVME_MAX_NSZE (1ULL << 48) /* the block layer's BDEV_MAX_SECTORS */

/* What nvme_parse_id_ns() found wrong: each names one field. */
enum nvme_id_problem {
	NVME_ID_OK = 0,
	NVME_ID_BAD_FORMAT_INDEX, /* FLBAS names a format past NLBAF */
	NVME_ID_BAD_LBA_SIZE,     /* LBADS below 9 (512 bytes) or above 12 (4 KiB) */
	NVME_ID_METADATA,         /* metadata interleaved with the data (extended LBAs) */
	NVME_ID_ZERO_SIZE,        /* NSZE 0 */
	NVME_ID_TOO_BIG,          /* NSZE 2^48 or more */
};

/* The namespace's shape, and the raw values a message about it names. */
struct nvme_ns_geometry {
	u64 nsze;                 /* blocks */
	unsigned int format;      /* FLBAS's format index */
	unsigned int nlbaf;       /* formats - 1 */
	unsigned int lba_shift;   /* LBADS: 2^lba_shift-byte blocks */
	unsigned int ms;          /* metadata bytes per block */
};

/* Fills geo from the 4096 bytes of Identify Namespace data; NVME_ID_OK or the problem. */
enum nvme_id_problem nvme_parse_id_ns(const u8 *id, struct nvme_ns_geometry *geo);

/* The ASCII field of len bytes at offset (serial, model, firmware), trailing spaces cut,
 * other than printable characters as '?'; out holds len + 1 bytes. */
void nvme_id_string(const u8 *id, unsigned int offset, unsigned int len, char *out);

/* Little-endian fields of Identify data. */
static inline u32 nvme_id_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 nvme_id_le64(const u8 *p)
{
	return (u64)nvme_id_le32(p) | (u64)nvme_id_le32(p + 4) << 32;
}

#endif
