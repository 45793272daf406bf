/*
 * The lsblk command: one line per block device with its size (human-readable and in sectors),
 * sector size, read-only flag, kind, start on its disk, partition table entry (MBR id, or "gpt"),
 * and details: the partition type's name with the bootable flag or GPT label, or the disk's
 * model. Lines fit 80 columns (long details are cut); `lsblk -g` lists the GPT partitions'
 * type and unique GUIDs, which would not.
 */
#include <keel/console.h>
#include <keel/minmax.h>
#include <keel/string.h>
#include "block/block.h"
#include "shell/shell_internal.h"

#define LSBLK_COLUMNS 80

struct mbr_type_name {
	u8 id;
	const char *name;
};

static const struct mbr_type_name mbr_type_names[] = {
	{ 0x01, "FAT12" },           { 0x04, "FAT16 <32M" },         { 0x05, "Extended" },
	{ 0x06, "FAT16" },           { 0x07, "HPFS/NTFS/exFAT" },    { 0x0b, "W95 FAT32" },
	{ 0x0c, "W95 FAT32 (LBA)" }, { 0x0e, "W95 FAT16 (LBA)" },    { 0x0f, "W95 Ext'd (LBA)" },
	{ 0x82, "Linux swap" },      { 0x83, "Linux" },              { 0x85, "Linux extended" },
	{ 0x8e, "Linux LVM" },       { 0xa5, "FreeBSD" },            { 0xee, "GPT" },
	{ 0xef, "EFI (FAT-12/16/32)" }, { 0xfd, "Linux raid autodetect" },
};

struct gpt_type_name {
	const char *guid; /* text form, lower case */
	const char *name;
};

static const struct gpt_type_name gpt_type_names[] = {
	{ "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI System" },
	{ "0fc63daf-8483-4772-8e79-3d69d8477de4", "Linux filesystem" },
	{ "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "Microsoft basic data" },
	{ "21686148-6449-6e6f-744e-656564454649", "BIOS boot" },
	{ "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "Linux swap" },
	{ "e6d6d379-f507-44c2-a23c-238f2a3df928", "Linux LVM" },
	{ "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "Linux root (x86-64)" },
	{ "e3c9e316-0b5c-4db8-817d-f92df00215ae", "Microsoft reserved" },
};

static const char *mbr_type_name(u8 id)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mbr_type_names); i++)
		if (mbr_type_names[i].id == id)
			return mbr_type_names[i].name;
	return "unknown";
}

/* The usual text form: the first three fields are little-endian on disk. */
static void guid_to_text(const u8 *g, char *buf, size_t size)
{
	snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
		 g[13], g[14], g[15]);
}

static const char *gpt_type_name(const char *guid_text)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(gpt_type_names); i++)
		if (strcmp(gpt_type_names[i].guid, guid_text) == 0)
			return gpt_type_names[i].name;
	return "unknown";
}

/* "512", "1.5K", "16M", "2.3G": one decimal, dropped when it is zero, as lsblk prints. */
static void format_size(u64 bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTP";
	unsigned int unit = 0;
	u64 scaled10 = bytes * 10;

	if (bytes >= (1ULL << 60)) {
		snprintf(buf, size, "huge");
		return;
	}
	while (scaled10 >= 10240 && unit < sizeof(units) - 2) {
		scaled10 /= 1024;
		unit++;
	}
	if (scaled10 % 10 && unit)
		snprintf(buf, size, "%llu.%llu%c", (unsigned long long)(scaled10 / 10),
			 (unsigned long long)(scaled10 % 10), units[unit]);
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)(scaled10 / 10), units[unit]);
}

