/*
 * The virtual filesystem (Linux's <linux/fs.h>, <linux/dcache.h>, <linux/mount.h>): the objects
 * every filesystem shares (super_block, inode, dentry, file, vfsmount), the operations a
 * filesystem implements, and the kernel's file API (vfs_open, vfs_read...). docs/fs.md is the
 * guide; this header is the reference.
 *
 * Context: every function here may sleep (task context only, no spinlock held) unless it says
 * otherwise. Errors are negative errno values; functions returning pointers return ERR_PTR().
 *
 * Locking (see docs/fs.md, "Locking"):
 *   dcache_lock (spinlock, fs/dcache.c): the dentry hash, every d_subdirs/d_child list, d_count,
 *       d_flags and d_inode changes. Never held across a filesystem call.
 *   inode->i_rwsem (mutex): a directory's is held across ->lookup, ->create, ->mkdir, ->unlink,
 *       ->rmdir, ->link, ->symlink (and both parents' across ->rename, taken after the
 *       superblock's s_vfs_rename_mutex); a file's is held across ->write, ->setattr, and
 *       i_size changes. The VFS takes them: inode operations run with them held.
 *   namespace_sem (mutex, fs/namespace.c): the mount table, mount and umount.
 *   file_systems_lock (mutex, fs/filesystems.c): the list of registered filesystem types.
 */
#ifndef KEEL_FS_H
#define KEEL_FS_H

/* Included whole (not just declared) so every user sees the same struct super_block, and the
 * modversions CRCs of the VFS's exports agree between the kernel and filesystem modules. */
#include <keel/blkdev.h>
#include <keel/list.h>
#include <keel/mutex.h>
#include <keel/pagemap.h>
#include <keel/stat.h>
#include <keel/types.h>

struct module;
struct super_block;
struct inode;
struct dentry;
struct file;
struct vfsmount;

typedef unsigned int umode_t;

#define NAME_MAX 255   /* bytes in one path component */
#define PATH_MAX 4096  /* bytes in a path, including the NUL */
#define MAXSYMLINKS 40 /* symbolic links followed in one lookup before ELOOP */
#define MAX_LFS_FILESIZE ((loff_t)0x7fffffffffffffffLL)

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

/* A name in the dcache: bytes (not NUL-terminated in general), length and hash. */
struct qstr {
	const char *name;
	u32 len;
	u32 hash;
};

/* ---- filesystem types and superblocks ---------------------------------------------------- */

#define FS_REQUIRES_DEV 1 /* mounted from a block device; probed when mount has no -t */
#define FS_NO_HOLES 2     /* files cannot have holes (FAT): a write past the end first fills
			   * the gap with zeros through the page cache */

struct file_system_type {
	const char *name;
	int fs_flags;
	/* Returns the root dentry of a superblock (a reference), or ERR_PTR. Usually one of
	 * mount_nodev(), mount_bdev() with the filesystem's fill_super. */
	struct dentry *(*mount)(struct file_system_type *type, int flags, const char *dev_name,
				void *data);
	/* Tears the superblock down at the last umount: kill_litter_super, kill_block_super. */
	void (*kill_sb)(struct super_block *sb);
	struct module *owner; /* THIS_MODULE: pinned while a superblock of this type exists */
	struct list_head list; /* registered types (file_systems_lock) */
};

/* sb->s_flags and mount flags */
#define SB_RDONLY 1
#define MS_RDONLY SB_RDONLY
#define MS_SILENT 32768 /* mount(2): fewer messages; busybox always passes it */

struct kstatfs {
	long f_type;      /* s_magic */
	long f_bsize;     /* block size */
	u64 f_blocks;     /* total blocks */
	u64 f_bfree;      /* free blocks */
	u64 f_bavail;     /* free blocks for users */
	u64 f_files;      /* total inodes */
	u64 f_ffree;      /* free inodes */
	long f_namelen;   /* NAME_MAX of this filesystem */
};

