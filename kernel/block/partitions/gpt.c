/*
 * GPT partition tables (UEFI spec, chapter 5): the header at LBA 1 with its CRC32 and the CRC32
 * of the partition entry array it points to; when the primary is damaged, the backup header in
 * the disk's last sector is used instead, with a warning.
 */
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/partitions/parts.h"

#define GPT_SIGNATURE "EFI PART"
#define GPT_HEADER_MIN_SIZE 92
#define GPT_ENTRY_MIN_SIZE 128
#define GPT_ENTRY_MAX_SIZE 4096
#define GPT_ENTRIES_MAX_BYTES (1024 * 1024)
#define GPT_NAME_UNITS 36

/* The header fields used, already checked by gpt_check_header(). */
struct gpt_header {
	u64 my_lba, first_usable, last_usable;
	u64 entries_lba;
	u32 nr_entries, entry_size, entries_crc;
};

/* Why a header was refused, for the warning; NULL when it is fine. */
static const char *gpt_check_fields(const struct part_scan *s, const u8 *raw, u64 lba,
				    struct gpt_header *h)
{
	u64 entry_sectors;

	h->my_lba = part_le64(raw + 24);
	h->first_usable = part_le64(raw + 40);
	h->last_usable = part_le64(raw + 48);
	h->entries_lba = part_le64(raw + 72);
	h->nr_entries = part_le32(raw + 80);
	h->entry_size = part_le32(raw + 84);
	h->entries_crc = part_le32(raw + 88);
	if (h->my_lba != lba)
		return "its own LBA field is wrong";
	if (h->first_usable > h->last_usable || h->last_usable >= s->nr_sectors)
		return "usable range is not on the disk";
	if (h->entry_size < GPT_ENTRY_MIN_SIZE || h->entry_size > GPT_ENTRY_MAX_SIZE ||
	    h->entry_size % 8)
		return "bad partition entry size";
	if (h->nr_entries == 0 || (u64)h->nr_entries * h->entry_size > GPT_ENTRIES_MAX_BYTES)
		return "bad number of partition entries";
	entry_sectors = ((u64)h->nr_entries * h->entry_size + s->sector_size - 1) / s->sector_size;
	if (h->entries_lba < 2 || h->entries_lba >= s->nr_sectors ||
	    entry_sectors > s->nr_sectors - h->entries_lba)
		return "partition entries are not on the disk";
	return NULL;
}

static const char *gpt_check_header(const struct part_scan *s, u8 *raw, u64 lba,
				    struct gpt_header *h)
{
	u32 size = part_le32(raw + 12);
	u32 stored_crc = part_le32(raw + 16);

	if (memcmp(raw, GPT_SIGNATURE, 8) != 0)
		return "no signature";
	if (size < GPT_HEADER_MIN_SIZE || size > s->sector_size)
		return "bad header size";
	memset(raw + 16, 0, 4); /* the CRC covers the header with its CRC field zeroed */
	if (crc32(0, raw, size) != stored_crc)
		return "header CRC mismatch";
	return gpt_check_fields(s, raw, lba, h);
}

/* Reads the header at lba and its entry array (*entries, kmalloc'd). NULL or the reason. */
static const char *gpt_load(struct part_scan *s, u64 lba, struct gpt_header *h, u8 **entries,
			    u8 *sector)
{
	const char *why;
	u32 bytes, sectors;

	if (s->read(s->ctx, lba, 1, sector))
		return "read error";
	why = gpt_check_header(s, sector, lba, h);
	if (why)
		return why;
	bytes = h->nr_entries * h->entry_size;
	sectors = (bytes + s->sector_size - 1) / s->sector_size;
	*entries = kmalloc_array(sectors, s->sector_size, GFP_KERNEL);
	if (!*entries)
		return "out of memory";
	if (s->read(s->ctx, h->entries_lba, sectors, *entries))
		why = "read error in the partition entries";
	else if (crc32(0, *entries, bytes) != h->entries_crc)
		why = "partition entries CRC mismatch";
	if (why) {
		kfree(*entries);
		*entries = NULL;
	}
	return why;
}

static bool guid_is_zero(const u8 *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

/* UTF-16LE name to ASCII; other characters (surrogate pairs count as one) become '?'. */
static void gpt_name_to_ascii(const u8 *name, char *out, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < GPT_NAME_UNITS && n + 1 < size; i++) {
		u16 c = part_le16(name + 2 * i);

		if (c == 0)
			break;
		if (c >= 0xdc00 && c <= 0xdfff)
			continue; /* the second half of a pair already shown */
		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[n] = '\0';
}

static void gpt_add_entry(struct part_scan *s, const struct gpt_header *h, const u8 *raw,
			  int number)
{
	u64 first = part_le64(raw + 32), last = part_le64(raw + 40);
	struct part_entry *p;

	if (first > last || first < h->first_usable || last > h->last_usable) {
		if (part_warn_ok(s))
			pr_warn("%s: GPT partition %d (sectors %llu-%llu) is outside the usable area "
				"%llu-%llu; ignored\n", s->name, number, (unsigned long long)first,
				(unsigned long long)last, (unsigned long long)h->first_usable,
				(unsigned long long)h->last_usable);
		return;
	}
	p = part_add(s, number, first, last - first + 1);
	if (!p)
		return;
	memcpy(p->type_guid, raw, 16);
	memcpy(p->unique_guid, raw + 16, 16);
	gpt_name_to_ascii(raw + 56, p->label, sizeof(p->label));
}

static void gpt_add_entries(struct part_scan *s, const struct gpt_header *h, const u8 *entries)
{
	for (u32 i = 0; i < h->nr_entries; i++) {
		const u8 *raw = entries + (size_t)i * h->entry_size;

		if (!guid_is_zero(raw))
			gpt_add_entry(s, h, raw, (int)min_t(u32, i + 1, INT_MAX));
	}
}

int part_parse_gpt(struct part_scan *s)
{
	struct gpt_header h;
	u8 *entries = NULL, *sector;
	const char *why, *why_backup;
	u64 backup_lba = s->nr_sectors - 1;

	sector = kmalloc(s->sector_size, GFP_KERNEL);
	if (!sector)
		return -ENOMEM;
	why = gpt_load(s, 1, &h, &entries, sector);
	if (why) {
		why_backup = gpt_load(s, backup_lba, &h, &entries, sector);
		if (why_backup) {
			pr_warn("%s: no valid GPT: primary header: %s; backup header at sector "
				"%llu: %s\n", s->name, why, (unsigned long long)backup_lba,
				why_backup);
			kfree(sector);
			return -EINVAL;
		}
		pr_warn("%s: primary GPT header is damaged (%s); using the backup at sector "
			"%llu\n", s->name, why, (unsigned long long)backup_lba);
		s->gpt_backup_used = true;
	}
	s->kind = PART_TABLE_GPT;
	gpt_add_entries(s, &h, entries);
	kfree(entries);
	kfree(sector);
	return 1;
}
