/*
 * The block device registry and the request path: drivers register disks, the core checks every
 * request's range and access, forwards partition requests to the whole disk with the partition's
 * offset, and keeps per-device counters.
 */
#include <keel/blkdev.h>
#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/bcache.h"
#include "block/block.h"
#include "block/partitions/parts.h"

/* Disks in registration order, each directly followed by its partitions in number order. */
static struct block_device *blkdev_list;

struct block_device *blkdev_first(void)
{
	return blkdev_list;
}

struct block_device *blkdev_lookup(const char *name)
{
	for (struct block_device *b = blkdev_list; b; b = b->next)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

static struct block_device *blkdev_disk_of(struct block_device *bdev)
{
	return bdev->whole ? bdev->whole : bdev;
}

static struct block_device **blkdev_link_of(struct block_device *bdev)
{
	struct block_device **link = &blkdev_list;

	while (*link && *link != bdev)
		link = &(*link)->next;
	return *link ? link : NULL;
}

static void blkdev_unlink(struct block_device *bdev)
{
	struct block_device **link = blkdev_link_of(bdev);

	if (link)
		*link = bdev->next;
	bdev->next = NULL;
}

/* /dev/NAME comes and goes with the device (devtmpfs); before /dev is mounted, nothing. */
static void blkdev_add_node(struct block_device *bdev)
{
	int ret = devtmpfs_create_node(bdev->name, S_IFBLK | 0660, bdev->bd_dev);

	if (ret && ret != -ENODEV)
		pr_warn("block: %s: no /dev node: %s\n", bdev->name, errno_name(ret));
}

static void blkdev_remove_node(struct block_device *bdev)
{
	devtmpfs_delete_node(bdev->name);
}

static bool blkdev_geometry_ok(const struct block_device *bdev)
{
	size_t len = strnlen(bdev->name, BDEV_NAME_MAX);

	if (len == 0 || len == BDEV_NAME_MAX || strchr(bdev->name, ' '))
		return false;
	if (bdev->sector_size < 512 || bdev->sector_size > 65536 ||
	    !IS_POWER_OF_2(bdev->sector_size))
		return false;
	return bdev->ops && bdev->ops->read && bdev->nr_sectors < BDEV_MAX_SECTORS;
}

int blkdev_register(struct block_device *bdev)
{
	struct block_device **tail = &blkdev_list;

	if (!bdev || !blkdev_geometry_ok(bdev)) {
		pr_err("block: %s: refused: bad name, sector size or operations\n",
		       bdev ? bdev->name : "(null)");
		return -EINVAL;
	}
	if (blkdev_lookup(bdev->name))
		return -EEXIST;
	bdev->whole = NULL;
	bdev->start_sector = 0;
	memset(&bdev->part, 0, sizeof(bdev->part));
	bdev->sectors_read = bdev->sectors_written = 0;
	bdev->read_errors = bdev->write_errors = 0;
	bdev->open_count = 0;
	bdev->next = NULL;
	if (!bdev->bd_dev)
		bdev->bd_dev = blk_disk_devt(bdev->name);
	while (*tail)
		tail = &(*tail)->next;
	*tail = bdev;
	bdev_cache_setup(bdev);
	blkdev_add_node(bdev);
	pr_info("block: %s: %llu sectors of %u bytes%s%s%s\n", bdev->name,
		(unsigned long long)bdev->nr_sectors, bdev->sector_size,
		bdev->read_only ? ", read-only" : "", bdev->model[0] ? ", " : "", bdev->model);
	blk_scan_partitions(bdev);
	return 0;
}
EXPORT_SYMBOL_GPL(blkdev_register);

void blkdev_unregister(struct block_device *bdev)
{
	if (!bdev || bdev->whole || !blkdev_link_of(bdev)) {
		pr_err("block: unregister of a device that is not a registered disk\n");
		return;
	}
	blkdev_remove_partitions(bdev); /* each writes its cache back first */
	bdev_cache_teardown(bdev);
	if (!bdev->read_only)
		blkdev_flush(bdev);
	if (bdev->open_count)
		pr_warn("block: %s: removed while open (%d users)\n", bdev->name,
			bdev->open_count);
	blkdev_unlink(bdev);
	blkdev_remove_node(bdev);
	pr_info("block: %s: removed\n", bdev->name);
}
EXPORT_SYMBOL_GPL(blkdev_unregister);

int blk_partition_name(char *buf, size_t size, const char *disk, int number)
{
	size_t len = strlen(disk);
	bool needs_p = len && disk[len - 1] >= '0' && disk[len - 1] <= '9';
	int n = snprintf(buf, size, "%s%s%d", disk, needs_p ? "p" : "", number);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Inserts part after the last partition of its disk, keeping partition numbers in order. */
static void blkdev_link_partition(struct block_device *disk, struct block_device *part)
{
	struct block_device *prev = disk;

	while (prev->next && prev->next->whole == disk &&
	       prev->next->part.number < part->part.number)
		prev = prev->next;
	part->next = prev->next;
	prev->next = part;
}

int blkdev_add_partition(struct block_device *disk, const struct part_entry *e)
{
	struct block_device *part;
	int err;

	part = kzalloc(sizeof(*part), GFP_KERNEL);
	if (!part)
		return -ENOMEM;
	err = blk_partition_name(part->name, sizeof(part->name), disk->name, e->number);
	if (err)
		goto out_free;
	err = -EEXIST;
	if (blkdev_lookup(part->name))
		goto out_free;
	part->sector_size = disk->sector_size;
	part->nr_sectors = e->nr_sectors;
	part->read_only = disk->read_only;
	part->removable = disk->removable;
	part->owner = disk->owner;
	part->whole = disk;
	part->bd_dev = blk_partition_devt(disk, e->number);
	part->start_sector = e->start;
	part->part.number = e->number;
	part->part.mbr_type = e->mbr_type;
	part->part.bootable = e->bootable;
	memcpy(part->part.type_guid, e->type_guid, 16);
	memcpy(part->part.unique_guid, e->unique_guid, 16);
	strlcpy(part->part.label, e->label, sizeof(part->part.label));
	blkdev_link_partition(disk, part);
	bdev_cache_setup(part);
	blkdev_add_node(part);
	return 0;

out_free:
	kfree(part);
	return err;
}

void blkdev_remove_partitions(struct block_device *disk)
{
	while (disk->next && disk->next->whole == disk) {
		struct block_device *part = disk->next;

		if (part->open_count)
			pr_warn("block: %s: removed while open (%d users)\n", part->name,
				part->open_count);
		bdev_cache_teardown(part);
		blkdev_remove_node(part);
		disk->next = part->next;
		kfree(part);
	}
}

/* The scan reads through the driver (and may sleep there): its module is pinned meanwhile. */
int blkdev_rescan_partitions(struct block_device *bdev)
{
	int err;

	if (!bdev || bdev->whole)
		return -EINVAL;
	for (struct block_device *p = bdev->next; p && p->whole == bdev; p = p->next)
		if (p->open_count)
			return -EBUSY;
	if (!try_module_get(bdev->owner))
		return -ENODEV;
	blkdev_remove_partitions(bdev);
	err = blk_scan_partitions(bdev);
	module_put(bdev->owner);
	return err;
}
EXPORT_SYMBOL_GPL(blkdev_rescan_partitions);

static void blkdev_report_medium(struct block_device *disk)
{
	if (disk->no_medium)
		pr_info("block: %s: medium removed\n", disk->name);
	else
		pr_info("block: %s: medium changed: %llu sectors of %u bytes\n", disk->name,
			(unsigned long long)disk->nr_sectors, disk->sector_size);
}

int blkdev_revalidate(struct block_device *disk)
{
	int ret, err;

	if (!disk || disk->whole || !disk->ops->revalidate)
		return 0;
	/* The call runs the driver's code: its module must stay while it does. */
	if (!try_module_get(disk->owner))
		return -ENODEV;
	ret = disk->ops->revalidate(disk);
	module_put(disk->owner);
	if (ret <= 0)
		return ret;
	for (struct block_device *b = disk; b && (b == disk || b->whole == disk); b = b->next)
		bdev_cache_medium_changed(b); /* cached data is the old medium's */
	blkdev_report_medium(disk);
	err = blkdev_rescan_partitions(disk);
	if (err == -EBUSY)
		pr_warn("block: %s: partitions in use: not re-read after the medium change\n",
			disk->name);
	return 1;
}
EXPORT_SYMBOL_GPL(blkdev_revalidate);

/* As Linux checks removable media on open: the size a caller sees is the medium's now. */
struct block_device *blkdev_get_by_name(const char *name)
{
	struct block_device *bdev = name ? blkdev_lookup(name) : NULL;

	if (bdev && blkdev_revalidate(blkdev_disk_of(bdev)) > 0)
		bdev = blkdev_lookup(name); /* a partition may be gone or new */
	if (!bdev || !try_module_get(bdev->owner))
		return NULL;
	bdev->open_count++;
	return bdev;
}
EXPORT_SYMBOL_GPL(blkdev_get_by_name);

void blkdev_put(struct block_device *bdev)
{
	if (!bdev)
		return;
	if (bdev->open_count <= 0) {
		pr_err("block: %s: put without a matching get\n", bdev->name);
		return;
	}
	bdev->open_count--;
	module_put(bdev->owner);
}
EXPORT_SYMBOL_GPL(blkdev_put);

void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg)
{
	struct block_device *next;

	for (struct block_device *b = blkdev_list; b; b = next) {
		next = b->next;
		fn(b, arg);
	}
}
EXPORT_SYMBOL_GPL(blkdev_for_each);

/* A request must name at least one sector and end inside the device (no u64 wrap-around). */
static bool blkdev_range_ok(const struct block_device *bdev, u64 sector, u32 count)
{
	return blk_range_within(sector, count, bdev->nr_sectors);
}

static void blkdev_account(struct block_device *bdev, bool write, u32 count, int err)
{
	struct block_device *disk = blkdev_disk_of(bdev);

	for (struct block_device *b = bdev; b; b = b == disk ? NULL : disk) {
		if (err && write)
			b->write_errors++;
		else if (err)
			b->read_errors++;
		else if (write)
			b->sectors_written += count;
		else
			b->sectors_read += count;
	}
}

int blkdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	struct block_device *disk;
	int err;

