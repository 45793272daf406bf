/* The VFS: a read-only tree served by the initrd (open, read, stat, readdir). */
#ifndef KEEL_FS_VFS_H
#define KEEL_FS_VFS_H

#include <keel/types.h>

struct file;

struct vfs_stat {
	u64 size;
	u32 mode; /* POSIX mode bits, as in the cpio header */
	bool is_dir;
};

void initrd_init(void); /* mount boot module "initrd" as / */

int vfs_open(const char *path, struct file **out);
ssize_t vfs_read(struct file *f, void *buf, size_t len);
void vfs_close(struct file *f);
int vfs_stat(const char *path, struct vfs_stat *st);
/*
 * Calls fn for each entry of a directory, in name order; 0, -ENOENT, -ENOTDIR, or the first
 * non-zero value fn returned (which stops the walk). Paths are absolute ("//", "/./", "..",
 * and a trailing "/" are understood; a relative path starts at /). vfs_open() of a
 * directory gives -EISDIR.
 */
int vfs_readdir(const char *path, int (*fn)(const char *name, const struct vfs_stat *st, void *arg),
		void *arg);
/* Reads a whole file into a kmalloc'd buffer (NUL-terminated beyond *size); caller kfree()s. */
int vfs_read_file(const char *path, void **data, size_t *size);

#endif
