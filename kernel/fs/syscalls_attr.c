/*
 * The calls that change or test a file's attributes and the process's place in the tree:
 * chmod/fchmod/fchmodat, the chown family (root owns everything: accepted, nothing stored),
 * truncate/ftruncate, fsync/fdatasync, access/faccessat/faccessat2, utimensat, chdir/fchdir/
 * getcwd, umask, sync/syncfs, mount/umount2.
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "fs/internal.h"

#define X_OK 1
#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#define MNT_FORCE 1
#define MNT_DETACH 2

/* A name resolved against dfd into *name (putname), or the fd's own path for AT_EMPTY_PATH
 * and a NULL path (utimensat's futimens form): *name is then that file's absolute name. */
static long name_or_fd(ul dfd, ul path, bool empty_ok, char **name)
{
	struct fd f;
	long ret;

	*name = NULL;
	if (path) {
		*name = getname_at((long)dfd, path, empty_ok);
		if (IS_ERR(*name)) {
			ret = PTR_ERR(*name);
			*name = NULL;
			return ret;
		}
		if (!(*name)[0] && (int)dfd == AT_FDCWD)
			strlcpy(*name, ".", PATH_MAX); /* AT_EMPTY_PATH with AT_FDCWD: the cwd */
		if ((*name)[0])
			return 0;
		kfree(*name);
		*name = NULL;
	}
	ret = fdget_file(dfd, &f, false);
	if (ret)
		return ret;
	*name = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = !f.file->f_path.dentry ? -EINVAL : !*name ? -ENOMEM
			: d_path(&f.file->f_path, *name, PATH_MAX);
	fdput(f);
	return ret < 0 ? ret : 0;
}

long sys_fchmodat(ul dfd, ul path, ul mode)
{
	char *name = getname_at((long)dfd, path, false);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = vfs_chmod(name, (umode_t)mode);
	putname(name);
	return ret;
}

long sys_chmod(ul path, ul mode)
{
	return sys_fchmodat((ul)AT_FDCWD, path, mode);
}

/* The attribute change for an open file: its dentry directly, if its mount is writable. */
static long fd_notify_change(ul fd, struct iattr *attr, bool need_write)
{
	struct fd f;
	long ret = fdget_file(fd, &f, false);

	if (ret)
		return ret;
	if (!f.file->f_path.dentry)
		ret = -EINVAL; /* a pipe */
	else if (need_write && !(f.file->f_mode & FMODE_WRITE))
		ret = -EINVAL; /* Linux: ftruncate of a read-only fd */
	else
		ret = mnt_want_write(f.file->f_path.mnt);
	if (!ret)
		ret = notify_change(f.file->f_path.dentry, attr);
	fdput(f);
	return ret;
}

long sys_fchmod(ul fd, ul mode)
{
	struct iattr attr = { .ia_valid = ATTR_MODE, .ia_mode = (umode_t)mode & S_IALLUGO };

	return fd_notify_change(fd, &attr, false);
}

/* Only root exists: ownership changes succeed without storing anything (the files already
 * belong to 0:0), once the name or fd is checked. */
long sys_fchownat(ul dfd, ul path, ul uid, ul gid, ul flags)
{
	struct kstat k;
	char *name;
	long ret;

	(void)uid;
	(void)gid;
	ret = name_or_fd(dfd, path, flags & AT_EMPTY_PATH, &name);
	if (!ret)
		ret = (flags & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(name, &k) : vfs_stat(name, &k);
	kfree(name);
	return ret;
}

long sys_chown(ul path, ul uid, ul gid)
{
	return sys_fchownat((ul)AT_FDCWD, path, uid, gid, 0);
}

long sys_fchown(ul fd, ul uid, ul gid)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	(void)uid;
	(void)gid;
	if (!ret)
		fdput(f);
	return ret;
}

long sys_truncate(ul path, ul length)
{
	char *name = getname_at(AT_FDCWD, path, false);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = (long)length < 0 ? -EINVAL : vfs_truncate(name, (loff_t)length);
	putname(name);
	return ret;
}

long sys_ftruncate(ul fd, ul length)
{
	struct iattr attr = { .ia_valid = ATTR_SIZE | ATTR_MTIME, .ia_size = (loff_t)length };

	if ((long)length < 0)
		return -EINVAL;
	attr.ia_mtime = current_time(NULL);
	return fd_notify_change(fd, &attr, true);
}

long sys_fsync(ul fd)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	if (f.console || !f.file->f_path.dentry)
		ret = -EINVAL; /* Linux: fsync of a pipe or terminal */
	else
		ret = vfs_fsync(f.file);
	fdput(f);
	return ret;
}

