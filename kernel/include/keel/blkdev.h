/*
 * Block devices (implemented in kernel/block/), after Linux's <linux/blkdev.h> in small.
 *
 * A driver (ata.ko) fills a struct block_device for each disk it finds (name "hda".."hdd",
 * sector size, capacity, model, ops) and registers it; the block layer then scans it for
 * partitions (MBR with extended partitions, GPT with its CRCs) and registers "hda1", "hda2"...
 * as block devices of their own that forward to the whole disk with an offset. Requests are
 * synchronous: a call returns when the data is in the buffer (read) or accepted by the device
 * (write); blkdev_flush() makes earlier writes durable (the device's write cache is flushed).
 */
#ifndef KEEL_BLKDEV_H
#define KEEL_BLKDEV_H

#include <keel/kdev_t.h>
#include <keel/overflow.h>
#include <keel/types.h>

struct module;
struct block_device;
struct address_space; /* opaque to symbol versions (tools/genksyms.py) */

#define BDEV_NAME_MAX 16
/* Devices have fewer than 2^48 sectors: the most ATA's LBA48 addresses, and the byte size
 * (at most 65536-byte sectors) then fits in a u64. */
#define BDEV_MAX_SECTORS (1ULL << 48)

/*
 * Whether [sector, sector + count) names at least one sector and ends at or before limit (a
 * device's size, an addressing limit), computed without wrapping: sector + count is checked
 * for overflow before it is compared, so a huge start cannot wrap to a small end.
 */
static inline bool blk_range_within(u64 sector, u64 count, u64 limit)
{
	u64 end;

	return count && !check_add_overflow(sector, count, &end) && end <= limit;
}

struct block_device_operations {
	/* count sectors of bdev->sector_size bytes from sector; range already checked. 0 or -errno. */
	int (*read)(struct block_device *bdev, u64 sector, u32 count, void *buf);
	int (*write)(struct block_device *bdev, u64 sector, u32 count, const void *buf);
	/* Optional: flush the device's write cache. 0 or -errno. */
	int (*flush)(struct block_device *bdev);
	/*
	 * Optional, for removable media (Linux's check_events and revalidate_disk in one): asks
	 * the device whether its medium changed and sets nr_sectors and no_medium from what is in
	 * the drive now. 1 when the medium changed (the block layer then re-reads the partitions),
	 * 0 when not, -errno when the device could not tell.
	 */
	int (*revalidate)(struct block_device *bdev);
};

/* Partition details, for lsblk. */
struct blk_partition_info {
	int number;            /* 1-based; 5.. for logical partitions inside an extended one */
	u8 mbr_type;           /* MBR system id (0x83, 0x0c, ...), 0 on GPT */
	u8 type_guid[16];      /* GPT partition type GUID (on-disk byte order), zero on MBR */
	u8 unique_guid[16];
	char label[37];        /* GPT name (ASCII), empty on MBR */
	bool bootable;         /* MBR active flag */
};

struct block_device {
	char name[BDEV_NAME_MAX]; /* "hda", "hda1" */
	/* Its number (/dev node, /proc/partitions). 0 at registration: the block layer gives
	 * Linux's (hda 3:0, hdb 3:64, hdc 22:0, hdd 22:64, sda.. 8:16*N, srN 11:N, ramN 1:N,
	 * partitions disk + number),
	 * else the lowest free one of major 259 ("blkext", Linux's for numbers beyond a driver's
	 * range, and for NVMe: nvme0n1 259:0, nvme0n1p1 259:1). */
	dev_t bd_dev;
	u32 sector_size;          /* 512, 2048 for ATAPI */
	u64 nr_sectors;           /* capacity */
	bool read_only;
	bool removable;
	bool no_medium;           /* removable and its drive is empty: I/O fails with -ENOMEDIUM */
	char model[41];           /* from IDENTIFY, trimmed; empty for partitions */
	const struct block_device_operations *ops; /* NULL for partitions (the core forwards) */
	struct module *owner;     /* the driver's module */
	void *private_data;       /* the driver's */
	/* Filled in by the block layer for partitions: */
	struct block_device *whole; /* the disk a partition lies on; NULL for a disk */
	u64 start_sector;           /* first sector of a partition on its disk */
	struct blk_partition_info part;
	/* Statistics, kept by the block layer. */
	u64 sectors_read, sectors_written;
	unsigned long read_errors, write_errors;
	int open_count;
	/* The device's page cache (kernel/block/bdev_cache.c): NULL when its sectors are larger
	 * than a page or memory was short at registration. */
	struct address_space *bd_mapping;
	struct block_device *next;
};