struct super_operations {
	/* Optional: allocate/free the filesystem's inode (embedding struct inode). */
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*free_inode)(struct inode *inode);
	/* Optional: write an inode's metadata back (dirty inodes; fsync). */
	int (*write_inode)(struct inode *inode);
	/* Called when the last reference to an inode goes: free its data if i_nlink is 0. */
	void (*evict_inode)(struct inode *inode);
	/* Called at umount before kill_sb: release s_fs_info. */
	void (*put_super)(struct super_block *sb);
	int (*sync_fs)(struct super_block *sb, int wait);
	int (*statfs)(struct dentry *dentry, struct kstatfs *buf);
};

struct super_block {
	struct file_system_type *s_type;
	const struct super_operations *s_op;
	struct dentry *s_root;
	struct block_device *s_bdev; /* FS_REQUIRES_DEV filesystems: the device (a reference) */
	unsigned long s_flags;       /* SB_RDONLY */
	unsigned long s_magic;
	unsigned long s_blocksize;
	unsigned char s_blocksize_bits;
	loff_t s_maxbytes;           /* largest file size */
	void *s_fs_info;             /* the filesystem's own data */
	char s_id[32];               /* "ramfs", or the device name, for messages */
	int s_active;                /* mounts of this superblock (namespace_sem) */
	struct mutex s_vfs_rename_mutex; /* serialises cross-directory renames */
	struct list_head s_inodes;   /* every inode of this sb (inode_hash_lock) */
	struct list_head s_list;     /* all superblocks (namespace_sem) */
};

/* ---- inodes ------------------------------------------------------------------------------ */

struct iattr {
	unsigned int ia_valid; /* ATTR_* bits saying which fields to set */
	umode_t ia_mode;
	u32 ia_uid, ia_gid;
	loff_t ia_size;
	struct timespec64 ia_atime, ia_mtime, ia_ctime;
};
#define ATTR_MODE 1
#define ATTR_UID 2
#define ATTR_GID 4
#define ATTR_SIZE 8
#define ATTR_ATIME 16
#define ATTR_MTIME 32
#define ATTR_CTIME 64

struct kstat {
	u64 ino;
	umode_t mode;
	unsigned int nlink;
	u32 uid, gid;
	loff_t size;
	u64 blocks; /* 512-byte units */
	unsigned long blksize;
	struct timespec64 atime, mtime, ctime;
	u32 dev; /* an id of the superblock (its mount order), for messages and stat */
	dev_t rdev; /* device nodes: the device's number (i_rdev) */
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct inode_operations {
	/* Finds name (dentry->d_name) in dir: d_add(dentry, inode or NULL) and return NULL, or
	 * return ERR_PTR. A missing name is not an error: it makes a negative dentry. */
	struct dentry *(*lookup)(struct inode *dir, struct dentry *dentry, unsigned int flags);
	int (*create)(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl);
	int (*link)(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry);
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, umode_t mode);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	/* Creates a device node, fifo or socket (mode says which; dev for device nodes). */
	int (*mknod)(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev);
	/* Renames; the VFS has already checked types, emptiness of a replaced directory, and
	 * that new is not inside old. new_dentry may be positive (it is replaced). */
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		      struct dentry *new_dentry, unsigned int flags);
	/* The target of a symlink (valid while the inode lives); i_link is used when set. */
	const char *(*get_link)(struct dentry *dentry, struct inode *inode);
	int (*setattr)(struct dentry *dentry, struct iattr *attr);
	int (*getattr)(const struct path *path, struct kstat *stat);
};