/* Root may do anything but execute a file without any x bit (Linux's rule for root). */
long sys_faccessat2(ul dfd, ul path, ul mode, ul flags)
{
	struct kstat k;
	char *name;
	long ret;

	if (mode & ~7UL || flags & ~(ul)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!path)
		return -EFAULT; /* Linux: a NULL name is not the empty path */
	ret = name_or_fd(dfd, path, flags & AT_EMPTY_PATH, &name);
	if (!ret)
		ret = (flags & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(name, &k) : vfs_stat(name, &k);
	kfree(name);
	if (!ret && (mode & X_OK) && !S_ISDIR(k.mode) && !(k.mode & 0111))
		ret = -EACCES;
	return ret;
}

long sys_faccessat(ul dfd, ul path, ul mode)
{
	return sys_faccessat2(dfd, path, mode, 0);
}

long sys_access(ul path, ul mode)
{
	return sys_faccessat2((ul)AT_FDCWD, path, mode, 0);
}

struct timespec_user {
	s64 tv_sec, tv_nsec;
};

/* One of utimensat's two times: as given, now, or (UTIME_OMIT) the current value. */
static int pick_time(const struct timespec_user *t, struct timespec64 now,
		     struct timespec64 old, struct timespec64 *out)
{
	if (t->tv_nsec == UTIME_NOW)
		*out = now;
	else if (t->tv_nsec == UTIME_OMIT)
		*out = old;
	else if (t->tv_nsec < 0 || t->tv_nsec > 999999999)
		return -EINVAL;
	else
		*out = (struct timespec64){ t->tv_sec, (long)t->tv_nsec };
	return 0;
}

long sys_utimensat(ul dfd, ul path, ul times, ul flags)
{
	struct timespec_user ut[2];
	struct timespec64 kt[2], now = current_time(NULL);
	struct kstat k;
	char *name;
	long ret;

	if (flags & ~(ul)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times && copy_from_user(ut, (const void __user *)times, sizeof(ut)))
		return -EFAULT;
	ret = name_or_fd(dfd, path, flags & AT_EMPTY_PATH, &name);
	if (!ret)
		ret = vfs_stat(name, &k);
	if (!ret && times)
		ret = pick_time(&ut[0], now, k.atime, &kt[0]) ?:
		      pick_time(&ut[1], now, k.mtime, &kt[1]);
	if (!ret)
		ret = vfs_utimes(name, times ? kt : NULL);
	kfree(name);
	return ret;
}

long sys_chdir(ul path)
{
	char *name = getname_at(AT_FDCWD, path, false);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = vfs_chdir(name);
	putname(name);
	return ret;
}

long sys_fchdir(ul fd)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	if (f.console || !f.file->f_path.dentry || !d_is_dir(f.file->f_path.dentry))
		ret = -ENOTDIR;
	else
		set_fs_pwd(&f.file->f_path);
	fdput(f);
	return ret;
}

/* getcwd(2) returns the length with the NUL; -ERANGE when size is too small. */
long sys_getcwd(ul buf, ul size)
{
	char *kbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	long ret;

	if (!kbuf)
		return -ENOMEM;
	ret = vfs_getcwd(kbuf, PATH_MAX);
	if (ret >= 0 && (ul)ret + 1 > size)
		ret = -ERANGE;
	else if (ret >= 0 && copy_to_user((void __user *)buf, kbuf, (size_t)ret + 1))
		ret = -EFAULT;
	else if (ret >= 0)
		ret++;
	kfree(kbuf);
	return ret;
}

long sys_umask(ul mask)
{
	struct fs_struct *fs = current_fs();
	unsigned int old = fs->umask;

	fs->umask = mask & 0777;
	return old;
}

long sys_sync(void)
{
	ksys_sync();
	return 0;
}

long sys_syncfs(ul fd)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	fdput(f);
	return ksys_sync(); /* every filesystem: a superset of the fd's one */
}

/* A user string for mount: a kmalloc'd copy (at most max bytes) or NULL for a NULL pointer. */
static char *copy_mount_string(ul user, size_t max, long *err)
{
	char *s;
	long len;

	if (!user)
		return NULL;
	s = kmalloc(max, GFP_KERNEL);
	len = s ? strncpy_from_user(s, (const char __user *)user, max) : -ENOMEM;
	if (len < 0 || (size_t)len == max) {
		*err = len < 0 ? len : -ENAMETOOLONG;
		kfree(s);
		return NULL;
	}
	return s;
}

/* mount(2) through do_mount: MS_RDONLY is the only flag applied (MS_SILENT is accepted, as
 * Linux only quiets probing with it); data is ignored. */
long sys_mount(ul dev, ul dir, ul type, ul flags, ul data)
{
	char *kdev, *kdir, *ktype;
	long ret = 0;

	(void)data;
	if (flags & ~(ul)(MS_RDONLY | MS_SILENT) & ~0xc0ed0000UL) /* MS_MGC_VAL is allowed */
		return -EINVAL;
	kdev = copy_mount_string(dev, PATH_MAX, &ret);
	kdir = copy_mount_string(dir, PATH_MAX, &ret);
	ktype = copy_mount_string(type, 64, &ret);
	if (!ret && !kdir)
		ret = -EFAULT;
	if (!ret)
		ret = do_mount(kdev ? kdev : "none", kdir, ktype, flags & MS_RDONLY, NULL);
	kfree(ktype);
	kfree(kdir);
	kfree(kdev);
	return ret;
}

long sys_umount2(ul dir, ul flags)
{
	char *name;
	long ret;

	if (flags & ~(ul)(MNT_FORCE | MNT_DETACH))
		return -EINVAL;
	name = getname_at(AT_FDCWD, dir, false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = do_umount(name);
	putname(name);
	return ret;
}
