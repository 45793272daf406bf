/*
 * Disk images for RAM disks (modules/ramdisk): the block layer sizes a file (through the VFS)
 * and copies it onto a not yet registered device through the driver's own write.
 */
#include <keel/blkdev.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/minmax.h>
#include <keel/overflow.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/fs.h>

#define IMAGE_CHUNK_BYTES (64 * 1024)

int blkdev_image_size(const char *path, u64 *size)
{
	struct kstat st;
	int err = vfs_stat(path, &st);

	if (err)
		return err;
	if (S_ISDIR(st.mode))
		return -EISDIR;
	*size = st.size;
	return 0;
}
EXPORT_SYMBOL_GPL(blkdev_image_size);

/* Copies len bytes (the last sector zero-padded) from f to sector onwards. */
static int image_copy_chunk(struct block_device *bdev, struct file *f, u64 sector, u8 *buf,
			    size_t len)
{
	u32 count = (u32)((len + bdev->sector_size - 1) / bdev->sector_size);
	ssize_t got;

	memset(buf, 0, (size_t)count * bdev->sector_size);
	got = vfs_read(f, buf, len);
	if (got < 0)
		return (int)got;
	if ((size_t)got != len)
		return -EIO;
	return bdev->ops->write(bdev, sector, count, buf);
}

int blkdev_load_image(struct block_device *bdev, const char *path)
{
	u64 size, capacity, done = 0;
	struct file *f;
	u8 *buf;
	int err;

	err = blkdev_image_size(path, &size);
	if (err)
		return err;
	if (!bdev->ops || !bdev->ops->write || bdev->sector_size == 0 ||
	    IMAGE_CHUNK_BYTES % bdev->sector_size)
		return -EINVAL;
	/* The device is not registered yet: its size was not checked, so the product may wrap. */
	if (check_mul_overflow(bdev->nr_sectors, (u64)bdev->sector_size, &capacity))
		return -EINVAL;
	if (size > capacity)
		return -EFBIG;
	f = vfs_open(path, O_RDONLY, 0);
	err = IS_ERR(f) ? (int)PTR_ERR(f) : 0;
	if (err)
		return err;
	buf = kmalloc(IMAGE_CHUNK_BYTES, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	while (done < size && !err) {
		size_t len = (size_t)min_t(u64, IMAGE_CHUNK_BYTES, size - done);

		err = image_copy_chunk(bdev, f, done / bdev->sector_size, buf, len);
		done += len;
	}
	kfree(buf);
out_close:
	fput(f);
	return err;
}
EXPORT_SYMBOL_GPL(blkdev_load_image);