struct inode {
	unsigned long i_ino;
	umode_t i_mode;
	u32 i_uid, i_gid;
	unsigned int i_nlink;
	loff_t i_size;
	u64 i_blocks; /* 512-byte units in use */
	dev_t i_rdev;  /* device nodes (S_IFCHR, S_IFBLK): the device opened through them */
	struct timespec64 i_atime, i_mtime, i_ctime;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct super_block *i_sb;
	void *i_private;     /* the filesystem's own data */
	const char *i_link;  /* symlinks whose target stays in memory: the target */
	int i_count;         /* references: dentries, open files, callers (inode_hash_lock) */
	unsigned int i_state; /* I_NEW while iget_locked's caller fills it in */
	struct mutex i_rwsem; /* see the locking notes at the top */
	struct hlist_node i_hash; /* (sb, ino) hash for iget_locked */
	struct list_head i_sb_list;
	/* The file's cached pages: &i_data once the filesystem called inode_init_mapping (disk
	 * filesystems), NULL for files whose data the filesystem keeps itself (ramfs, proc). */
	struct address_space *i_mapping;
	struct address_space i_data;
};
#define I_NEW 1
#define I_DIRTY 2 /* metadata changed since ->write_inode last ran (mark_inode_dirty) */
#define I_BAD 4   /* iget_failed: never filled; freed without ->evict_inode */

/* ---- dentries ---------------------------------------------------------------------------- */

struct dentry_operations {
	/* Optional: the filesystem's hash and compare of names (case-insensitive vfat). */
	u32 (*d_hash)(const struct dentry *parent, const char *name, u32 len);
	int (*d_compare)(const struct dentry *dentry, u32 len, const char *str,
			 const struct qstr *name);
};

#define DCACHE_MOUNTED 1  /* a filesystem is mounted on this dentry */
#define DCACHE_HASHED 2   /* in the hash: lookups find it */
#define DCACHE_PINNED 4   /* memory filesystems: the dentry is the file (an extra reference) */

struct dentry {
	int d_count;           /* references (dcache_lock); 0: unused, on the LRU */
	unsigned int d_flags;  /* DCACHE_* (dcache_lock) */
	struct qstr d_name;    /* the name, NUL-terminated, kmalloc'd */
	struct dentry *d_parent; /* a reference; the root's is itself */
	struct inode *d_inode;   /* NULL: a negative dentry (the name does not exist) */
	struct super_block *d_sb;
	const struct dentry_operations *d_op;
	void *d_fsdata;
	struct hlist_node d_hash;   /* hash by (parent, name) */
	struct list_head d_child;   /* in the parent's d_subdirs */
	struct list_head d_subdirs; /* children, in the dcache */
	struct list_head d_lru;     /* unused dentries, oldest first */
};

static inline bool d_is_negative(const struct dentry *d) { return !d->d_inode; }
static inline bool d_is_dir(const struct dentry *d) { return d->d_inode && S_ISDIR(d->d_inode->i_mode); }
static inline bool d_is_symlink(const struct dentry *d) { return d->d_inode && S_ISLNK(d->d_inode->i_mode); }
static inline bool d_mountpoint(const struct dentry *d) { return d->d_flags & DCACHE_MOUNTED; }
static inline struct inode *d_inode(const struct dentry *d) { return d->d_inode; }
static inline bool IS_ROOT(const struct dentry *d) { return d->d_parent == d; }

/* ---- files ------------------------------------------------------------------------------- */

struct dir_context;
/* Called by ->iterate_shared for each entry; false means "stop, the caller's buffer is full". */
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
			  u64 ino, unsigned int d_type);
struct dir_context {
	filldir_t actor;
	loff_t pos; /* the filesystem's cookie for "where to go on" */
};
/* d_type values (Linux's DT_*) */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
static inline unsigned int fs_umode_to_dtype(umode_t mode) { return (mode & S_IFMT) >> 12; }

static inline bool dir_emit(struct dir_context *ctx, const char *name, int namelen, u64 ino,
			    unsigned int type)
{
	return ctx->actor(ctx, name, namelen, ctx->pos, ino, type);
}
static inline bool dir_emit_dots(struct file *file, struct dir_context *ctx);

struct poll_table;

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	/* Read/write at *pos, advancing it; the byte count, 0 at end of file, or -errno. */
	ssize_t (*read)(struct file *file, char *buf, size_t len, loff_t *pos);
	ssize_t (*write)(struct file *file, const char *buf, size_t len, loff_t *pos);
	/* Emits entries from ctx->pos on (see dir_emit), updating ctx->pos. */
	int (*iterate_shared)(struct file *file, struct dir_context *ctx);
	int (*fsync)(struct file *file, loff_t start, loff_t end, int datasync);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
	/* Optional: the POLL* bits ready now, after poll_wait on each queue that announces a
	 * change (<keel/poll.h>). Without it the file is always ready. */
	unsigned int (*poll)(struct file *file, struct poll_table *pt);
	/* Optional: ioctl(2) requests the file understands; -ENOTTY for the others. */
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
};

