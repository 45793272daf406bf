/*
 * Directories and names: getdents64, mkdir(at), rmdir, unlink(at), rename(at, at2), link(at),
 * symlink(at), mknod(at). Each resolves its names with getname_at (dirfd-relative names become
 * absolute ones) and calls the VFS function of the same name.
 */
#include <keel/errno.h>
#include <keel/kdev_t.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"

#define DIRENT_BUF_MAX 65536
#define RENAME_NOREPLACE 1

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
} __attribute__((packed));

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	bool full; /* an entry did not fit */
};

/* One record, 8-byte aligned as Linux's; false when it does not fit (the next call has it). */
static bool filldir64(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
		      u64 ino, unsigned int d_type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + namelen + 1 + 7) & ~7UL;
	struct linux_dirent64 *d;

	if (g->used + reclen > g->size) {
		g->full = true;
		return false;
	}
	d = (struct linux_dirent64 *)(g->buf + g->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = pos + 1; /* where the next entry starts: the cookie after this one */
	d->d_reclen = (u16)reclen;
	d->d_type = (u8)d_type;
	memcpy(d->d_name, name, namelen);
	g->used += reclen;
	return true;
}

long sys_getdents64(ul fd, ul dirent, ul count)
{
	struct getdents_ctx g = { .ctx.actor = filldir64 };
	struct fd f;
	long ret = fdget_file(fd, &f, false);
	loff_t pos;

	if (ret)
		return ret == -EBADF && !fdget_file(fd, &f, true) ? -ENOTDIR : ret;
	g.size = count < DIRENT_BUF_MAX ? count : DIRENT_BUF_MAX;
	g.buf = kmalloc(g.size ? g.size : 1, GFP_KERNEL);
	pos = f.file->f_pos;
	ret = g.buf ? vfs_iterate(f.file, &g.ctx) : -ENOMEM;
	if (!ret && !g.used && g.full)
		ret = -EINVAL;
	if (!ret && g.used && copy_to_user((void __user *)dirent, g.buf, g.used)) {
		f.file->f_pos = pos; /* nothing was read: the next call gets the same entries */
		ret = -EFAULT;
	}
	kfree(g.buf);
	fdput(f);
	return ret ? ret : (long)g.used;
}

/* The calls on one name: fn(name, arg) with the name resolved against dfd. */
static long with_name_at(ul dfd, ul path, int (*fn)(const char *name, ul arg), ul arg)
{
	char *name = getname_at((long)dfd, path, false);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = fn(name, arg);
	putname(name);
	return ret;
}

/* The calls on two names, each against its own dirfd. */
static long with_names_at(ul dfd1, ul path1, ul dfd2, ul path2,
			  int (*fn)(const char *a, const char *b))
{
	char *a = getname_at((long)dfd1, path1, false), *b;
	long ret;

	if (IS_ERR(a))
		return PTR_ERR(a);
	b = getname_at((long)dfd2, path2, false);
	ret = IS_ERR(b) ? PTR_ERR(b) : fn(a, b);
	if (!IS_ERR(b))
		putname(b);
	putname(a);
	return ret;
}

static int do_mkdir(const char *name, ul mode)
{
	return vfs_mkdir(name, (umode_t)(mode & ~current_umask() & 07777));
}

long sys_mkdirat(ul dfd, ul path, ul mode)
{
	return with_name_at(dfd, path, do_mkdir, mode);
}

long sys_mkdir(ul path, ul mode)
{
	return sys_mkdirat((ul)AT_FDCWD, path, mode);
}

static int do_unlink(const char *name, ul flags)
{
	return (flags & AT_REMOVEDIR) ? vfs_rmdir(name) : vfs_unlink(name);
}

long sys_unlinkat(ul dfd, ul path, ul flags)
{
	if (flags & ~(ul)AT_REMOVEDIR)
		return -EINVAL;
	return with_name_at(dfd, path, do_unlink, flags);
}