	if (!bdev || !buf)
		return -EINVAL;
	disk = blkdev_disk_of(bdev);
	if (disk->no_medium)
		return -ENOMEDIUM;
	if (!blkdev_range_ok(bdev, sector, count))
		return -EINVAL;
	err = disk->ops->read(disk, sector + bdev->start_sector, count, buf);
	if (err > 0)
		err = -EIO; /* a driver bug: positive values are not errors we can report */
	if (err)
		pr_err("block: %s: read of sectors %llu-%llu failed (%d)\n", bdev->name,
		       (unsigned long long)sector, (unsigned long long)(sector + count - 1), err);
	blkdev_account(bdev, false, count, err);
	return err;
}
EXPORT_SYMBOL_GPL(blkdev_read);

int blkdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	struct block_device *disk;
	int err;

	if (!bdev || !buf)
		return -EINVAL;
	disk = blkdev_disk_of(bdev);
	if (disk->no_medium)
		return -ENOMEDIUM;
	if (!blkdev_range_ok(bdev, sector, count))
		return -EINVAL;
	if (bdev->read_only || disk->read_only || !disk->ops->write)
		return -EROFS;
	err = disk->ops->write(disk, sector + bdev->start_sector, count, buf);
	if (err > 0)
		err = -EIO;
	if (err)
		pr_err("block: %s: write of sectors %llu-%llu failed (%d)\n", bdev->name,
		       (unsigned long long)sector, (unsigned long long)(sector + count - 1), err);
	blkdev_account(bdev, true, count, err);
	return err;
}
EXPORT_SYMBOL_GPL(blkdev_write);

int blkdev_flush(struct block_device *bdev)
{
	struct block_device *disk;
	int err;

	if (!bdev)
		return -EINVAL;
	disk = blkdev_disk_of(bdev);
	if (!disk->ops->flush)
		return 0;
	err = disk->ops->flush(disk);
	if (err > 0)
		err = -EIO;
	if (err)
		pr_err("block: %s: cache flush failed (%d)\n", disk->name, err);
	return err;
}
EXPORT_SYMBOL_GPL(blkdev_flush);

void block_init(void)
{
	blk_register_commands();
}
