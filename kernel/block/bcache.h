/*
 * The block layer's side of the page cache: set-up and teardown of a device's cache (called
 * by blkdev.c), and the buffer-level I/O a block device's pages use (buffer.c).
 */
#ifndef KEEL_BLOCK_BCACHE_H
#define KEEL_BLOCK_BCACHE_H

#include <keel/blkdev.h>
#include <keel/pagemap.h>

/* At registration: gives bdev its mapping (none for sectors larger than a page). Sleeps. */
void bdev_cache_setup(struct block_device *bdev);
/* Before bdev goes: writes dirty pages back (failures reported in one line, then dropped) and
 * frees the cache. Sleeps. */
void bdev_cache_teardown(struct block_device *bdev);
/* A removable disk's medium changed: every cached page is stale and dropped. Sleeps. */
void bdev_cache_medium_changed(struct block_device *bdev);

/* For a page cut into buffers (page locked): reads the buffers that are neither uptodate nor
 * dirty / writes the dirty ones. 0 or the first -errno. Sleep. */
int read_page_buffers(struct cache_page *page);
int write_page_buffers(struct cache_page *page);

/* The `sync` command and `blk cache` (cache_cmd.c). */
int blk_cache_stat_command(void);

#endif