/*
 * Register a disk and scan its partitions (a damaged table is reported and the disk stays
 * usable as a whole). 0, -EEXIST (name taken), -EINVAL (bad geometry), -ENOMEM.
 */
int blkdev_register(struct block_device *bdev);
/* Flushes the disk, removes its partitions and the disk itself. */
void blkdev_unregister(struct block_device *bdev);
/* Re-read the partition table of a disk: -EBUSY if a partition is open. */
int blkdev_rescan_partitions(struct block_device *bdev);
/*
 * Asks the driver of a disk with removable media whether its medium changed (ops->revalidate);
 * on a change reports the new size in one line and re-reads the partitions. 1 changed, 0 not
 * (or no such op), -errno. Opening a device (blkdev_get_by_name) does this for its disk.
 */
int blkdev_revalidate(struct block_device *disk);

/* Lookup by name, holding an open reference (blkdev_put drops it): NULL if absent. A removable
 * disk (or the disk of a partition) is revalidated first, so the size is the medium's now. */
struct block_device *blkdev_get_by_name(const char *name);
void blkdev_put(struct block_device *bdev);
/* The same by device number (opening /dev/hda1, mount /dev/hda1): NULL if absent. Sleeps.
 * Linux: blkdev_get_by_dev. */
struct block_device *blkdev_get_by_dev(dev_t dev);
/*
 * The device number of the block device node at path (following symlinks) into *dev.
 * 0, -ENOTBLK (not a block device node), or kern_path's errors (-ENOENT...). Sleeps.
 * Linux: lookup_bdev.
 */
int lookup_bdev(const char *path, dev_t *dev);
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg);

/*
 * I/O in the device's sectors: -EINVAL for a range past the end (nothing is transferred),
 * -EROFS when writing a read-only device, -ENOMEDIUM when a removable disk's drive is empty,
 * the driver's error otherwise.
 */
int blkdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf);
int blkdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf);
int blkdev_flush(struct block_device *bdev);

/*
 * The same through the device's page cache (<keel/pagemap.h>): reads come from cached pages
 * (filled a page at a time), writes land in the cache and reach the device on writeback or
 * sync (sync_blockdev, `sync`). Same errors, -ENOMEM when the cache has no memory, and
 * -EOPNOTSUPP for a device without a cache (sectors larger than a page). A write error is
 * returned by the sync that meets it, not by the write. Task context; sleeps. Linux: the
 * block device's read_iter/write_iter.
 */
int blkdev_cache_read(struct block_device *bdev, u64 sector, u32 count, void *buf);
int blkdev_cache_write(struct block_device *bdev, u64 sector, u32 count, const void *buf);

/*
 * For RAM disks, which see no file system of their own: the size in bytes of an initrd file,
 * and a copy of it onto a device that is not registered yet, from sector 0 through the driver's
 * ops->write (the last sector zero-padded). 0 or -errno (-ENOENT, -EISDIR, -EFBIG when the
 * file is larger than the device).
 */
int blkdev_image_size(const char *path, u64 *size);
int blkdev_load_image(struct block_device *bdev, const char *path);

/*
 * The test pattern `blk write DEV START COUNT SEED` writes (documented in kernel/block/pattern.c
 * so hosts can reproduce it): state = blk_pattern_seed(SEED), then blk_pattern_fill() for each
 * buffer in order (len a multiple of 8); the stream continues across calls.
 */
u64 blk_pattern_seed(u64 seed);
void blk_pattern_fill(u64 *state, void *buf, size_t len);

#endif