struct file {
	struct path f_path;     /* a reference on both */
	struct inode *f_inode;
	const struct file_operations *f_op;
	loff_t f_pos;
	unsigned int f_flags;   /* O_* as given to vfs_open */
	unsigned int f_mode;    /* FMODE_READ | FMODE_WRITE */
	int f_count;
	struct mutex f_pos_lock;
	void *private_data;
};
#define FMODE_READ 1
#define FMODE_WRITE 2
/* A stream (pipes, sockets): ->read/->write get no position and are called without
 * f_pos_lock (a reader may block while another thread writes); a read returns what is there
 * now; lseek gives ESPIPE. Linux's FMODE_STREAM. */
#define FMODE_STREAM 4
#define f_dentry f_path.dentry

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }

static inline bool dir_emit_dots(struct file *file, struct dir_context *ctx)
{
	struct dentry *d = file->f_path.dentry;

	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, d->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!dir_emit(ctx, "..", 2, d->d_parent->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}

/* ---- registering filesystems ------------------------------------------------------------- */

/* Adds type to the list `mount -t` searches. 0, or -EBUSY when a type of that name exists. */
int register_filesystem(struct file_system_type *type);
/* Removes it; callers are module exits, which cannot run while a superblock of the type
 * exists (each holds a module reference). 0 or -EINVAL when not registered. */
int unregister_filesystem(struct file_system_type *type);
/* The registered type called name, autoloading module "fs-<name>" once if missing; holds a
 * module reference the caller drops with put_filesystem(). NULL when none. */
struct file_system_type *get_fs_type(const char *name);
void put_filesystem(struct file_system_type *type);
/* Calls fn for each registered type (file_systems_lock held: fn must not register). */
void for_each_filesystem(void (*fn)(struct file_system_type *type, void *arg), void *arg);

/* ---- superblock helpers for ->mount and ->kill_sb (fs/super.c) --------------------------- */

/* A fresh superblock of a memory filesystem; fill_super sets s_op, s_root... and returns 0 or
 * -errno (the superblock is then torn down). Returns s_root with a reference, or ERR_PTR. */
struct dentry *mount_nodev(struct file_system_type *type, int flags, void *data,
			   int (*fill_super)(struct super_block *sb, void *data, int silent));
/* The same over block device dev_name (its name in lsblk); fill_super is called with silent
 * set when probing (mount without -t): it returns -EINVAL without a message when the magic
 * is not its own. -ENODEV: no such device; -EBUSY: the device is already mounted. */
struct dentry *mount_bdev(struct file_system_type *type, int flags, const char *dev_name,
			  void *data,
			  int (*fill_super)(struct super_block *sb, void *data, int silent));
/* kill_sb for memory filesystems whose dentries are pinned (ramfs): drops every dentry. */
void kill_litter_super(struct super_block *sb);
/* kill_sb for filesystems without pinned dentries. */
void kill_anon_super(struct super_block *sb);
/* kill_sb for FS_REQUIRES_DEV filesystems: kill_anon_super and releases the device. */
void kill_block_super(struct super_block *sb);
/* Sets s_blocksize and s_blocksize_bits (a power of two 512..65536); 0 or -EINVAL. */
int sb_set_blocksize(struct super_block *sb, unsigned long size);

/* ---- file data through the page cache (fs/generic_file.c, fs/mpage.c) -------------------- */

/*
 * Gives inode a page cache: i_mapping = &i_data, filled and written by a_ops (usually
 * wrappers of <keel/mpage.h>'s block_read_full_page/block_write_full_page).
 * Call while filling an I_NEW or new inode. Sleeps. The VFS writes the pages back when the
 * inode is evicted (dropping them when i_nlink is 0) and in sync/fsync/umount.
 */
void inode_init_mapping(struct inode *inode, const struct address_space_operations *a_ops);

/* Records that inode's metadata (size, times, links) must reach the disk: sync, fsync,
 * umount and eviction call ->write_inode for dirty inodes. Never sleeps. */
void mark_inode_dirty(struct inode *inode);

/*
 * ->read and ->write of regular files with a page cache (i_mapping set). read stops at
 * i_size. write extends i_size, asks a_ops->prepare_write to allocate the blocks backing each
 * page's part before copying (a short count when a later page hits -ENOSPC, -ENOSPC when the
 * first does), fills a gap past the end with zeros first on FS_NO_HOLES types, and marks the
 * inode dirty. The VFS holds i_rwsem across write. Return bytes done or -errno. Sleeps.
 * Linux: generic_file_read_iter, generic_file_write_iter.
 */
ssize_t generic_file_read(struct file *file, char *buf, size_t len, loff_t *pos);
ssize_t generic_file_write(struct file *file, const char *buf, size_t len, loff_t *pos);
/* ->fsync: the file's pages, its inode (->write_inode), then the device's buffers and write
 * cache. 0 or the first -errno. Sleeps. Linux: generic_file_fsync. */
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
/*
 * Sets i_size to newsize and drops cached pages past it (the partial last page is zeroed past
 * newsize, and written back so the disk's block holds zeros there too). The filesystem then
 * frees its blocks past the end. Growing an FS_NO_HOLES file writes zeros up to newsize
 * (blocks allocated through prepare_write); on failure (-ENOSPC...) i_size ends where the
 * zeros did and the -errno is returned. 0 otherwise. i_rwsem held. Sleeps. Linux:
 * truncate_setsize plus block_truncate_page, and generic_cont_expand_simple for growing.
 */
int truncate_setsize(struct inode *inode, loff_t newsize);

/* ---- inodes (fs/inode.c) ----------------------------------------------------------------- */

/* A new inode of sb with i_count 1, a fresh i_ino, nlink 1; NULL without memory. */
struct inode *new_inode(struct super_block *sb);
/* The cached inode (sb, ino) with a reference, or a new one marked I_NEW that the caller fills
 * in and then publishes with unlock_new_inode() (or drops with iget_failed(): ->evict_inode
 * is not called for it, ->free_inode is). Another caller asking for an inode being filled
 * sleeps until it is published. NULL: ENOMEM. Sleeps. */
struct inode *iget_locked(struct super_block *sb, unsigned long ino);
void unlock_new_inode(struct inode *inode);
void iget_failed(struct inode *inode);
/* Runs ->write_inode if the inode is dirty (mark_inode_dirty) and the fs is writable; 0 or its
 * -errno (the inode stays dirty). Sleeps. Linux: write_inode_now. */
int write_inode_now(struct inode *inode);
/* Another reference to an inode the caller holds one on. Never sleeps. */
struct inode *ihold(struct inode *inode);
/* Drops a reference; the last one evicts the inode (->evict_inode, then free). */
void iput(struct inode *inode);
/* uid/gid 0, mode as given, i_op/i_fop left to the caller. Never sleeps. */
void inode_init_owner(struct inode *inode, struct inode *dir, umode_t mode);
/* The time stamps use: seconds since boot (there is no real-time clock yet). Never sleeps. */
struct timespec64 current_time(struct inode *inode);
void set_nlink(struct inode *inode, unsigned int nlink);
void inc_nlink(struct inode *inode);
void drop_nlink(struct inode *inode);
void clear_nlink(struct inode *inode);
unsigned long get_next_ino(void);
/* Applies attr to the in-memory inode (the default ->setattr for simple filesystems); a size
 * change must have been handled by the caller. Never sleeps. */
void setattr_copy(struct inode *inode, const struct iattr *attr);
void generic_fillattr(struct inode *inode, struct kstat *stat);
/*
 * Makes inode a device node, fifo or socket of mode: a character or block device node opens
 * its driver through def_chr_fops (chrdev_open, <keel/cdev.h>) or def_blk_fops (the block
 * device's bytes), whichever filesystem holds it; rdev is the device number. Fifos and
 * sockets get no operations (opening them gives -ENXIO). Never sleeps. Linux:
 * init_special_inode.
 */
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
extern const struct file_operations def_chr_fops;
extern const struct file_operations def_blk_fops;

/* ---- dentries (fs/dcache.c) -------------------------------------------------------------- */

/* A new unhashed negative dentry called name under parent (taking a reference on parent).
 * NULL without memory. */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
/* d_alloc for a NUL-terminated name (filesystems building their tree at mount). */
struct dentry *d_alloc_name(struct dentry *parent, const char *name);
/* The root dentry of a superblock, owning the caller's reference to root_inode (dropped on
 * failure, NULL returned). */
struct dentry *d_make_root(struct inode *root_inode);
/* Attaches inode (or NULL: negative) to dentry and hashes it. Never sleeps. */
void d_add(struct dentry *dentry, struct inode *inode);
/* Attaches inode to a negative dentry already hashed (after create/mkdir). Never sleeps. */
void d_instantiate(struct dentry *dentry, struct inode *inode);
/* The hashed child of parent called name, with a reference, or NULL. Never sleeps. */
struct dentry *d_lookup(struct dentry *parent, const struct qstr *name);
/* A name was removed: the dentry becomes negative (or unhashed if others hold it). */
void d_delete(struct dentry *dentry);
/* Removes the dentry from the hash: later lookups do not find it. Never sleeps. */
void d_drop(struct dentry *dentry);
/* Moves dentry to target's parent and name (rename); target is dropped. Never sleeps. */
void d_move(struct dentry *dentry, struct dentry *target);
/* Another reference; dget_parent is the parent's. Never sleep. */
struct dentry *dget(struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
/* Drops a reference. The dentry stays cached (on the LRU) while hashed; an unhashed one is
 * freed with its inode reference. NULL is ignored. */
void dput(struct dentry *dentry);
/* Writes "/a/b" (relative to the filesystem's root) into buf; the length or -ENAMETOOLONG. */
int dentry_path_raw(struct dentry *dentry, char *buf, size_t size);
/* Fills name->hash for a lookup in parent (with d_op->d_hash when present). Never sleeps. */
void d_hash_name(const struct dentry *parent, struct qstr *name);
/* Memory filesystems: a child entry found by the VFS is always in the dcache; positive
 * dentries hold an extra reference (d_make_persistent) until unlinked (d_make_discardable). */
void d_make_persistent(struct dentry *dentry);
void d_make_discardable(struct dentry *dentry);
/* Drops every unused dentry of sb (umount); pinned ones with kill_litter_super. */
void shrink_dcache_sb(struct super_block *sb);
/* Entries the dcache holds (total, unused), for tests and `df -i`-like reports. */
void dcache_counts(unsigned long *total, unsigned long *unused);

/* ---- generic helpers for simple filesystems (fs/libfs.c) --------------------------------- */

/* ->lookup for filesystems whose whole tree lives in the dcache: every miss is negative. */
struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags);
/* ->iterate_shared over the dcache's children (positive ones), "." and ".." first. */
int dcache_readdir(struct file *file, struct dir_context *ctx);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_symlink_inode_operations;
int simple_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry);
int simple_unlink(struct inode *dir, struct dentry *dentry);
int simple_rmdir(struct inode *dir, struct dentry *dentry);
int simple_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		  struct dentry *new_dentry, unsigned int flags);
/* True when a directory dentry has no positive children. */
bool simple_empty(struct dentry *dentry);
int simple_setattr(struct dentry *dentry, struct iattr *attr);
int simple_statfs(struct dentry *dentry, struct kstatfs *buf);
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
int noop_fsync(struct file *file, loff_t start, loff_t end, int datasync);

