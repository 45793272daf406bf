/*
 * IDENTIFY (PACKET) DEVICE data, shared by the ATA drivers (ata.ko for IDE, ahci.ko for SATA):
 * word numbers and the parsing of its strings and capacity (ATA8-ACS, "IDENTIFY DEVICE"),
 * after Linux's <linux/ata.h>. Static inline so neither driver depends on the other.
 */
#ifndef KEEL_ATA_ID_H
#define KEEL_ATA_ID_H

#include <keel/string.h>
#include <keel/types.h>

#define ATA_ID_WORDS 256
#define ATA_ID_SERNO 10
#define ATA_ID_FW_REV 23
#define ATA_ID_PROD 27
#define ATA_ID_CAPABILITY 49
#define  ATA_ID_CAP_DMA (1 << 8)
#define  ATA_ID_CAP_LBA (1 << 9)
#define ATA_ID_LBA28_CAPACITY 60
#define ATA_ID_COMMAND_SET_2 83
#define  ATA_ID_CMD2_LBA48 (1 << 10)
#define ATA_ID_LBA48_CAPACITY 100

/* IDENTIFY strings hold two characters per word, the first in the high byte; space padded.
 * out gets 2 * words characters at most plus the NUL, trimmed both sides. */
static inline void ata_id_string(const u16 *id, int word, int words, char *out)
{
	int len, start = 0;

	for (int i = 0; i < words; i++) {
		out[2 * i] = id[word + i] >> 8;
		out[2 * i + 1] = id[word + i] & 0xff;
	}
	len = 2 * words;
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\0'))
		len--;
	while (start < len && out[start] == ' ')
		start++;
	memmove(out, out + start, len - start);
	out[len - start] = '\0';
}

static inline bool ata_id_has_lba48(const u16 *id)
{
	return id[ATA_ID_COMMAND_SET_2] & ATA_ID_CMD2_LBA48;
}

/* The user-addressable sectors: the LBA48 count when the disk has one, else the LBA28 one. */
static inline u64 ata_id_n_sectors(const u16 *id)
{
	const u16 *w = &id[ATA_ID_LBA48_CAPACITY];
	u64 n = 0;

	if (ata_id_has_lba48(id))
		n = (u64)w[0] | (u64)w[1] << 16 | (u64)w[2] << 32 | (u64)w[3] << 48;
	if (!n)
		n = (u32)id[ATA_ID_LBA28_CAPACITY] | (u32)id[ATA_ID_LBA28_CAPACITY + 1] << 16;
	return n;
}

#endif
