/*
 * Block device numbers and the block layer's /proc files (Linux's block/genhd.c): the dev_t
 * a disk or partition gets at registration (Linux's majors for the IDE, SCSI/SATA disk, CD
 * and RAM disk names, major 259 "blkext" for the rest), /proc/partitions, and the block half of /proc/devices.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/proc_fs.h>
#include <keel/string.h>
#include "block/block.h"
#include "fs/proc/internal.h"

#define IDE0_MAJOR 3
#define IDE1_MAJOR 22
#define RAMDISK_MAJOR 1
#define BLOCK_EXT_MAJOR 259
#define SCSI_DISK0_MAJOR 8
#define SCSI_DISK_MINORS 16 /* per sd disk: the disk and partitions 1..15 */
#define SCSI_DISK_MAX 16    /* sda..sdp: the disks major 8 holds */
#define SCSI_CDROM_MAJOR 11
#define IDE_MINORS 64 /* per IDE disk: the disk and partitions 1..63 */


static const struct {
	const char *name;
	unsigned int major, minor;
} ide_disks[] = {
	{ "hda", IDE0_MAJOR, 0 }, { "hdb", IDE0_MAJOR, IDE_MINORS },
	{ "hdc", IDE1_MAJOR, 0 }, { "hdd", IDE1_MAJOR, IDE_MINORS },
};

/* The lowest blkext minor no registered device holds, as Linux's blk_alloc_ext_minor (an IDA):
 * nvme0n1 is 259:0 and its partitions 259:1.., and a reload gets the same numbers again. */
static dev_t blkext_devt(void)
{
	unsigned int minor = 0;
	bool taken = true;

	while (taken) {
		taken = false;
		for (struct block_device *b = blkdev_first(); b && !taken; b = b->next)
			taken = b->bd_dev == MKDEV(BLOCK_EXT_MAJOR, minor);
		if (taken)
			minor++;
	}
	return MKDEV(BLOCK_EXT_MAJOR, minor);
}

/* ramN -> 1:N (N < 256), as Linux's brd numbers them. */
static bool ram_devt(const char *name, dev_t *dev)
{
	unsigned int n = 0;
	const char *p = name + 3;

	if (strncmp(name, "ram", 3) || !*p)
		return false;
	for (; *p >= '0' && *p <= '9' && n < 256; p++)
		n = n * 10 + (unsigned int)(*p - '0');
	if (*p || n >= 256)
		return false;
	*dev = MKDEV(RAMDISK_MAJOR, n);
	return true;
}

/* sda..sdp -> 8:16*N (ahci.ko's disks, as Linux's sd numbers them); srN -> 11:N (N < 256). */
static bool scsi_devt(const char *name, dev_t *dev)
{
	unsigned int n = 0;
	const char *p = name + 2;

	if (!strncmp(name, "sd", 2) && p[0] >= 'a' && p[0] < 'a' + SCSI_DISK_MAX && !p[1]) {
		*dev = MKDEV(SCSI_DISK0_MAJOR, (unsigned int)(p[0] - 'a') * SCSI_DISK_MINORS);
		return true;
	}
	if (strncmp(name, "sr", 2) || !*p)
		return false;
	for (; *p >= '0' && *p <= '9' && n < 256; p++)
		n = n * 10 + (unsigned int)(*p - '0');
	if (*p || n >= 256)
		return false;
	*dev = MKDEV(SCSI_CDROM_MAJOR, n);
	return true;
}

dev_t blk_disk_devt(const char *name)
{
	dev_t dev;

	for (unsigned int i = 0; i < ARRAY_SIZE(ide_disks); i++)
		if (!strcmp(name, ide_disks[i].name))
			return MKDEV(ide_disks[i].major, ide_disks[i].minor);
	if (scsi_devt(name, &dev))
		return dev;
	return ram_devt(name, &dev) ? dev : blkext_devt();
}

dev_t blk_partition_devt(const struct block_device *disk, int number)
{
	unsigned int major = MAJOR(disk->bd_dev);

	if ((major == IDE0_MAJOR || major == IDE1_MAJOR) && number > 0 && number < IDE_MINORS)
		return disk->bd_dev + (dev_t)number;
	if (major == SCSI_DISK0_MAJOR && number > 0 && number < SCSI_DISK_MINORS)
		return disk->bd_dev + (dev_t)number;
	return blkext_devt();
}

struct block_device *blkdev_get_by_dev(dev_t dev)
{
	for (struct block_device *b = blkdev_first(); b; b = b->next)
		if (b->bd_dev == dev)
			return blkdev_get_by_name(b->name);
	return NULL;
}
EXPORT_SYMBOL_GPL(blkdev_get_by_dev);

int lookup_bdev(const char *pathname, dev_t *dev)
{
	struct path path;
	struct inode *inode;
	int ret = kern_path(pathname, LOOKUP_FOLLOW, &path);

	if (ret)
		return ret;
	inode = path.dentry->d_inode;
	ret = S_ISBLK(inode->i_mode) ? 0 : -ENOTBLK;
	if (!ret)
		*dev = inode->i_rdev;
	path_put(&path);
	return ret;
}
EXPORT_SYMBOL_GPL(lookup_bdev);

static const char *blk_major_name(unsigned int major)
{
	switch (major) {
	case RAMDISK_MAJOR: return "ramdisk";
	case IDE0_MAJOR: return "ide0";
	case IDE1_MAJOR: return "ide1";
	case SCSI_DISK0_MAJOR: return "sd";
	case SCSI_CDROM_MAJOR: return "sr";
	case BLOCK_EXT_MAJOR: return "blkext";
	default: return "unknown";
	}
}

/* Majors in use, in increasing order, each once. */
void blkdev_show(struct seq_file *m)
{
	unsigned int last = 0;

	for (;;) {
		unsigned int next = ~0u;

		for (struct block_device *b = blkdev_first(); b; b = b->next)
			if (MAJOR(b->bd_dev) > last && MAJOR(b->bd_dev) < next)
				next = MAJOR(b->bd_dev);
		if (next == ~0u)
			return;
		seq_printf(m, "%3u %s\n", next, blk_major_name(next));
		last = next;
	}
}

/* Linux skips devices without capacity (an empty CD drive). #blocks: KiB. */
static int partitions_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "major minor  #blocks  name\n\n");
	for (struct block_device *b = blkdev_first(); b; b = b->next) {
		if (!b->nr_sectors || b->no_medium)
			continue;
		seq_printf(m, "%4u  %7u %10llu %s\n", MAJOR(b->bd_dev), MINOR(b->bd_dev),
			   (unsigned long long)(b->nr_sectors * b->sector_size / 1024), b->name);
	}
	return 0;
}

void proc_partitions_init(void)
{
	proc_create_single("partitions", 0, NULL, partitions_proc_show);
}