/* ---- mounts (fs/namespace.c) ------------------------------------------------------------- */

#define MNT_READONLY 1

struct vfsmount {
	struct dentry *mnt_root;    /* the root of the mounted tree */
	struct super_block *mnt_sb;
	int mnt_flags;              /* MNT_READONLY */
	/* Inside the VFS (fs/namespace.c): */
	struct vfsmount *mnt_parent;     /* itself for the root mount */
	struct dentry *mnt_mountpoint;   /* where it is mounted, in mnt_parent (a reference) */
	int mnt_count;                   /* references: the table's one, paths held (open files,
					  * working directories, walks in progress) */
	char *mnt_devname;
	struct list_head mnt_list;       /* the mount table, in mount order */
};

struct vfsmount *mntget(struct vfsmount *mnt);
void mntput(struct vfsmount *mnt);
void path_get(const struct path *path);
void path_put(const struct path *path);
/* 0, or -EROFS when writing through mnt is not allowed (read-only mount or superblock). */
int mnt_want_write(struct vfsmount *mnt);

/*
 * Mounts type (NULL: probe every FS_REQUIRES_DEV type) from dev_name on the directory dir.
 * flags: MS_RDONLY. An unknown type loads module fs-<type> first. -ENODEV unknown type,
 * -ENOTDIR dir is not a directory, -EBUSY dir is already a mount point (mounting over a
 * mount point is not supported) or the device is in use, -EINVAL nothing recognised the
 * device, or what fill_super said.
 */
