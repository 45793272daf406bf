/*
 * The calls that describe files: stat, lstat, fstat, newfstatat (x86_64's struct stat, 144
 * bytes), statx (struct statx, 256), statfs/fstatfs (struct statfs, 120) and readlink/
 * readlinkat. Kernel structures are converted field by field into Linux's layouts.
 */
#include <keel/errno.h>
#include <keel/kdev_t.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "fs/internal.h"

struct stat_user {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	s64 unused[3];
};
_Static_assert(sizeof(struct stat_user) == 144, "x86_64 struct stat");

struct statfs_user {
	s64 f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct statfs_user) == 120, "x86_64 struct statfs");

#define AT_NO_AUTOMOUNT 0x800
#define AT_STATX_SYNC_TYPE 0x6000
#define STATX_BASIC_STATS 0x7ffU

/* Linux's new_encode_dev: the 32-bit user form of a device number. */
static u64 encode_dev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major << 8) | ((u64)(minor & ~0xffu) << 12);
}

static long put_stat(const struct kstat *k, ul ubuf)
{
	struct stat_user s = {
		.st_dev = encode_dev(0, k->dev), .st_ino = k->ino, .st_nlink = k->nlink,
		.st_mode = k->mode, .st_uid = k->uid, .st_gid = k->gid,
		.st_rdev = encode_dev(MAJOR(k->rdev), MINOR(k->rdev)), .st_size = k->size,
		.st_blksize = (s64)k->blksize, .st_blocks = (s64)k->blocks,
		.st_atime = (u64)k->atime.tv_sec, .st_atime_nsec = (u64)k->atime.tv_nsec,
		.st_mtime = (u64)k->mtime.tv_sec, .st_mtime_nsec = (u64)k->mtime.tv_nsec,
		.st_ctime = (u64)k->ctime.tv_sec, .st_ctime_nsec = (u64)k->ctime.tv_nsec,
	};

	return copy_to_user((void __user *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

/* A pipe or socket has no path to ask the VFS about: its inode says what fstat reports. */
static void stream_stat(struct file *file, struct kstat *k)
{
	struct inode *inode = file->f_inode;

	memset(k, 0, sizeof(*k));
	k->ino = inode->i_ino;
	k->mode = inode->i_mode;
	k->nlink = 1;
	k->blksize = 4096;
	k->atime = k->mtime = k->ctime = inode->i_mtime;
}

/* The console fds: a character device like Linux's /dev/console (5, 1). */
static void console_stat(struct kstat *k)
{
	memset(k, 0, sizeof(*k));
	k->mode = S_IFCHR | 0620;
	k->nlink = 1;
	k->blksize = 1024;
	k->rdev = MKDEV(5, 1);
}

/* fstat's kstat: the console and pipes describe themselves, files ask the VFS. */
static long fd_kstat(ul fd, struct kstat *k)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	if (f.console)
		console_stat(k);
	else if (f.file->f_mode & FMODE_STREAM)
		stream_stat(f.file, k);
	else
		ret = vfs_fstat(f.file, k);
	fdput(f);
	return ret;
}

long sys_fstat(ul fd, ul buf)
{
	struct kstat k;
	long ret = fd_kstat(fd, &k);

	return ret ? ret : put_stat(&k, buf);
}

/* The kstat of dfd/path (the fd itself for an empty path with AT_EMPTY_PATH), fstatat's and
 * statx's common part. */
static long do_fstatat(ul dfd, ul path, ul flags, struct kstat *k)
{
	char *name;
	long ret;

	name = getname_at((long)dfd, path, flags & AT_EMPTY_PATH);
	if (IS_ERR(name))
		return PTR_ERR(name);
	if (!name[0] && (int)dfd != AT_FDCWD) {
		putname(name);
		return fd_kstat(dfd, k);
	}
	if (!name[0])
		strlcpy(name, ".", PATH_MAX);
	ret = (flags & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(name, k) : vfs_stat(name, k);
	putname(name);
	return ret;
}

long sys_newfstatat(ul dfd, ul path, ul buf, ul flags)
{
	struct kstat k;
	long ret;

	if (flags & ~(ul)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	ret = do_fstatat(dfd, path, flags, &k);
	return ret ? ret : put_stat(&k, buf);
}

struct statx_timestamp_user {
	s64 tv_sec;
	u32 tv_nsec;
	s32 pad;
};

struct statx_user {
	u32 stx_mask, stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink, stx_uid, stx_gid;
	u16 stx_mode, pad0;
	u64 stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp_user stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	u64 spare[14];
};
_Static_assert(sizeof(struct statx_user) == 256, "Linux's struct statx");

static struct statx_timestamp_user statx_time(struct timespec64 t)
{
	return (struct statx_timestamp_user){ .tv_sec = t.tv_sec, .tv_nsec = (u32)t.tv_nsec };
}

/* statx(2): the basic fields whatever the mask asks (Linux may give more than asked); no
 * birth time, so STATX_BTIME is never in stx_mask. */
long sys_statx(ul dfd, ul path, ul flags, ul mask, ul buf)
{
	struct statx_user sx;
	struct kstat k;
	long ret;

	(void)mask;
	if (flags & ~(ul)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
			  AT_STATX_SYNC_TYPE))
		return -EINVAL;
	ret = do_fstatat(dfd, path, flags, &k);
	if (ret)
		return ret;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (u32)k.blksize;
	sx.stx_nlink = k.nlink;
	sx.stx_uid = k.uid;
	sx.stx_gid = k.gid;
	sx.stx_mode = (u16)k.mode;
	sx.stx_ino = k.ino;
	sx.stx_size = (u64)k.size;
	sx.stx_blocks = k.blocks;
	sx.stx_atime = statx_time(k.atime);
	sx.stx_ctime = statx_time(k.ctime);
	sx.stx_mtime = statx_time(k.mtime);
	sx.stx_rdev_major = MAJOR(k.rdev);
	sx.stx_rdev_minor = MINOR(k.rdev);
	sx.stx_dev_minor = k.dev;
	return copy_to_user((void __user *)buf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

long sys_stat(ul path, ul buf)
{
	return sys_newfstatat((ul)AT_FDCWD, path, buf, 0);
}

long sys_lstat(ul path, ul buf)
{
	return sys_newfstatat((ul)AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

static long put_statfs(const struct kstatfs *k, ul ubuf)
{
	struct statfs_user s = {
		.f_type = k->f_type, .f_bsize = k->f_bsize, .f_blocks = k->f_blocks,
		.f_bfree = k->f_bfree, .f_bavail = k->f_bavail, .f_files = k->f_files,
		.f_ffree = k->f_ffree, .f_namelen = k->f_namelen, .f_frsize = k->f_bsize,
	};

	return copy_to_user((void __user *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(ul path, ul buf)
{
	char *name = getname_at(AT_FDCWD, path, false);
	struct kstatfs k;
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = vfs_statfs(name, &k);
	putname(name);
	return ret ? ret : put_statfs(&k, buf);
}

/* fstatfs: the statfs of the file's own mount, found again through its absolute name. */
long sys_fstatfs(ul fd, ul buf)
{
	struct fd f;
	char *name;
	long ret = fdget_file(fd, &f, false);

	if (ret)
		return ret;
	if (!f.file->f_path.dentry) {
		fdput(f);
		return -EINVAL; /* pipes: no filesystem here */
	}
	name = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = name ? d_path(&f.file->f_path, name, PATH_MAX) : -ENOMEM;
	fdput(f);
	if (ret >= 0) {
		struct kstatfs k;

		ret = vfs_statfs(name, &k);
		if (!ret)
			ret = put_statfs(&k, buf);
	}
	kfree(name);
	return ret;
}

long sys_readlinkat(ul dfd, ul path, ul buf, ul size)
{
	char *name, *kbuf;
	long ret;

	if ((long)size <= 0)
		return -EINVAL;
	name = getname_at((long)dfd, path, false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	size = size < PATH_MAX ? size : PATH_MAX;
	kbuf = kmalloc(size, GFP_KERNEL);
	ret = kbuf ? vfs_readlink(name, kbuf, size) : -ENOMEM;
	if (ret > 0 && copy_to_user((void __user *)buf, kbuf, (size_t)ret))
		ret = -EFAULT;
	kfree(kbuf);
	putname(name);
	return ret;
}

long sys_readlink(ul path, ul buf, ul size)
{
	return sys_readlinkat((ul)AT_FDCWD, path, buf, size);
}
