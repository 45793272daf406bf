/*
 * Host unit test for the page cache (kernel/mm/filemap.c, page-writeback.c, cache_pool.c) and
 * buffer heads over a block device's cache (kernel/block/buffer.c, bdev_cache.c), on a fake
 * block device kept in host memory: the index at scale, eviction order (least recently used
 * first), referenced and dirty pages never evicted, write errors keeping data dirty and being
 * returned by sync, buffer sizes and ranges, the size limit.
 * Single-threaded: locks are never contended, so the sleeping paths are not exercised here
 * (tests/test_pagecache.py does that in QEMU).
 */
/* UNIT_SOURCES: kernel/mm/filemap.c kernel/mm/filemap_rw.c kernel/mm/cache_pool.c kernel/mm/page-writeback.c kernel/block/buffer.c kernel/block/bdev_cache.c */
#include <keel/buffer_head.h>
#include <keel/writeback.h>
#include "block/bcache.h"
#include "pagecache_fakes.h"

static struct address_space *m;

static void put_new_page(u64 index)
{
	struct cache_page *p = find_or_create_page(m, index, GFP_KERNEL);

	CHECK(p != NULL);
	memset(p->data, (int)index, 4096);
	SetPageUptodate(p);
	unlock_page(p);
	put_page(p);
}

static bool cached(u64 index)
{
	struct cache_page *p = find_get_page(m, index);

	put_page(p);
	return p != NULL;
}

static void test_index_at_scale(void)
{
	for (u64 i = 0; i < 5000; i++)
		put_new_page(i * 7);
	CHECK_UINT(m->nrpages, 5000);
	for (u64 i = 0; i < 5000; i++) {
		struct cache_page *p = find_get_page(m, i * 7);

		CHECK(p && p->index == i * 7 && ((u8 *)p->data)[100] == (u8)(i * 7));
		put_page(p);
		CHECK(!cached(i * 7 + 3));
	}
	CHECK(m->nbuckets >= 2048); /* grew: chains stay short */
	truncate_inode_pages(m, 7 * 2500 * 4096ULL); /* bytes */
	CHECK_UINT(m->nrpages, 2500);
	CHECK(cached(7 * 2499) && !cached(7 * 2500));
	truncate_inode_pages(m, 0);
	CHECK_UINT(m->nrpages, 0);
	CHECK_UINT(pcc.nrlru, 0);
}

static void test_lru_order_and_refs(void)
{
	struct cache_page *held;

	for (u64 i = 0; i < 10; i++)
		put_new_page(i);
	held = find_get_page(m, 0);           /* referenced: never evicted */
	CHECK_UINT(shrink_page_cache(3), 3);  /* 1, 2, 3: oldest first, 0 is held */
	CHECK(cached(0) && !cached(1) && !cached(3) && cached(4));
	put_page(find_get_page(m, 4));        /* used again: now the youngest */
	CHECK_UINT(shrink_page_cache(1), 1);
	CHECK(cached(4) && !cached(5));
	CHECK_UINT(shrink_page_cache(100), 5); /* 6..9 and 4; 0 still held */
	CHECK(cached(0));
	put_page(held);
	CHECK_UINT(shrink_page_cache(100), 1);
	CHECK_UINT(pcc.nrpages, 0);
}

static void test_dirty_not_evicted(void)
{
	u8 buf[1024];

	memset(buf, 0xab, sizeof(buf));
	writes = 0;
	CHECK_INT(blkdev_cache_write(&fake, 9, 2, buf), 0); /* a partial page: read, then dirtied */
	CHECK_UINT(m->nrdirty, 1);
	CHECK_UINT(shrink_page_cache(100), 0);
	CHECK_UINT(pcc.nrpages, 1);
	CHECK_INT(writes, 0);
	CHECK_INT(sync_blockdev(&fake), 0);
	CHECK_INT(writes, 1);
	CHECK(store[9 * 512] == 0xab && store[11 * 512 - 1] == 0xab && store[11 * 512] == 0);
	CHECK_UINT(m->nrdirty, 0);
	CHECK_UINT(shrink_page_cache(100), 1);
}