int do_mount(const char *dev_name, const char *dir, const char *type, unsigned long flags,
	     void *data);
/* Unmounts the filesystem mounted at dir. -EINVAL: not a mount point (or the root);
 * -EBUSY: files open in it, a working directory inside it, or mounts below it. */
int do_umount(const char *dir);
/* Writes the mount table in /proc/mounts format ("dev dir type rw,... 0 0\n" lines) into buf;
 * the length it needs (a larger value than size means it was cut), or -errno. */
int mounts_show(char *buf, size_t size);
/* Calls fn for each mount in mount order, under namespace_sem (fn may sleep, not mount). */
int iterate_mounts(int (*fn)(struct vfsmount *mnt, void *arg), void *arg);
/* The path of mnt's root as seen from the namespace root ("/mnt"), into buf. */
int mnt_path(struct vfsmount *mnt, char *buf, size_t size);
/* Creates the root filesystem (ramfs), its initramfs contents and /mnt /tmp /proc /dev. */
void vfs_caches_init(void);
/* Flushes everything dirty and waits: sync_filesystem on every superblock, then every page
 * cache mapping (sync_all_mappings, <keel/writeback.h>). 0 or the first -errno (each failure
 * reported in one line; the data stays dirty). Task context; sleeps. Linux: ksys_sync. */
