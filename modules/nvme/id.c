/*
 * Identify data parsing (NVMe 1.4, 5.15.2): the namespace's size and formatted LBA format,
 * refused when a block device could not hold it; the controller's ASCII strings. Pure: no
 * kernel calls, so tests/unit/test_nvme_id.c builds it on the host.
 */
#include "id.h"

#define ID_NSZE 0
#define ID_NLBAF 25
#define ID_FLBAS 26
#define ID_LBAF0 128
#define FLBAS_FORMAT(f) ((f) & 0xf)
#define FLBAS_EXTENDED (1u << 4) /* metadata at the end of each block's data */
#define LBADS_MIN 9              /* 512 bytes */
#define LBADS_MAX 12             /* 4 KiB: a page, as the page cache wants */

enum nvme_id_problem nvme_parse_id_ns(const u8 *id, struct nvme_ns_geometry *geo)
{
	u32 lbaf;

	geo->nsze = nvme_id_le64(id + ID_NSZE);
	geo->nlbaf = id[ID_NLBAF];
	geo->format = FLBAS_FORMAT(id[ID_FLBAS]);
	geo->lba_shift = geo->ms = 0;
	if (geo->format > geo->nlbaf)
		return NVME_ID_BAD_FORMAT_INDEX;
	lbaf = nvme_id_le32(id + ID_LBAF0 + 4 * geo->format);
	geo->ms = lbaf & 0xffff;
	geo->lba_shift = (lbaf >> 16) & 0xff;
	if (geo->lba_shift < LBADS_MIN || geo->lba_shift > LBADS_MAX)
		return NVME_ID_BAD_LBA_SIZE;
	if (geo->ms && (id[ID_FLBAS] & FLBAS_EXTENDED))
		return NVME_ID_METADATA;
	if (!geo->nsze)
		return NVME_ID_ZERO_SIZE;
	if (geo->nsze >= NVME_MAX_NSZE)
		return NVME_ID_TOO_BIG;
	return NVME_ID_OK;
}

void nvme_id_string(const u8 *id, unsigned int offset, unsigned int len, char *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < len; i++) {
		u8 c = id[offset + i] ? id[offset + i] : ' '; /* some pad with NULs */

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		if (c != ' ')
			n = i + 1;
	}
	out[n] = '\0';
}