long sys_unlink(ul path)
{
	return sys_unlinkat((ul)AT_FDCWD, path, 0);
}

long sys_rmdir(ul path)
{
	return sys_unlinkat((ul)AT_FDCWD, path, AT_REMOVEDIR);
}

/* RENAME_NOREPLACE: refuse an existing new name (checked just before; one process, no race
 * worth a lock). RENAME_EXCHANGE and RENAME_WHITEOUT are not supported (-EINVAL). */
static int do_rename_noreplace(const char *oldname, const char *newname)
{
	struct kstat k;
	int ret = vfs_lstat(newname, &k);

	if (ret != -ENOENT)
		return ret ? ret : -EEXIST;
	return vfs_rename(oldname, newname);
}

long sys_renameat2(ul olddfd, ul oldpath, ul newdfd, ul newpath, ul flags)
{
	if (flags & ~(ul)RENAME_NOREPLACE)
		return -EINVAL;
	return with_names_at(olddfd, oldpath, newdfd, newpath,
			     flags ? do_rename_noreplace : vfs_rename);
}

long sys_renameat(ul olddfd, ul oldpath, ul newdfd, ul newpath)
{
	return sys_renameat2(olddfd, oldpath, newdfd, newpath, 0);
}

long sys_rename(ul oldpath, ul newpath)
{
	return sys_renameat2((ul)AT_FDCWD, oldpath, (ul)AT_FDCWD, newpath, 0);
}

/* linkat: the VFS links the name itself (it does not follow a last symlink, Linux's default
 * without AT_SYMLINK_FOLLOW). */
long sys_linkat(ul olddfd, ul oldpath, ul newdfd, ul newpath, ul flags)
{
	if (flags & ~(ul)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return with_names_at(olddfd, oldpath, newdfd, newpath, vfs_link);
}

long sys_link(ul oldpath, ul newpath)
{
	return sys_linkat((ul)AT_FDCWD, oldpath, (ul)AT_FDCWD, newpath, 0);
}

/* The target is stored as given: only the link's own name is resolved against dfd. */
long sys_symlinkat(ul target, ul dfd, ul path)
{
	char *t = kmalloc(PATH_MAX, GFP_KERNEL), *name;
	long ret;

	if (!t)
		return -ENOMEM;
	ret = strncpy_from_user(t, (const char __user *)target, PATH_MAX);
	if (ret >= 0)
		ret = ret == PATH_MAX ? -ENAMETOOLONG : ret == 0 ? -ENOENT : 0;
	if (ret)
		goto free_target;
	name = getname_at((long)dfd, path, false);
	ret = IS_ERR(name) ? PTR_ERR(name) : vfs_symlink(t, name);
	if (!IS_ERR(name))
		putname(name);
free_target:
	kfree(t);
	return ret;
}

long sys_symlink(ul target, ul path)
{
	return sys_symlinkat(target, (ul)AT_FDCWD, path);
}

long sys_mknodat(ul dfd, ul path, ul mode, ul dev)
{
	char *name = getname_at((long)dfd, path, false);
	umode_t m = (umode_t)mode;
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	if (!(m & S_IFMT))
		m |= S_IFREG;
	if (S_ISREG(m)) {
		struct file *f = vfs_open(name, O_CREAT | O_EXCL | O_WRONLY,
					  m & ~current_umask() & 07777);

		ret = IS_ERR(f) ? PTR_ERR(f) : 0;
		if (!ret)
			fput(f);
	} else {
		/* Linux's new_decode_dev of the 32-bit user number */
		unsigned int major = (dev & 0xfff00) >> 8;
		unsigned int minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);

		ret = vfs_mknod(name, (m & S_IFMT) | (m & ~current_umask() & 07777),
				MKDEV(major, minor));
	}
	putname(name);
	return ret;
}

long sys_mknod(ul path, ul mode, ul dev)
{
	return sys_mknodat((ul)AT_FDCWD, path, mode, dev);
}
