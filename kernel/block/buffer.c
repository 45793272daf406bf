/*
 * Buffer heads over a block device's page cache (Linux's fs/buffer.c in small): a page used by
 * a filesystem is cut into equal buffers, one per block; each is read, dirtied and written on
 * its own. API and rules in <keel/buffer_head.h>.
 *
 * A buffer reference also holds its page, so a page with buffers in use is never evicted. The
 * buffers of a page are one array from buffer_pool, linked in a ring through b_this_page.
 */
#include <keel/blkdev.h>
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/pagemap.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include "block/bcache.h"
#include "mm/cache_pool.h"
#include "mm/pagecache_internal.h"

static bool bh_trylock(struct buffer_head *bh)
{
	return !(__atomic_fetch_or(&bh->b_state, 1UL << BH_Lock, __ATOMIC_SEQ_CST) &
		 (1UL << BH_Lock));
}

void lock_buffer(struct buffer_head *bh)
{
	might_sleep();
	wait_event(page_wait, bh_trylock(bh));
}
EXPORT_SYMBOL_GPL(lock_buffer);

void unlock_buffer(struct buffer_head *bh)
{
	bh_clear_flag(bh, BH_Lock);
	wake_up_all(&page_wait);
}
EXPORT_SYMBOL_GPL(unlock_buffer);

/* The buffer's sectors on its device. */
static void bh_sectors(const struct buffer_head *bh, u64 *sector, u32 *count)
{
	u32 per_block = (u32)(bh->b_size / bh->b_bdev->sector_size);

	*sector = bh->b_blocknr * per_block;
	*count = per_block;
}

/* Reads a locked buffer; the page becomes uptodate once all its buffers are. */
static int bh_read(struct buffer_head *bh)
{
	struct buffer_head *b = bh;
	u64 sector;
	u32 count;
	int err;

	bh_sectors(bh, &sector, &count);
	err = blkdev_read(bh->b_bdev, sector, count, bh->b_data);
	if (err)
		return err;
	bh_set_flag(bh, BH_Uptodate);
	while ((b = b->b_this_page) != bh && buffer_uptodate(b))
		;
	if (b == bh)
		SetPageUptodate(bh->b_page);
	return 0;
}

/* Writes a locked buffer if it is dirty; a failure leaves it dirty with BH_Write_EIO. */
static int bh_write_locked(struct buffer_head *bh)
{
	u64 sector;
	u32 count;
	int err;

	if (!buffer_dirty(bh))
		return 0;
	bh_clear_flag(bh, BH_Dirty);
	bh_sectors(bh, &sector, &count);
	err = blkdev_write(bh->b_bdev, sector, count, bh->b_data);
	if (err) {
		bh_set_flag(bh, BH_Dirty);
		bh_set_flag(bh, BH_Write_EIO);
	} else {
		bh_clear_flag(bh, BH_Write_EIO);
	}
	return err;
}

int read_page_buffers(struct cache_page *page)
{
	struct buffer_head *bh = page->buffers;
	int err = 0;

	do {
		if (!buffer_uptodate(bh) && !buffer_dirty(bh)) {
			lock_buffer(bh);
			if (!buffer_uptodate(bh))
				err = bh_read(bh);
			unlock_buffer(bh);
		}
		bh = bh->b_this_page;
	} while (!err && bh != page->buffers);
	return err;
}

int write_page_buffers(struct cache_page *page)
{
	struct buffer_head *bh = page->buffers;
	int err = 0, ret;

	do {
		lock_buffer(bh);
		ret = bh_write_locked(bh);
		unlock_buffer(bh);
		if (ret && !err)
			err = ret;
		bh = bh->b_this_page;
	} while (bh != page->buffers);
	return err;
}

void __free_page_buffers(struct cache_page *page)
{
	cache_pool_free(&buffer_pool, page->buffers);
	page->buffers = NULL;
}

static void fill_page_buffers(struct cache_page *page, struct buffer_head *bh,
			      struct block_device *bdev, size_t size)
{
	unsigned int n = PAGE_SIZE / size;

	for (unsigned int i = 0; i < n; i++) {
		bh[i].b_this_page = &bh[(i + 1) % n];
		bh[i].b_page = page;
		bh[i].b_blocknr = page->index * n + i;
		bh[i].b_size = size;
		bh[i].b_data = (char *)page->data + i * size;
		bh[i].b_bdev = bdev;
		if (PageUptodate(page))
			bh[i].b_state = 1UL << BH_Uptodate;
	}
}

