/*
 * Buffer heads (kernel/block/buffer.c): block-sized views of a block device's cached pages, for
 * filesystems that think in blocks (FAT sectors and clusters, ext2 blocks). After Linux's
 * <linux/buffer_head.h> and fs/buffer.c in small.
 *
 * A block device's page cache (its bd_mapping) holds its bytes in PAGE_SIZE pages; a page used
 * through buffer heads is cut into PAGE_SIZE / size buffers of one size (512, 1024, 2048 or
 * 4096 bytes, a multiple of the device's sector size). A filesystem reads a block with
 * __bread(), changes b_data, calls mark_buffer_dirty() and brelse(); the writeback thread, sync,
 * sync_blockdev() or sync_dirty_buffer() write it back later. A buffer held (b_count > 0) keeps
 * its page in memory.
 *
 *   struct buffer_head *bh = __bread(bdev, 1, 1024);   // ext2's superblock
 *   if (IS_ERR(bh))
 *           return PTR_ERR(bh);                        // -EIO, -ENOMEDIUM, -EINVAL...
 *   ... read or change bh->b_data, then mark_buffer_dirty(bh) ...
 *   brelse(bh);
 *
 * Unlike Linux, __bread and __getblk return ERR_PTR(-errno), never NULL, so the reason reaches
 * the caller. Locking: b_count and the BH_* bits are the cache's (atomic / page_cache_lock);
 * lock_buffer() is a sleeping lock held while a buffer is read or written. Do not hold a buffer
 * lock across __getblk/__bread or any sync call.
 */
#ifndef KEEL_BUFFER_HEAD_H
#define KEEL_BUFFER_HEAD_H

#include <keel/blkdev.h>
#include <keel/layout.h>
#include <keel/types.h>

struct cache_page;

enum bh_state_bits {
	BH_Uptodate,  /* b_data holds the block's contents */
	BH_Dirty,     /* b_data is newer than the disk */
	BH_Lock,      /* being read or written */
	BH_Write_EIO, /* the last write failed (the buffer stays dirty) */
};

struct buffer_head {
	unsigned long b_state;           /* BH_* bits, atomic */
	struct buffer_head *b_this_page; /* next buffer of the same page (a ring) */
	struct cache_page *b_page;       /* the page holding b_data */
	u64 b_blocknr;                   /* block number, in b_size units from the device's start */
	size_t b_size;                   /* 512, 1024, 2048 or 4096 bytes */
	char *b_data;                    /* the block's bytes inside the page */
	struct block_device *b_bdev;
	int b_count;                     /* references, under page_cache_lock */
};

#define BH_SIZE_MIN 512
#define MAX_BUF_PER_PAGE (PAGE_SIZE / BH_SIZE_MIN)

static inline bool bh_flag(const struct buffer_head *bh, int bit)
{
	return __atomic_load_n(&bh->b_state, __ATOMIC_ACQUIRE) & (1UL << bit);
}
static inline void bh_set_flag(struct buffer_head *bh, int bit)
{
	__atomic_fetch_or(&bh->b_state, 1UL << bit, __ATOMIC_SEQ_CST);
}
static inline void bh_clear_flag(struct buffer_head *bh, int bit)
{
	__atomic_fetch_and(&bh->b_state, ~(1UL << bit), __ATOMIC_SEQ_CST);
}
static inline bool buffer_uptodate(const struct buffer_head *bh) { return bh_flag(bh, BH_Uptodate); }
static inline bool buffer_dirty(const struct buffer_head *bh) { return bh_flag(bh, BH_Dirty); }
static inline bool buffer_locked(const struct buffer_head *bh) { return bh_flag(bh, BH_Lock); }
static inline bool buffer_write_io_error(const struct buffer_head *bh)
{
	return bh_flag(bh, BH_Write_EIO);
}
/* For a filesystem that filled a __getblk buffer itself (a new block): its data is valid. */
static inline void set_buffer_uptodate(struct buffer_head *bh) { bh_set_flag(bh, BH_Uptodate); }

/*
 * The buffer of block (in size units) of bdev, with a reference, not read: b_data is the disk's
 * only if buffer_uptodate(). -EINVAL when size is not 512..4096, a power of two and a multiple
 * of the device's sector size, or the block is past the device's end; -EBUSY when the page is
 * in use with buffers of another size; -ENOMEM; -ENODEV when the device has no cache. Task
 * context; sleeps. Linux: __getblk (which returns NULL on failure).
 */
struct buffer_head *__getblk(struct block_device *bdev, u64 block, size_t size);
/*
 * __getblk, then reads the block if it is not uptodate (a fresh page is read whole). The
 * buffer, or ERR_PTR: __getblk's errors, or the read's (-EIO, -ENOMEDIUM). Task context;
 * sleeps. Linux: __bread.
 */
struct buffer_head *__bread(struct block_device *bdev, u64 block, size_t size);
/* Another reference to a held buffer. Never sleeps. Linux: get_bh. */
void get_bh(struct buffer_head *bh);
/* Drops a reference (NULL and ERR_PTR are ignored). Never sleeps. Linux: brelse. */
void brelse(struct buffer_head *bh);
/*
 * Marks a held, uptodate buffer dirty (and its page): it is written back within
 * dirty_expire + dirty_writeback centiseconds, or by sync. Never sleeps. Linux:
 * mark_buffer_dirty.
 */
void mark_buffer_dirty(struct buffer_head *bh);
/*
 * Writes a held buffer now if it is dirty, and waits. 0, or the write's -errno (the buffer
 * stays dirty, BH_Write_EIO set). Sleeps. Linux: sync_dirty_buffer.
 */
int sync_dirty_buffer(struct buffer_head *bh);
/* Drops a buffer whose contents no longer matter (a freed block): not written back, then
 * brelse. Never sleeps. Linux: bforget. */
void bforget(struct buffer_head *bh);
/* Sleeping buffer lock, held while a buffer is read or written. Task context. */
void lock_buffer(struct buffer_head *bh);
void unlock_buffer(struct buffer_head *bh);

/*
 * Writes back every dirty page and buffer of bdev's cache, waits, and flushes the device's
 * write cache. 0 or the first -errno (-EIO when a background write failed since the last sync).
 * Task context; sleeps. Linux: sync_blockdev.
 */
int sync_blockdev(struct block_device *bdev);
/* Drops bdev's clean, unused cached pages (after a medium change...). Linux: invalidate_bdev. */
void invalidate_bdev(struct block_device *bdev);

/* For filemap.c: frees a page's buffers (none held). Under page_cache_lock; never sleeps. */
void __free_page_buffers(struct cache_page *page);

#endif
