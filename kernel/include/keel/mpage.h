/*
 * Block-mapped files (Linux's <linux/mpage.h> and the block helpers of <linux/buffer_head.h>):
 * what a disk filesystem gives the VFS so its file data goes through the page cache -- the
 * block map (get_block_t) and the address_space_operations helpers built on it
 * (fs/mpage.c) -- and its metadata through the buffer cache (sb_bread). docs/pagecache.md is
 * the guide.
 */
#ifndef KEEL_MPAGE_H
#define KEEL_MPAGE_H

#include <keel/buffer_head.h>
#include <keel/fs.h>

/* The buffer of filesystem block `block` (s_blocksize units from the start of s_bdev), read
 * (sb_bread) or not (sb_getblk): __bread/__getblk's results, ERR_PTR on failure. Sleeps. */
static inline struct buffer_head *sb_bread(struct super_block *sb, u64 block)
{
	return __bread(sb->s_bdev, block, sb->s_blocksize);
}
static inline struct buffer_head *sb_getblk(struct super_block *sb, u64 block)
{
	return __getblk(sb->s_bdev, block, sb->s_blocksize);
}

/*
 * A disk filesystem's map from file blocks to device blocks (Linux: get_block_t, with the
 * result in *blocknr instead of a buffer_head). iblock is in s_blocksize units from the start
 * of the file; *blocknr is set to the device block (s_blocksize units from the start of
 * s_bdev). create false: returns 0 with *blocknr = 0 for a hole. create true: allocates the
 * block when it is a hole; it need not be zeroed on disk, the VFS writes it before reading it
 * (generic_file_write reads a partial page before prepare_write allocates its blocks).
 * Returns 0 or -errno (-ENOSPC when create found no free block, -EIO/-EUCLEAN for damaged
 * metadata, -EFBIG past what the format can map). Called with the inode's i_rwsem held for
 * create, without it for reads and writeback: the filesystem locks its own block map.
 */
typedef int (*get_block_t)(struct inode *inode, u64 iblock, u64 *blocknr, bool create);

/*
 * a_ops helpers for block-mapped files (fs/mpage.c). block_read_full_page fills a locked page:
 * mapped blocks are read from s_bdev (contiguous ones in one request), holes and everything
 * past i_size read as zeros. block_write_full_page writes the blocks of a page that lie
 * before i_size; a block still unmapped is allocated (get_block with create) unless its data
 * is all zeros, which stays a hole. block_prepare_write maps (allocating) every block that
 * bytes [pos, pos + len) touch. 0 or -errno. Sleep. Linux: block_read_full_page,
 * block_write_full_page, block_write_begin.
 */
int block_read_full_page(struct address_space *mapping, struct cache_page *page,
			 get_block_t get_block);
int block_write_full_page(struct address_space *mapping, struct cache_page *page,
			  get_block_t get_block);
int block_prepare_write(struct address_space *mapping, loff_t pos, size_t len,
			get_block_t get_block);
/* a_ops->readahead for block-mapped files: fills nr locked pages of consecutive indexes as
 * block_read_full_page does, with runs crossing page boundaries read in one request (through
 * a bounce buffer). 0 or -errno (-ENOMEM). Sleeps. Linux: mpage_readahead. */
int block_readahead(struct address_space *mapping, struct cache_page **pages, unsigned int nr,
		    get_block_t get_block);
/* a_ops->writepages for block-mapped files: block_write_full_page over nr locked pages of
 * consecutive indexes, runs crossing pages written in one request. 0 or -errno (-ENOMEM).
 * Sleeps. Linux: mpage_writepages. */
int block_writepages(struct address_space *mapping, struct cache_page **pages, unsigned int nr,
		     get_block_t get_block);

#endif