/* Buffers of size bytes in a locked page; -EBUSY when buffers of another size are in use. */
static int page_get_buffers(struct cache_page *page, struct block_device *bdev, size_t size)
{
	struct buffer_head *bh = page->buffers;

	if (bh && bh->b_size == size)
		return 0;
	for (struct buffer_head *b = bh; b; b = b->b_this_page == bh ? NULL : b->b_this_page)
		if (b->b_count || buffer_dirty(b) || buffer_locked(b))
			return -EBUSY;
	bh = cache_pool_alloc(&buffer_pool);
	if (!bh)
		return -ENOMEM;
	fill_page_buffers(page, bh, bdev, size);
	spin_lock(&page_cache_lock);
	if (page->buffers)
		__free_page_buffers(page);
	page->buffers = bh;
	spin_unlock(&page_cache_lock);
	return 0;
}

/* Whether a filesystem may use size-byte blocks on bdev, and block lies on it. 0 or -errno. */
static int bh_check(struct block_device *bdev, u64 block, size_t size)
{
	u64 sectors_per_block;

	if (!bdev || size < BH_SIZE_MIN || size > PAGE_SIZE || (size & (size - 1)) ||
	    size % bdev->sector_size)
		return -EINVAL;
	if (!bdev->bd_mapping)
		return -ENODEV;
	sectors_per_block = size / bdev->sector_size;
	if (block >= bdev->nr_sectors / sectors_per_block)
		return -EINVAL;
	return 0;
}

/* The held buffer of block, its page read whole first when read_page and nothing is cached. */
static struct buffer_head *getblk(struct block_device *bdev, u64 block, size_t size,
				  bool read_page)
{
	unsigned int per_page = PAGE_SIZE / size;
	struct address_space *m = bdev ? bdev->bd_mapping : NULL;
	struct cache_page *page;
	struct buffer_head *bh;
	int err = bh_check(bdev, block, size);

	if (err)
		return ERR_PTR(err);
	page = find_or_create_page(m, block / per_page, GFP_KERNEL);
	if (!page)
		return ERR_PTR(-ENOMEM);
	err = 0;
	if (read_page && !page->buffers && !PageUptodate(page)) {
		err = m->a_ops->readpage(m, page); /* whole pages where the device allows */
		if (!err)
			SetPageUptodate(page);
	}
	if (!err)
		err = page_get_buffers(page, bdev, size);
	unlock_page(page);
	if (err) {
		put_page(page);
		return ERR_PTR(err);
	}
	bh = &page->buffers[block % per_page];
	spin_lock(&page_cache_lock);
	bh->b_count++; /* with the page reference find_or_create_page took */
	spin_unlock(&page_cache_lock);
	return bh;
}

struct buffer_head *__getblk(struct block_device *bdev, u64 block, size_t size)
{
	return getblk(bdev, block, size, false);
}
EXPORT_SYMBOL_GPL(__getblk);

struct buffer_head *__bread(struct block_device *bdev, u64 block, size_t size)
{
	struct buffer_head *bh = getblk(bdev, block, size, true);
	int err = 0;

	if (IS_ERR(bh) || buffer_uptodate(bh))
		return bh;
	lock_buffer(bh);
	if (!buffer_uptodate(bh))
		err = bh_read(bh);
	unlock_buffer(bh);
	if (err) {
		brelse(bh);
		return ERR_PTR(err);
	}
	return bh;
}
EXPORT_SYMBOL_GPL(__bread);

void get_bh(struct buffer_head *bh)
{
	get_page(bh->b_page);
	spin_lock(&page_cache_lock);
	bh->b_count++;
	spin_unlock(&page_cache_lock);
}
EXPORT_SYMBOL_GPL(get_bh);

void brelse(struct buffer_head *bh)
{
	if (!bh || IS_ERR(bh))
		return;
	spin_lock(&page_cache_lock);
	if (bh->b_count <= 0)
		pr_err("buffer: brelse of a free buffer (block %llu)\n",
		       (unsigned long long)bh->b_blocknr);
	else
		bh->b_count--;
	spin_unlock(&page_cache_lock);
	put_page(bh->b_page);
}
EXPORT_SYMBOL_GPL(brelse);

void mark_buffer_dirty(struct buffer_head *bh)
{
	if (!buffer_uptodate(bh))
		pr_warn("buffer: %s: block %llu dirtied without being uptodate\n",
			bh->b_bdev->name, (unsigned long long)bh->b_blocknr);
	bh_set_flag(bh, BH_Dirty);
	set_page_dirty(bh->b_page);
}
EXPORT_SYMBOL_GPL(mark_buffer_dirty);

int sync_dirty_buffer(struct buffer_head *bh)
{
	int err;

	lock_buffer(bh);
	err = bh_write_locked(bh);
	unlock_buffer(bh);
	return err;
}
EXPORT_SYMBOL_GPL(sync_dirty_buffer);

void bforget(struct buffer_head *bh)
{
	if (!bh || IS_ERR(bh))
		return;
	bh_clear_flag(bh, BH_Dirty);
	brelse(bh);
}
EXPORT_SYMBOL_GPL(bforget);
