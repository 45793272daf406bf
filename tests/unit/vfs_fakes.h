/*
 * Shared by the VFS host tests: the kernel services kernel/fs/ calls (heap, locks, time,
 * modules, block devices, the current task's root and working directory). The lock fakes
 * check what the kernel's would report: a mutex locked twice by its holder (a self-deadlock
 * in the kernel), a spinlock taken twice or released unheld, and sleeping (mutex_lock) with a
 * spinlock held.
 */
#ifndef KEEL_TESTS_VFS_FAKES_H
#define KEEL_TESTS_VFS_FAKES_H

#include <stdlib.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/kmod.h>
#include <keel/blkdev.h>
#include <keel/mutex.h>
#include <keel/slab.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "fs/internal.h"
#include "host_printk.h"
#include "unit.h"

static unsigned int lock_errors, spin_held;
static long heap_blocks; /* live kmalloc blocks, for leak checks */

void *kmalloc(size_t size, gfp_t gfp) { heap_blocks++; return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { heap_blocks++; return calloc(1, size ? size : 1); }
void kfree(const void *p) { if (p) heap_blocks--; free((void *)p); }
void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	if (!p)
		heap_blocks++;
	return realloc((void *)p, size ? size : 1);
}
char *kstrdup(const char *s, gfp_t gfp)
{
	char *c = s ? kmalloc(strlen(s) + 1, gfp) : NULL;

	if (c)
		memcpy(c, s, strlen(s) + 1);
	return c;
}

int __preempt_count;
bool __need_resched;
void preempt_schedule(void) {}
void __spin_lock_init(spinlock_t *lock, const char *name) { lock->locked = 0; }
void do_raw_spin_lock(spinlock_t *lock, unsigned long ip)
{
	if (lock->locked)
		lock_errors++;
	lock->locked = 1;
	spin_held++;
}
void do_raw_spin_unlock(spinlock_t *lock)
{
	if (!lock->locked)
		lock_errors++;
	lock->locked = 0;
	spin_held--;
}
void __mutex_init(struct mutex *lock, const char *name) { lock->owner = NULL; }
void mutex_lock(struct mutex *lock)
{
	if (lock->owner || spin_held)
		lock_errors++;
	lock->owner = (struct task_struct *)1;
}
void mutex_unlock(struct mutex *lock)
{
	if (!lock->owner)
		lock_errors++;
	lock->owner = NULL;
}

u64 ktime_get_ns(void) { return 1000000000ull; }

struct module { int refs; };
bool try_module_get(struct module *mod) { if (mod) mod->refs++; return true; }
void module_put(struct module *mod) { if (mod) mod->refs--; }

static int requested_modules;
int request_module(const char *fmt, ...) { requested_modules++; return -ENOENT; }

struct block_device *blkdev_get_by_name(const char *name) { return NULL; }
void blkdev_put(struct block_device *bdev) {}
int blkdev_flush(struct block_device *bdev) { return 0; }
struct block_device *blkdev_get_by_dev(dev_t dev) { return NULL; }
int lookup_bdev(const char *path, dev_t *dev) { return -ENOTBLK; }
/* Device nodes open their driver through these (fs/char_dev.c, block/fops.c): none here,
 * unless the test links the real fs/char_dev.c (it defines VFS_FAKES_REAL_CHRDEV). */
#ifndef VFS_FAKES_REAL_CHRDEV
const struct file_operations def_chr_fops;
#endif
const struct file_operations def_blk_fops;

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return n && size > (size_t)-1 / n ? NULL : kmalloc(n * size, gfp);
}

/* Sleeping and the page cache: weak, so a test linking the real ones (kernel/mm/filemap.c,
 * kernel/sched/wait.c) gets those. Memory filesystems never give an inode a mapping. */
__attribute__((weak)) void __might_sleep(const char *file, int line) {}
__attribute__((weak)) void schedule(void) {}
__attribute__((weak)) void __wake_up(wait_queue_head_t *q, unsigned int mode, int nr, void *key) {}
__attribute__((weak)) void init_wait_entry(struct wait_queue_entry *e, int flags) {}
__attribute__((weak)) long prepare_to_wait_event(wait_queue_head_t *q,
						 struct wait_queue_entry *e, int state)
{
	return 0;
}
__attribute__((weak)) void finish_wait(wait_queue_head_t *q, struct wait_queue_entry *e) {}
__attribute__((weak)) void mapping_init(struct address_space *m,
					const struct address_space_operations *a_ops, void *host,
					const char *name) {}
__attribute__((weak)) void mapping_destroy(struct address_space *m) {}
__attribute__((weak)) int filemap_write_and_wait(struct address_space *m) { return 0; }
__attribute__((weak)) void truncate_inode_pages(struct address_space *m, u64 lstart) {}
__attribute__((weak)) int sync_blockdev(struct block_device *bdev) { return 0; }

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
