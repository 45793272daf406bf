/*
 * Runs a disk filesystem on the host, for unit tests and libFuzzer targets: the real VFS
 * (kernel/fs/), the real page cache (kernel/mm/filemap*.c, page-writeback.c, cache_pool.c)
 * and buffer cache (kernel/block/buffer.c, bdev_cache.c), over the fakes of kernel_fakes.h and
 * pagecache_fakes.h and a block device "fake0" whose sectors are a memory buffer: the disk
 * image. Include it once, in the test's or fuzzer's main file, and list it in UNIT_SOURCES (its
 * own UNIT_SOURCES line below brings the kernel sources). A typical test:
 *
 *   host_fs_boot();                        once: page cache, root ramfs with /mnt
 *   host_module_load();                    the filesystem module's module_init
 *   host_disk_attach(image, size, 512);    the image becomes fake0
 *   do_mount("fake0", "/mnt", "myfs", 0, NULL); vfs_open("/mnt/..."); ...; do_umount("/mnt");
 *   host_disk_detach();                    drops fake0's cache; image holds what was written
 *   host_module_unload();
 */
/* UNIT_SOURCES: kernel/fs/dcache.c kernel/fs/inode.c kernel/fs/namei.c kernel/fs/namei_ops.c kernel/fs/rename.c kernel/fs/open.c kernel/fs/read_write.c kernel/fs/readdir.c kernel/fs/stat.c kernel/fs/libfs.c kernel/fs/ramfs.c kernel/fs/super.c kernel/fs/namespace.c kernel/fs/filesystems.c kernel/fs/rootfs.c kernel/fs/fs_probe.c kernel/fs/generic_file.c kernel/fs/mpage.c kernel/mm/filemap.c kernel/mm/filemap_rw.c kernel/mm/cache_pool.c kernel/mm/page-writeback.c kernel/block/buffer.c kernel/block/bdev_cache.c */
#ifndef KEEL_TESTS_BLOCKFS_HOST_H
#define KEEL_TESTS_BLOCKFS_HOST_H

#define HOST_FAKE_BDEV /* vfs_fakes.h: the disk is fake0 below, not "no devices" */
#include <keel/buffer_head.h>
#include <keel/writeback.h>
#include "block/bcache.h"
#include "init/bootinfo.h"
#include "pagecache_fakes.h"
#include "vfs_fakes.h"

/* rootfs.c (for ksys_sync and the root ramfs) looks for an initrd: there is none. */
struct boot_info boot_info;
int unpack_initramfs(const void *archive, size_t size) { return -EINVAL; }
void free_initrd_mem(phys_addr_t start, phys_addr_t end) {}

static bool fake_attached;

/* mount_bdev's way to the device: only fake0, and only while an image is attached. */
struct block_device *blkdev_get_by_name(const char *name)
{
	if (!fake_attached || host_strcmp(name, fake.name))
		return NULL;
	fake.open_count++;
	return &fake;
}
void blkdev_put(struct block_device *bdev)
{
	if (bdev)
		bdev->open_count--;
}
/* There is no devtmpfs here: /dev paths never name a block device, numbers find nothing. */
int lookup_bdev(const char *path, dev_t *dev) { return -ENOTBLK; }
struct block_device *blkdev_get_by_dev(dev_t dev) { return NULL; }
/* rootfs.c's /dev and /proc: not mounted on the host. */
void devtmpfs_init(void) {}
void proc_root_init(void) {}
void chr_dev_init(void) {}

/* The module linked into the test (module_init/module_exit under KEEL_HOST_TEST). */
int host_module_init(void) __attribute__((weak));
void host_module_exit(void) __attribute__((weak));

static inline int host_module_load(void)
{
	return host_module_init ? host_module_init() : -ENOENT;
}
static inline void host_module_unload(void)
{
	if (host_module_exit)
		host_module_exit();
}

/* There is no writeback thread on the host: a task waiting for it with a timeout (the page
 * allocator's reclaim) gets its work done inline, so dirty pages can become free ones. */
static void host_writeback_thread_pass(void)
{
	sync_all_mappings();
}

/* The page cache and a root ramfs with /mnt, as at boot. Once per program. */
static inline void host_fs_boot(void)
{
	page_cache_init();
	vfs_caches_init();
	fake_timeout_hook = host_writeback_thread_pass;
}

/* Makes image (bytes long, a multiple of sector_size) the contents of fake0, with an empty
 * cache. The image is used in place: writes reach it at writeback and sync. */
static inline void host_disk_attach(u8 *image, size_t bytes, u32 sector_size)
{
	store = image;
	fake.sector_size = sector_size;
	fake.nr_sectors = bytes / sector_size;
	fake.open_count = 0;
	bdev_cache_setup(&fake);
	fake_attached = true;
}

/* Writes fake0's cached blocks back and drops its cache; 0, or -EBUSY when still open. */
static inline int host_disk_detach(void)
{
	fake_attached = false;
	bdev_cache_teardown(&fake);
	store = fake_default_store;
	return fake.open_count ? -EBUSY : 0;
}

/* What a mount/umount cycle must give back: heap blocks and cached pages (the cache's
 * descriptor pools keep the pages they grew by, so pages_out is not the measure). */
struct host_usage {
	long heap_blocks, pages;
};
static inline struct host_usage host_usage(void)
{
	return (struct host_usage){ heap_blocks, (long)pcc.nrpages };
}
static inline bool host_usage_same(struct host_usage a, struct host_usage b)
{
	return a.heap_blocks == b.heap_blocks && a.pages == b.pages;
}

#endif
