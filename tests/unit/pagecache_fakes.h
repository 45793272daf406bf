/*
 * What the page cache (kernel/mm/filemap*.c, page-writeback.c, cache_pool.c) and the block
 * device cache (kernel/block/buffer.c, bdev_cache.c) need below them on the host, on top of
 * kernel_fakes.h: whole pages (with a limit, to simulate memory pressure), no kthreads, an
 * empty command line, and a fake block device "fake0" whose sectors live in host memory.
 * Included once per test program, by test_pagecache.c and blockfs_host.h.
 */
#ifndef KEEL_TESTS_PAGECACHE_FAKES_H
#define KEEL_TESTS_PAGECACHE_FAKES_H

#include <keel/blkdev.h>
#include <keel/cmdline.h>
#include <keel/kthread.h>
#include <keel/pagemap.h>
#include "mm/mm_internal.h"
#include "mm/pagecache_internal.h"
#include "kernel_fakes.h"

static long pages_out, page_limit = -1; /* alloc_pages fails once pages_out reaches the limit */

/* No writeback thread: dirty pages wait for sync, which the tests call. */
struct task_struct *kthread_create(int (*fn)(void *), void *data, const char *fmt, ...)
{
	return ERR_PTR(-ENOMEM);
}
bool kthread_should_stop(void) { return false; }
int cmdline_get(const char *key, char *buf, size_t size) { return -ENOENT; }
void page_alloc_get_stats(struct page_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->free_pages = 1 << 20;
}

void *alloc_pages(unsigned int order)
{
	void *p;

	if (page_limit >= 0 && pages_out >= page_limit && !shrink_page_cache(1))
		return NULL;
	if (page_limit >= 0 && pages_out >= page_limit)
		return NULL;
	p = aligned_alloc(4096, 4096UL << order);
	pages_out += 1L << order;
	return p;
}
void free_pages(void *p, unsigned int order)
{
	if (p)
		pages_out -= 1L << order;
	free(p);
}

/* ---- The fake block device: its sectors are fake_store (a test may point it elsewhere) ---- */
#define FAKE_SECTORS 4096
static u8 fake_default_store[FAKE_SECTORS * 512];
static u8 *store = fake_default_store;
static int reads, writes, sectors_written, flushes;
static u64 fail_write_from = ~0ULL; /* writes reaching this sector fail with -EIO */
int blkdev_read(struct block_device *b, u64 sector, u32 count, void *buf);
int blkdev_write(struct block_device *b, u64 sector, u32 count, const void *buf);
/* Only their presence matters: the cache calls blkdev_read/blkdev_write below. */
static const struct block_device_operations fake_ops = { .read = blkdev_read,
							 .write = blkdev_write };
static struct block_device fake = { .name = "fake0", .sector_size = 512,
				    .nr_sectors = FAKE_SECTORS, .ops = &fake_ops };

/* The checks the real blkdev_read/blkdev_write make before calling the driver. */
static int fake_range(struct block_device *b, u64 sector, u32 count)
{
	return blk_range_within(sector, count, b->nr_sectors) ? 0 : -EINVAL;
}

int blkdev_read(struct block_device *b, u64 sector, u32 count, void *buf)
{
	int err = fake_range(b, sector, count);

	if (err)
		return err;
	reads++;
	memcpy(buf, store + sector * b->sector_size, (size_t)count * b->sector_size);
	return 0;
}
int blkdev_write(struct block_device *b, u64 sector, u32 count, const void *buf)
{
	int err = fake_range(b, sector, count);

	if (err)
		return err;
	if (sector + count > fail_write_from)
		return -EIO;
	writes++;
	sectors_written += (int)count;
	memcpy(store + sector * b->sector_size, buf, (size_t)count * b->sector_size);
	return 0;
}
int blkdev_flush(struct block_device *b) { flushes++; return 0; }

#endif
