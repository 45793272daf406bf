/*
 * Regular files whose data lives in the page cache (disk filesystems): read, write, fsync and
 * truncation on top of the inode's address_space (Linux's mm/filemap.c generic_file_* and
 * mm/truncate.c truncate_setsize, in small). How the pages reach the disk is the filesystem's
 * a_ops, usually fs/mpage.c's helpers.
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/string.h>
#include "fs/internal.h"

static const u8 zero_page[FS_PAGE_SIZE];

ssize_t generic_file_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!inode->i_mapping)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	if (*pos >= inode->i_size || !len)
		return 0;
	len = (size_t)min((loff_t)len, inode->i_size - *pos);
	err = filemap_read(inode->i_mapping, (u64)*pos, buf, len);
	if (err)
		return err;
	*pos += (loff_t)len;
	return (ssize_t)len;
}
EXPORT_SYMBOL_GPL(generic_file_read);

/*
 * Copies one page's part of a write (at most to the page's end): allocate, then cache. A
 * partial page is read (and held, so it stays cached) before prepare_write allocates: read
 * after, a hole just given a block would be read from that block, stale data on the disk.
 */
static int write_chunk(struct inode *inode, loff_t pos, const void *src, size_t n)
{
	struct address_space *m = inode->i_mapping;
	struct cache_page *page = NULL;
	int err = 0;

	if (m->a_ops->prepare_write && n < FS_PAGE_SIZE) {
		page = read_cache_page(m, (u64)pos / FS_PAGE_SIZE);
		if (IS_ERR(page))
			return (int)PTR_ERR(page);
	}
	if (m->a_ops->prepare_write)
		err = m->a_ops->prepare_write(m, pos, n);
	if (!err)
		err = filemap_write(m, (u64)pos, src, n);
	if (page)
		put_page(page);
	if (!err && pos + (loff_t)n > inode->i_size)
		inode->i_size = pos + (loff_t)n;
	return err;
}

/* Writes len bytes at pos page by page (src NULL: zeros); bytes done, or -errno if none. */
static ssize_t write_range(struct inode *inode, loff_t pos, const char *src, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t off = (size_t)(pos % FS_PAGE_SIZE);
		size_t n = min(len - done, FS_PAGE_SIZE - off);
		int err = write_chunk(inode, pos, src ? src + done : (const char *)zero_page, n);

		if (err)
			return done ? (ssize_t)done : err;
		done += n;
		pos += (loff_t)n;
	}
	return (ssize_t)done;
}

/* FS_NO_HOLES: the bytes between the old end and pos become zeros on disk first. */
static int fill_gap(struct inode *inode, loff_t pos)
{
	loff_t start = inode->i_size;
	ssize_t n;

	if (pos <= start || !(inode->i_sb->s_type->fs_flags & FS_NO_HOLES))
		return 0;
	n = write_range(inode, start, NULL, (size_t)(pos - start));
	if (n < 0)
		return (int)n;
	return n == pos - start ? 0 : -ENOSPC;
}

ssize_t generic_file_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	struct inode *inode = file_inode(file);
	ssize_t n;
	int err;

	if (!inode->i_mapping || *pos < 0)
		return -EINVAL;
	if (!len)
		return 0;
	err = fill_gap(inode, *pos);
	if (err) {
		mark_inode_dirty(inode);
		return err;
	}
	n = write_range(inode, *pos, buf, len);
	if (n > 0)
		*pos += n;
	mark_inode_dirty(inode);
	return n;
}
EXPORT_SYMBOL_GPL(generic_file_write);

int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;
	int err = 0, ret;

	(void)start;
	(void)end;
	(void)datasync;
	if (inode->i_mapping)
		err = filemap_write_and_wait(inode->i_mapping);
	ret = write_inode_now(inode);
	if (!err)
		err = ret;
	if (sb->s_bdev) {
		ret = sync_blockdev(sb->s_bdev);
		if (!err)
			err = ret;
	}
	return err;
}
EXPORT_SYMBOL_GPL(generic_file_fsync);

/* The block holding the new end keeps zeros past it on disk: written through the cache. */
static void zero_tail_block(struct inode *inode, loff_t newsize)
{
	unsigned long bs = inode->i_sb->s_blocksize;
	size_t tail = (size_t)(newsize % (loff_t)bs);

	if (!tail || tail == bs)
		return;
	write_range(inode, newsize, NULL, bs - tail);
}

/*
 * Growing an FS_NO_HOLES file fills the new part with zeros through the cache, as a write
 * past the end does: setting i_size alone would leave blocks inside the file that the
 * filesystem never allocated (a FAT cluster chain shorter than the size).
 */
int truncate_setsize(struct inode *inode, loff_t newsize)
{
	loff_t old = inode->i_size;
	int err = 0;

	if (inode->i_mapping && newsize < old) {
		zero_tail_block(inode, newsize);
		inode->i_size = newsize;
		truncate_inode_pages(inode->i_mapping, (u64)newsize);
	}
	if (inode->i_mapping && newsize > old)
		err = fill_gap(inode, newsize);
	if (!err)
		inode->i_size = newsize;
	mark_inode_dirty(inode);
	return err;
}
EXPORT_SYMBOL_GPL(truncate_setsize);
