/* What the files of kernel/fs/ share and nothing else needs: the walk state, locks, helpers. */
#ifndef KEEL_FS_INTERNAL_H
#define KEEL_FS_INTERNAL_H

#include <keel/fs.h>
#include <keel/spinlock.h>

#define FS_PAGE_SIZE 4096
#define SB_SILENT 0x8000 /* mount flag: probing; fill_super stays quiet about a foreign magic */

/* The kind of the last component a parent lookup stopped at. */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/*
 * One path walk. buf holds the part of the path still to walk (a copy: following a symlink
 * rewrites it as "<target>/<rest>"). path is where the walk is (references held).
 */
struct nameidata {
	struct path path;
	struct path root;
	char *buf;
	const char *rest;
	unsigned int flags;
	int total_links;
	bool want_parent;   /* stop before the last component (create, unlink, rename) */
	bool trailing_slash;
	struct qstr last;   /* want_parent: the last component (inside buf) */
	int last_type;
};

extern spinlock_t dcache_lock;
extern spinlock_t mount_lock;

/* namei.c */
int path_lookupat(struct nameidata *nd, const char *name, unsigned int flags);
int path_parentat(struct nameidata *nd, const char *name);
void nd_cleanup(struct nameidata *nd);
struct dentry *lookup_one_locked(struct dentry *dir, struct qstr *name);
void follow_mounts(struct path *path);

/* namespace.c */
struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *dentry);
struct vfsmount *vfs_root_mount(void);
int d_path(const struct path *path, char *buf, size_t size);

/* exec_info.c: records in mm (the new image, stack pointer sp) where the argument and
 * environment strings lie and the absolute path of filename, for /proc/PID. Sleeps. */
struct mm_struct;
void exec_record_mm_info(struct mm_struct *mm, const char *filename, unsigned long sp);
int path_buf_finish(char *buf, size_t size, size_t pos);
int mount_root(const char *type);

/* super.c */
/* The block device a mount names ("/dev/hda1" or "hda1"), with a reference (blkdev_put).
 * 0, -ENODEV, -ENOTBLK or the path lookup's error. */
int mount_get_bdev(const char *dev_name, struct block_device **bdev);
struct dentry *vfs_kern_mount_type(struct file_system_type *type, int flags,
				   const char *dev_name, void *data);
void deactivate_super(struct super_block *sb);
int sync_filesystem(struct super_block *sb);
/* Calls fn for every superblock (sb_lock held); the first nonzero result, all still called. */
int super_for_each(int (*fn)(struct super_block *sb));

/* fs_probe.c: the filesystem type a device's magic numbers name ("vfat"), or NULL. Sleeps. */
const char *fs_probe_type(const char *dev_name);

/* dcache.c */
bool is_subdir(struct dentry *d, struct dentry *ancestor);
void d_set_mounted(struct dentry *d, bool mounted);
void d_unpin_tree(struct dentry *root);

/* inode.c */
void inode_sb_list_check(struct super_block *sb);
/* Writes back every inode of sb: cached pages, then dirty metadata. 0 or the first -errno. */
int sync_sb_inodes(struct super_block *sb);

/* ramfs.c, initramfs.c */
int init_ramfs_fs(void);
/* devtmpfs is a ramfs of its own type: it borrows ramfs's superblock setup and teardown. */
int ramfs_fill_super(struct super_block *sb, void *data, int silent);
void ramfs_kill_sb(struct super_block *sb);
int unpack_initramfs(const void *archive, size_t size);

static inline void inode_lock(struct inode *inode) { mutex_lock(&inode->i_rwsem); }
static inline void inode_unlock(struct inode *inode) { mutex_unlock(&inode->i_rwsem); }

/* read_write.c: RLIMIT_FSIZE for a write at pos of *len bytes (cut to the limit) or a size
 * change whose last byte is at pos (len NULL) of a regular file: 0, or -EFBIG with SIGXFSZ sent to the writer
 * when pos is at or past the limit. Follows Linux's generic_write_check_limits and
 * inode_newsize_ok. */
int file_size_limit_check(struct inode *inode, loff_t pos, size_t *len);

#endif
