/*
 * Block device nodes (Linux's block/fops.c): opening /dev/hda gives a file whose bytes are
 * the device's, read and written through its page cache (blkdev_cache_read/write), so `cat`,
 * `crc32` and `dd`-like tools work on disks and partitions. Unaligned parts of a request go
 * through a one-sector bounce buffer; the file ends at the device's size.
 */
#include <keel/blkdev.h>
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/slab.h>
#include <keel/string.h>

#define BLKDEV_IO_SECTORS 64 /* whole sectors moved per request when aligned */

static struct block_device *file_bdev(struct file *file)
{
	return file->private_data;
}

static loff_t bdev_bytes(const struct block_device *bdev)
{
	return (loff_t)(bdev->nr_sectors * bdev->sector_size);
}

/* A device without a page cache (sectors over a page) is read and written directly. */
static int bdev_io(struct block_device *bdev, bool write, u64 sector, u32 count, void *buf)
{
	int ret = write ? blkdev_cache_write(bdev, sector, count, buf) :
			  blkdev_cache_read(bdev, sector, count, buf);

	if (ret == -EOPNOTSUPP)
		ret = write ? blkdev_write(bdev, sector, count, buf) :
			      blkdev_read(bdev, sector, count, buf);
	return ret;
}

/* One piece of a request at pos: whole sectors straight to buf, or a part of one sector
 * through bounce. The bytes done, or -errno. */
static ssize_t bdev_rw_piece(struct block_device *bdev, bool write, char *buf, size_t len,
			     loff_t pos, u8 *bounce)
{
	u32 ss = bdev->sector_size;
	u64 sector = (u64)pos / ss;
	size_t off = (size_t)((u64)pos % ss);
	size_t n = min(len, (size_t)ss - off);
	int ret;

	if (!off && len >= ss) {
		u32 count = (u32)min(len / ss, (size_t)BLKDEV_IO_SECTORS);

		ret = bdev_io(bdev, write, sector, count, buf);
		return ret ? ret : (ssize_t)count * ss;
	}
	ret = bdev_io(bdev, false, sector, 1, bounce);
	if (!ret && write) {
		memcpy(bounce + off, buf, n);
		ret = bdev_io(bdev, true, sector, 1, bounce);
	} else if (!ret) {
		memcpy(buf, bounce + off, n);
	}
	return ret ? ret : (ssize_t)n;
}

static ssize_t bdev_rw(struct file *file, bool write, char *buf, size_t len, loff_t *pos)
{
	struct block_device *bdev = file_bdev(file);
	loff_t size = bdev_bytes(bdev);
	size_t done = 0;
	ssize_t ret = 0;
	u8 *bounce;

	if (*pos >= size)
		return write && len ? -ENOSPC : 0;
	len = (size_t)min((loff_t)len, size - *pos);
	bounce = kmalloc(bdev->sector_size, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < len) {
		ret = bdev_rw_piece(bdev, write, buf + done, len - done, *pos + (loff_t)done,
				    bounce);
		if (ret < 0)
			break;
		done += (size_t)ret;
	}
	kfree(bounce);
	*pos += (loff_t)done;
	return done ? (ssize_t)done : ret;
}

static ssize_t blkdev_file_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	return bdev_rw(file, false, buf, len, pos);
}

static ssize_t blkdev_file_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	return bdev_rw(file, true, (char *)buf, len, pos);
}

static loff_t blkdev_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = file->f_pos; break;
	case SEEK_END: base = bdev_bytes(file_bdev(file)); break;
	default: return -EINVAL;
	}
	if ((offset > 0 && base > MAX_LFS_FILESIZE - offset) || base + offset < 0)
		return -EINVAL;
	file->f_pos = base + offset;
	return file->f_pos;
}

static int blkdev_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	return sync_blockdev(file_bdev(file));
}

/* The device is held (its driver's module pinned) while the file is open. */
static int blkdev_open(struct inode *inode, struct file *file)
{
	struct block_device *bdev = blkdev_get_by_dev(inode->i_rdev);

	if (!bdev)
		return -ENXIO;
	if ((file->f_mode & FMODE_WRITE) && bdev->read_only) {
		blkdev_put(bdev);
		return -EROFS;
	}
	file->private_data = bdev;
	return 0;
}

/* As Linux writes a device's dirty pages back at its last close. */
static int blkdev_release(struct inode *inode, struct file *file)
{
	struct block_device *bdev = file_bdev(file);

	if (file->f_mode & FMODE_WRITE)
		sync_blockdev(bdev);
	blkdev_put(bdev);
	return 0;
}

const struct file_operations def_blk_fops = {
	.open = blkdev_open,
	.release = blkdev_release,
	.read = blkdev_file_read,
	.write = blkdev_file_write,
	.llseek = blkdev_llseek,
	.fsync = blkdev_file_fsync,
};
