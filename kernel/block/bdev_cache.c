/*
 * A block device's page cache (Linux's block/fops.c and the bdev inode's mapping): each
 * registered device -- disk or partition -- gets an address_space whose page n holds the
 * device's bytes [n * PAGE_SIZE, (n + 1) * PAGE_SIZE). Pages are read and written with
 * blkdev_read/blkdev_write, whole pages at a time unless the page is cut into buffers
 * (buffer.c). Devices whose sectors are larger than a page have no cache.
 *
 * The block layer calls bdev_cache_setup() when a device is registered and
 * bdev_cache_teardown() before it goes: dirty pages are written back first (while the driver
 * is still there), and pages that cannot be written are reported, then dropped.
 */
#include <keel/blkdev.h>
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/minmax.h>
#include <keel/pagemap.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/bcache.h"

/* The sectors page index covers that lie on the device: 0, or -EINVAL past the end. */
static int bdev_page_sectors(struct block_device *bdev, u64 index, u64 *first, u32 *count)
{
	u32 per_page = PAGE_SIZE / bdev->sector_size;

	*first = index * per_page;
	if (*first >= bdev->nr_sectors)
		return -EINVAL;
	*count = (u32)min_t(u64, per_page, bdev->nr_sectors - *first);
	return 0;
}

static int bdev_readpage(struct address_space *m, struct cache_page *page)
{
	struct block_device *bdev = m->host;
	u64 first;
	u32 count;
	int err;

	if (page->buffers)
		return read_page_buffers(page); /* only what is not uptodate or dirty already */
	err = bdev_page_sectors(bdev, page->index, &first, &count);
	if (err)
		return err;
	err = blkdev_read(bdev, first, count, page->data);
	if (!err && count * bdev->sector_size < PAGE_SIZE)
		memset((u8 *)page->data + count * bdev->sector_size, 0,
		       PAGE_SIZE - count * bdev->sector_size);
	return err;
}

static int bdev_writepage(struct address_space *m, struct cache_page *page)
{
	struct block_device *bdev = m->host;
	u64 first;
	u32 count;
	int err;

	if (page->buffers)
		return write_page_buffers(page);
	err = bdev_page_sectors(bdev, page->index, &first, &count);
	return err ? err : blkdev_write(bdev, first, count, page->data);
}

static int bdev_sync(struct address_space *m)
{
	return blkdev_flush(m->host);
}

static const struct address_space_operations bdev_aops = {
	.readpage = bdev_readpage,
	.writepage = bdev_writepage,
	.sync = bdev_sync,
};

void bdev_cache_setup(struct block_device *bdev)
{
	struct address_space *m;

	bdev->bd_mapping = NULL;
	if (bdev->sector_size > PAGE_SIZE)
		return; /* larger sectors than pages: uncached, as documented */
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		pr_warn("block: %s: no memory for its page cache: cached I/O will fail\n",
			bdev->name);
		return;
	}
	mapping_init(m, &bdev_aops, bdev, bdev->name);
	bdev->bd_mapping = m;
}

void bdev_cache_teardown(struct block_device *bdev)
{
	struct address_space *m = bdev->bd_mapping;
	int err;

	if (!m)
		return;
	err = filemap_write_and_wait(m);
	if (err && m->nrdirty)
		pr_err("block: %s: %lu dirty pages lost: write-back failed (%d)\n", bdev->name,
		       m->nrdirty, err);
	mapping_destroy(m);
	bdev->bd_mapping = NULL;
	kfree(m);
}

void bdev_cache_medium_changed(struct block_device *bdev)
{
	struct address_space *m = bdev->bd_mapping;

	if (!m)
		return;
	if (m->nrdirty)
		pr_warn("block: %s: medium changed: %lu dirty pages dropped\n", bdev->name,
			m->nrdirty);
	truncate_inode_pages(m, 0);
}

int sync_blockdev(struct block_device *bdev)
{
	int err, flush;

	if (!bdev || !bdev->bd_mapping)
		return 0;
	err = filemap_write_and_wait(bdev->bd_mapping);
	flush = blkdev_flush(bdev);
	return err ? err : flush;
}
EXPORT_SYMBOL_GPL(sync_blockdev);

void invalidate_bdev(struct block_device *bdev)
{
	if (bdev && bdev->bd_mapping)
		invalidate_mapping_pages(bdev->bd_mapping);
}
EXPORT_SYMBOL_GPL(invalidate_bdev);

/* The checks blkdev_read/blkdev_write make, before the cache is touched. 0 or -errno. */
static int bdev_cache_check(struct block_device *bdev, u64 sector, u32 count, bool write)
{
	struct block_device *disk = bdev->whole ? bdev->whole : bdev;

	if (disk->no_medium)
		return -ENOMEDIUM;
	if (!blk_range_within(sector, count, bdev->nr_sectors))
		return -EINVAL;
	if (write && (bdev->read_only || disk->read_only || !disk->ops->write))
		return -EROFS;
	return bdev->bd_mapping ? 0 : -EOPNOTSUPP;
}

int blkdev_cache_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	int err = bdev && buf ? bdev_cache_check(bdev, sector, count, false) : -EINVAL;

	return err ? err : filemap_read(bdev->bd_mapping, sector * bdev->sector_size, buf,
					(size_t)count * bdev->sector_size);
}
EXPORT_SYMBOL_GPL(blkdev_cache_read);

int blkdev_cache_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	int err = bdev && buf ? bdev_cache_check(bdev, sector, count, true) : -EINVAL;

	return err ? err : filemap_write(bdev->bd_mapping, sector * bdev->sector_size, buf,
					 (size_t)count * bdev->sector_size);
}
EXPORT_SYMBOL_GPL(blkdev_cache_write);
