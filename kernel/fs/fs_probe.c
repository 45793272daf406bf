/*
 * Recognising a filesystem by its superblock when mount has no type (what util-linux's
 * libblkid does for mount(8)): a few magic numbers at fixed offsets name the type, and
 * mount then loads its module (fs-<type>) as `mount -t` would. Only the formats Keel has
 * drivers for are listed; a device none of them matches falls back to asking each registered
 * type in turn (namespace.c).
 */
#include <keel/blkdev.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

#define PROBE_BYTES 36864 /* past the ISO 9660 volume descriptor at 32768 */

struct fs_magic {
	const char *type;
	u32 offset;
	u8 len;
	const char *magic;
};

/* Checked in order; FAT last, as its marks are the weakest. */
static const struct fs_magic fs_magics[] = {
	{ "iso9660", 32769, 5, "CD001" },    /* ECMA-119 8.1: volume descriptor identifier */
	{ "ext2", 1080, 2, "\x53\xef" },     /* s_magic, superblock at 1024 */
	{ "vfat", 82, 5, "FAT32" },          /* BS_FilSysType of FAT32's extended BPB */
	{ "vfat", 54, 3, "FAT" },            /* BS_FilSysType of FAT12/16 ("FAT12   "...) */
};

static bool fat_signature(const u8 *buf)
{
	return buf[510] == 0x55 && buf[511] == 0xaa;
}

/* The type whose magic buf (len bytes from the device's start) holds, or NULL. */
static const char *match_magic(const u8 *buf, size_t len)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fs_magics); i++) {
		const struct fs_magic *m = &fs_magics[i];

		if (m->offset + m->len > len || memcmp(buf + m->offset, m->magic, m->len))
			continue;
		if (strcmp(m->type, "vfat") == 0 && !fat_signature(buf))
			continue;
		return m->type;
	}
	return NULL;
}

const char *fs_probe_type(const char *dev_name)
{
	struct block_device *bdev;
	const char *type = NULL;
	u64 bytes;
	u8 *buf;

	if (mount_get_bdev(dev_name, &bdev))
		return NULL;
	bytes = min_t(u64, PROBE_BYTES, bdev->nr_sectors * bdev->sector_size);
	bytes -= bytes % bdev->sector_size;
	buf = bytes >= 512 ? kmalloc((size_t)bytes, GFP_KERNEL) : NULL;
	if (buf && !blkdev_read(bdev, 0, (u32)(bytes / bdev->sector_size), buf))
		type = match_magic(buf, (size_t)bytes);
	kfree(buf);
	blkdev_put(bdev);
	return type;
}