int ksys_sync(void);

/* ---- per-task root and working directory (fs/fs_struct.c) -------------------------------- */

struct fs_struct {
	struct path root, pwd; /* references */
	unsigned int umask;    /* umask(2): bits the system calls clear from new files' modes */
};
/* The calling task's fs_struct (the shell's, kernel threads share init's). Never sleeps. */
struct fs_struct *current_fs(void);
struct task_struct;
/* Task t's fs_struct (init's for kernel threads): /proc/PID/cwd. The caller keeps t from
 * exiting (preemption off). Never sleeps. */
struct fs_struct *task_fs(struct task_struct *t);
static inline unsigned int current_umask(void) { return current_fs()->umask; }
/* chdir(2): pwd becomes path (a directory). -ENOTDIR, -ENOENT... */
int vfs_chdir(const char *path);
/* getcwd(2): the absolute name of pwd into buf; length or -ENAMETOOLONG. */
int vfs_getcwd(char *buf, size_t size);
/* Gives task t (a new process) its own fs_struct, a copy of the caller's (the shell's): its
 * chdir no longer moves the shell. 0 or -ENOMEM. exit_fs drops it at the process's exit. */
struct task_struct;
int copy_fs_struct(struct task_struct *t);
void exit_fs(struct task_struct *t);
/* fchdir(2): pwd becomes path (a directory the caller checked; a new reference is taken). */
void set_fs_pwd(const struct path *path);

