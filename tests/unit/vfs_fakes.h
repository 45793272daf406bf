/*
 * Shared by the VFS host tests: the kernel services kernel/fs/ calls (kernel_fakes.h: heap,
 * locks, time, modules, sleeping; here: block devices, the page cache, the current task's
 * root and working directory).
 */
#ifndef KEEL_TESTS_VFS_FAKES_H
#define KEEL_TESTS_VFS_FAKES_H

#include <keel/blkdev.h>
#include <keel/fs.h>
#include "fs/internal.h"
#include "kernel_fakes.h"

/* Memory filesystems only: no block devices. blockfs_host.h brings a fake disk instead. */
#ifndef HOST_FAKE_BDEV
struct block_device *blkdev_get_by_name(const char *name) { return NULL; }
void blkdev_put(struct block_device *bdev) {}
int blkdev_flush(struct block_device *bdev) { return 0; }
struct block_device *blkdev_get_by_dev(dev_t dev) { return NULL; }
int lookup_bdev(const char *path, dev_t *dev) { return -ENOTBLK; }
#endif
/* Device nodes open their driver through these (fs/char_dev.c, block/fops.c): none here,
 * unless the test links the real fs/char_dev.c (it defines VFS_FAKES_REAL_CHRDEV). */
#ifndef VFS_FAKES_REAL_CHRDEV
const struct file_operations def_chr_fops;
#endif
const struct file_operations def_blk_fops;

/* No device is recognised by its magic here (blockfs_host.h links the real fs_probe.c). */
__attribute__((weak)) const char *fs_probe_type(const char *dev_name) { return NULL; }

/* The page cache: weak, so a test linking the real one (kernel/mm/filemap.c...) gets that.
 * Memory filesystems never give an inode a mapping. */
__attribute__((weak)) void mapping_init(struct address_space *m,
					const struct address_space_operations *a_ops, void *host,
					const char *name) {}
__attribute__((weak)) void mapping_destroy(struct address_space *m) {}
__attribute__((weak)) int filemap_write_and_wait(struct address_space *m) { return 0; }
__attribute__((weak)) void truncate_inode_pages(struct address_space *m, u64 lstart) {}
__attribute__((weak)) int sync_blockdev(struct block_device *bdev) { return 0; }

/* RLIMIT_FSIZE's SIGXFSZ (fs/read_write.c): host tests run without a current task, so with
 * no limit, and never send it. */
struct task_struct;
__attribute__((weak)) void kill_process(struct task_struct *t, int sig) {}

static struct fs_struct test_fs;
struct fs_struct *current_fs(void) { return &test_fs; }

/* The whole file at path as a NUL-terminated string (at most 16 KiB), or NULL. */
static inline char *read_file(const char *path)
{
	static char buf[16384];
	void *data;
	size_t size;

	if (kernel_read_file_from_path(path, &data, &size, sizeof(buf) - 1))
		return NULL;
	memcpy(buf, data, size + 1);
	kfree(data);
	return buf;
}

#endif