static void test_write_errors(void)
{
	u8 buf[512], out[512];

	memset(buf, 0x5a, sizeof(buf));
	fail_write_from = 100;
	CHECK_INT(blkdev_cache_write(&fake, 100, 1, buf), 0);
	CHECK_INT(sync_blockdev(&fake), -EIO);
	CHECK_INT(sync_blockdev(&fake), -EIO); /* still dirty: tried and reported again */
	CHECK_UINT(m->nrdirty, 1);
	CHECK_UINT(shrink_page_cache(100), 0);
	CHECK_INT(blkdev_cache_read(&fake, 100, 1, out), 0);
	CHECK(memcmp(out, buf, 512) == 0);
	fail_write_from = ~0ULL;
	CHECK_INT(sync_blockdev(&fake), 0);
	CHECK(store[100 * 512] == 0x5a);
	invalidate_bdev(&fake);
	CHECK_UINT(pcc.nrpages, 0);
}

static void test_buffers(void)
{
	struct buffer_head *bh, *bh2;

	store[3 * 1024] = 0x42;
	CHECK_INT((int)PTR_ERR(__bread(&fake, 0, 768)), -EINVAL);
	CHECK_INT((int)PTR_ERR(__bread(&fake, 0, 256)), -EINVAL);
	CHECK_INT((int)PTR_ERR(__bread(&fake, FAKE_SECTORS / 2, 1024)), -EINVAL);
	bh = __bread(&fake, 3, 1024);
	CHECK(!IS_ERR(bh) && buffer_uptodate(bh) && (u8)bh->b_data[0] == 0x42);
	CHECK_INT((int)PTR_ERR(__getblk(&fake, 0, 2048)), -EBUSY); /* same page, other size */
	bh2 = __getblk(&fake, 2, 1024);
	CHECK(!IS_ERR(bh2) && bh2->b_page == bh->b_page && bh2->b_count == 1);
	brelse(bh2);
	bh->b_data[1] = 0x43;
	mark_buffer_dirty(bh);
	sectors_written = 0;
	CHECK_INT(sync_blockdev(&fake), 0);
	CHECK_INT(sectors_written, 2); /* only the dirty 1 KiB block */
	CHECK(store[3 * 1024 + 1] == 0x43);
	CHECK_UINT(shrink_page_cache(100), 0); /* held through bh */
	bh->b_data[2] = 0x44;
	mark_buffer_dirty(bh);
	CHECK_INT(sync_dirty_buffer(bh), 0);
	CHECK(store[3 * 1024 + 2] == 0x44);
	bforget(bh);
	CHECK_INT(sync_blockdev(&fake), 0); /* the page is clean once no buffer is dirty */
	CHECK_UINT(shrink_page_cache(100), 1);
	bh = __bread(&fake, 4095, 512); /* the last sector */
	CHECK(!IS_ERR(bh));
	brelse(bh);
	invalidate_bdev(&fake);
}

static void test_limit_and_pressure(void)
{
	pcc.limit = 64;
	for (u64 i = 0; i < 200; i++)
		put_new_page(i);
	CHECK(pcc.nrpages <= 64);
	CHECK(!cached(0));
	CHECK(cached(199));
	/* The allocator runs dry: the shrinker gives clean pages back. */
	page_limit = pages_out;
	put_new_page(1000);
	CHECK(cached(1000));
	page_limit = -1;
	pcc.limit = 4096;
	truncate_inode_pages(m, 0);
}

int main(void)
{
	page_cache_init();
	bdev_cache_setup(&fake);
	m = fake.bd_mapping;
	CHECK(m != NULL);
	test_index_at_scale();
	test_lru_order_and_refs();
	test_dirty_not_evicted();
	test_write_errors();
	test_buffers();
	test_limit_and_pressure();
	bdev_cache_teardown(&fake);
	CHECK(fake.bd_mapping == NULL);
	CHECK_INT(lock_errors, 0);
	return unit_summary();
}
