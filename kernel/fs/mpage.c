/*
 * Moving a file's cached pages to and from its disk blocks (Linux's fs/mpage.c and the
 * get_block half of fs/buffer.c, in small). The filesystem says where each block of the file
 * lies (get_block_t); these helpers turn a page into device requests, one per run of
 * contiguous blocks, straight to the device: file data does not pass through the block
 * device's own cache, which holds the filesystem's metadata. A filesystem must therefore
 * bforget() a metadata block it frees, so a stale buffer is never written over file data.
 */
#include <keel/blkdev.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

/* Contiguous device blocks waiting to be read or written in one request. */
struct block_run {
	struct super_block *sb;
	u64 start;   /* first device block */
	u32 count;   /* blocks */
	u8 *data;    /* where the first one goes in the page */
	bool write;
};

static int run_submit(struct block_run *run)
{
	struct block_device *bdev = run->sb->s_bdev;
	u32 per_block = (u32)(run->sb->s_blocksize / bdev->sector_size);
	int err;

	if (!run->count)
		return 0;
	if (run->write)
		err = blkdev_write(bdev, run->start * per_block, run->count * per_block, run->data);
	else
		err = blkdev_read(bdev, run->start * per_block, run->count * per_block, run->data);
	run->count = 0;
	return err;
}

/* Adds a block at data to the run, submitting the run first unless the block follows it both
 * on the device and in memory (a hole between two blocks breaks the run). */
static int run_add(struct block_run *run, u64 blocknr, u8 *data)
{
	int err = 0;

	if (run->count && run->start + run->count == blocknr &&
	    run->data + (size_t)run->count * run->sb->s_blocksize == data)
		goto extend;
	err = run_submit(run);
	run->start = blocknr;
	run->data = data;
extend:
	run->count++;
	return err;
}

/* The page's geometry: -EINVAL when the device's sectors do not divide the block size. */
static int page_blocks(struct inode *inode, struct cache_page *page, u64 *first,
		       unsigned int *nr)
{
	struct super_block *sb = inode->i_sb;
	unsigned int bits = sb->s_blocksize_bits;

	if (!sb->s_bdev || bits < 9 || bits > 12 || sb->s_blocksize % sb->s_bdev->sector_size)
		return -EINVAL;
	*first = page->index << (12 - bits);
	*nr = FS_PAGE_SIZE >> bits;
	return 0;
}

static bool all_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Fills buf with nblocks file blocks from first on: mapped blocks from the device (runs of
 * contiguous ones in one request), holes and everything past i_size as zeros.
 */
static int read_blocks(struct inode *inode, u64 first, unsigned int nblocks, u8 *buf,
		       get_block_t get_block)
{
	unsigned long bs = inode->i_sb->s_blocksize;
	struct block_run run = { .sb = inode->i_sb };
	loff_t start = (loff_t)(first * bs), end = start + (loff_t)nblocks * (loff_t)bs;
	u64 blocknr;
	int err = 0, ret;

	for (unsigned int i = 0; !err && i < nblocks; i++) {
		u8 *data = buf + (size_t)i * bs;

		blocknr = 0;
		if ((loff_t)((first + i) * bs) < inode->i_size)
			err = get_block(inode, first + i, &blocknr, false);
		if (!err && blocknr)
			err = run_add(&run, blocknr, data);
		else if (!err)
			memset(data, 0, bs);
	}
	ret = run_submit(&run);
	if (err || ret)
		return err ? err : ret;
	if (inode->i_size > start && inode->i_size < end)
		memset(buf + (inode->i_size - start), 0, (size_t)(end - inode->i_size));
	return 0;
}

/* The device block of a page's block at iblock for writing; 0 keeps a zero block a hole. */
static int map_for_write(struct inode *inode, u64 iblock, const u8 *data, u64 *blocknr,
			 get_block_t get_block)
{
	int err = get_block(inode, iblock, blocknr, false);

	if (err || *blocknr)
		return err;
	if (all_zero(data, inode->i_sb->s_blocksize))
		return 0;
	return get_block(inode, iblock, blocknr, true);
}

/* Writes the blocks of buf (nblocks file blocks from first on) that lie before i_size. */
static int write_blocks(struct inode *inode, u64 first, unsigned int nblocks, u8 *buf,
			get_block_t get_block)
{
	unsigned long bs = inode->i_sb->s_blocksize;
	struct block_run run = { .sb = inode->i_sb, .write = true };
	u64 blocknr;
	int err = 0, ret;

	for (unsigned int i = 0; !err && i < nblocks; i++) {
		u8 *data = buf + (size_t)i * bs;

		if ((loff_t)((first + i) * bs) >= inode->i_size)
			break;
		err = map_for_write(inode, first + i, data, &blocknr, get_block);
		if (!err && blocknr)
			err = run_add(&run, blocknr, data);
	}
	ret = run_submit(&run);
	return err ? err : ret;
}

/*
 * Moves nr pages of consecutive indexes to or from the device. Several pages go through one
 * bounce buffer, so a run of blocks crossing page boundaries is one request.
 */
static int pages_io(struct address_space *m, struct cache_page **pages, unsigned int nr,
		    get_block_t get_block, bool write)
{
	unsigned int per_page;
	u64 first;
	u8 *buf;
	int err = page_blocks(m->host, pages[0], &first, &per_page);

	if (err)
		return err;
	buf = nr == 1 ? pages[0]->data : kmalloc((size_t)nr * FS_PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (unsigned int i = 0; write && nr > 1 && i < nr; i++)
		memcpy(buf + (size_t)i * FS_PAGE_SIZE, pages[i]->data, FS_PAGE_SIZE);
	if (write)
		err = write_blocks(m->host, first, nr * per_page, buf, get_block);
	else
		err = read_blocks(m->host, first, nr * per_page, buf, get_block);
	for (unsigned int i = 0; !write && !err && nr > 1 && i < nr; i++)
		memcpy(pages[i]->data, buf + (size_t)i * FS_PAGE_SIZE, FS_PAGE_SIZE);
	if (nr > 1)
		kfree(buf);
	return err;
}

int block_read_full_page(struct address_space *m, struct cache_page *page,
			 get_block_t get_block)
{
	return pages_io(m, &page, 1, get_block, false);
}
EXPORT_SYMBOL_GPL(block_read_full_page);

int block_readahead(struct address_space *m, struct cache_page **pages, unsigned int nr,
		    get_block_t get_block)
{
	return pages_io(m, pages, nr, get_block, false);
}
EXPORT_SYMBOL_GPL(block_readahead);

int block_write_full_page(struct address_space *m, struct cache_page *page,
			  get_block_t get_block)
{
	return pages_io(m, &page, 1, get_block, true);
}
EXPORT_SYMBOL_GPL(block_write_full_page);

int block_writepages(struct address_space *m, struct cache_page **pages, unsigned int nr,
		     get_block_t get_block)
{
	return pages_io(m, pages, nr, get_block, true);
}
EXPORT_SYMBOL_GPL(block_writepages);

int block_prepare_write(struct address_space *m, loff_t pos, size_t len, get_block_t get_block)
{
	struct inode *inode = m->host;
	unsigned int bits = inode->i_sb->s_blocksize_bits;
	u64 blocknr;
	int err = 0;

	if (!len)
		return 0;
	for (u64 b = (u64)pos >> bits; !err && b <= ((u64)pos + len - 1) >> bits; b++)
		err = get_block(inode, b, &blocknr, true);
	return err;
}
EXPORT_SYMBOL_GPL(block_prepare_write);