/* ---- path lookup (fs/namei.c) ------------------------------------------------------------ */

#define LOOKUP_FOLLOW 1    /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2 /* the result must be a directory (a trailing '/' says so too) */

/*
 * Resolves name (absolute, or relative to the working directory) into *path (references held;
 * path_put() when done). -ENOENT, -ENOTDIR, -ENAMETOOLONG (a component over NAME_MAX, the path
 * over PATH_MAX - 1), -ELOOP (over MAXSYMLINKS links followed), or a filesystem's error.
 */
int kern_path(const char *name, unsigned int flags, struct path *path);

/* ---- the kernel file API (fs/open.c, fs/read_write.c, fs/readdir.c, fs/stat.c) ----------- */

/* Opens path with O_* flags (mode for O_CREAT, permission bits). ERR_PTR: -ENOENT, -EEXIST
 * (O_CREAT|O_EXCL), -EISDIR (writing a directory), -ENOTDIR (O_DIRECTORY), -EROFS... */
struct file *vfs_open(const char *path, unsigned int flags, umode_t mode);
/* Another reference to f. Never sleeps. */
struct file *get_file(struct file *f);
/* Drops a reference; the last closes the file (->release, then the path's references). */
void fput(struct file *f);
/* The byte count (0 at end of file) or -EBADF (not open for it), -EISDIR, -EINVAL. */
ssize_t vfs_read(struct file *f, void *buf, size_t len);
ssize_t vfs_write(struct file *f, const void *buf, size_t len);
/* The new position or -EINVAL (negative result, bad whence), -ESPIPE. */
loff_t vfs_llseek(struct file *f, loff_t offset, int whence);
/* Calls ctx->actor for each entry of directory f from ctx->pos on. -ENOTDIR. */
int vfs_iterate(struct file *f, struct dir_context *ctx);
int vfs_fsync(struct file *f);
int vfs_stat(const char *path, struct kstat *stat);
int vfs_lstat(const char *path, struct kstat *stat);
int vfs_fstat(struct file *f, struct kstat *stat);
int vfs_statfs(const char *path, struct kstatfs *buf);
int vfs_mkdir(const char *path, umode_t mode);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
/* rename(2): replaces newpath when it exists and fits (a file by a file, a directory by an
 * empty directory). -EXDEV across filesystems, -EINVAL into itself, -ENOTEMPTY, -EISDIR,
 * -ENOTDIR, -EBUSY for mount points. */
int vfs_rename(const char *oldpath, const char *newpath);
int vfs_link(const char *oldpath, const char *newpath);
int vfs_symlink(const char *target, const char *linkpath);
/* mknod(2): a device node (S_IFCHR/S_IFBLK with dev), fifo or socket at path; opening a
 * device node reaches its driver whatever filesystem holds it. -EINVAL (another file type),
 * -EEXIST, -EPERM (the filesystem makes no special files), -EROFS, lookup errors. Sleeps.
 * Linux: vfs_mknod. */
int vfs_mknod(const char *path, umode_t mode, dev_t dev);
/* Copies the link's target (not NUL-terminated when cut) into buf; its length, -EINVAL when
 * path is not a symlink. */
int vfs_readlink(const char *path, char *buf, size_t size);
int vfs_truncate(const char *path, loff_t length);
int vfs_chmod(const char *path, umode_t mode);
/* Sets atime and mtime; NULL times means now. */
int vfs_utimes(const char *path, const struct timespec64 *times);
/* Reads a whole regular file into a kmalloc'd buffer, NUL-terminated beyond *size; the caller
 * kfree()s it. -EFBIG when larger than max_size. */
int kernel_read_file_from_path(const char *path, void **data, size_t *size, size_t max_size);

#define KERNEL_READ_FILE_MAX (256UL << 20) /* a sanity bound for whole-file reads */

/* Changes a file's size with the inode's i_rwsem held (notify_change's ATTR_SIZE part). */
int notify_change(struct dentry *dentry, struct iattr *attr);

#endif