static bool guid_is_zero(const u8 *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

static const char *device_kind(const struct block_device *b)
{
	if (b->whole)
		return "part";
	return b->sector_size == 2048 && b->removable ? "rom" : "disk";
}

/* Column widths of the default table: as wide as the longest value, at least the heading. */
struct lsblk_widths {
	int name, sectors, start;
};

static int digits(u64 v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void lsblk_measure(struct block_device *b, void *arg)
{
	struct lsblk_widths *w = arg;

	w->name = max_t(int, w->name, (int)strlen(b->name));
	w->sectors = max_t(int, w->sectors, digits(b->nr_sectors));
	if (b->whole)
		w->start = max_t(int, w->start, digits(b->start_sector));
}

static bool is_gpt_partition(const struct block_device *b)
{
	return b->whole && !guid_is_zero(b->part.type_guid);
}

/* PTYPE: the MBR id, "gpt" (its GUIDs: lsblk -g), "-" for a whole disk. */
static void format_ptype(const struct block_device *b, char *buf, size_t size)
{
	if (!b->whole)
		snprintf(buf, size, "-");
	else if (is_gpt_partition(b))
		snprintf(buf, size, "gpt");
	else
		snprintf(buf, size, "0x%02x", b->part.mbr_type);
}

/* DETAILS: the type's name (and bootable flag or GPT label) of a partition, a disk's model. */
static void format_details(const struct block_device *b, char *buf, size_t size)
{
	char type[40];

	if (!b->whole) {
		snprintf(buf, size, "%s%s", b->model, b->no_medium ? " (no medium)" : "");
	} else if (is_gpt_partition(b)) {
		guid_to_text(b->part.type_guid, type, sizeof(type));
		snprintf(buf, size, "%s%s%s%s", gpt_type_name(type), b->part.label[0] ? " \"" : "",
			 b->part.label, b->part.label[0] ? "\"" : "");
	} else {
		snprintf(buf, size, "%s%s", mbr_type_name(b->part.mbr_type),
			 b->part.bootable ? ", bootable" : "");
	}
}

/* The line's start up to DETAILS, which gets what is left of 80 columns ("..." when cut). */
static void lsblk_print(struct block_device *b, void *arg)
{
	const struct lsblk_widths *w = arg;
	char size[16], start[24], ptype[8], details[96];
	int used, room;

	format_size(b->nr_sectors * b->sector_size, size, sizeof(size));
	if (b->whole)
		snprintf(start, sizeof(start), "%llu", (unsigned long long)b->start_sector);
	else
		snprintf(start, sizeof(start), "-");
	format_ptype(b, ptype, sizeof(ptype));
	format_details(b, details, sizeof(details));
	used = console_printf("%-*s %6s %*llu %4u %2d %-4s %*s %-5s ", w->name, b->name, size,
			      w->sectors, (unsigned long long)b->nr_sectors, b->sector_size,
			      b->read_only, device_kind(b), w->start, start, ptype);
	room = LSBLK_COLUMNS - used;
	if ((int)strlen(details) > room && room > 3)
		console_printf("%.*s...\n", room - 3, details);
	else
		console_printf("%s\n", details);
}

/* lsblk -g: the GPT partitions' type and unique GUIDs. */
static void lsblk_print_guids(struct block_device *b, void *arg)
{
	const struct lsblk_widths *w = arg;
	char type[40], uuid[40];

	if (!is_gpt_partition(b))
		return;
	guid_to_text(b->part.type_guid, type, sizeof(type));
	guid_to_text(b->part.unique_guid, uuid, sizeof(uuid));
	console_printf("%-*s %s %s\n", w->name, b->name, type, uuid);
}

/*
 * Removable disks report their medium now, not the one seen at registration. A disk's next
 * is read after its revalidation, which may replace the partitions that follow it.
 */
static void lsblk_revalidate(void)
{
	for (struct block_device *b = blkdev_first(); b; b = b->next)
		if (b->removable && !b->whole)
			blkdev_revalidate(b);
}

static int cmd_lsblk(int argc, char **argv)
{
	struct lsblk_widths w = { .name = 4, .sectors = 7, .start = 5 };
	bool guids = argc == 2;

	lsblk_revalidate();
	if (!blkdev_first()) {
		console_puts("lsblk: no block devices\n");
		return 0;
	}
	blkdev_for_each(lsblk_measure, &w);
	if (guids) {
		console_printf("%-*s %-36s %s\n", w.name, "NAME", "PARTTYPE", "PARTUUID");
		blkdev_for_each(lsblk_print_guids, &w);
		return 0;
	}
	console_printf("%-*s %6s %*s %4s %2s %-4s %*s %-5s %s\n", w.name, "NAME", "SIZE",
		       w.sectors, "SECTORS", "SSZ", "RO", "TYPE", w.start, "START", "PTYPE",
		       "DETAILS");
	blkdev_for_each(lsblk_print, &w);
	return 0;
}

const struct shell_command lsblk_command = {
	.name = "lsblk",
	.usage = "lsblk [-g]",
	.help = "list block devices: sizes, partition offsets, types, labels, models (-g: GPT "
		"GUIDs)",
	.run = cmd_lsblk,
};
