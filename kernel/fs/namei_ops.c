/*
 * The calls that change names (Linux keeps them in fs/namei.c): mkdir, rmdir, unlink,
 * symlink, link and rename. Each looks up the parent directory, locks its i_rwsem, looks the
 * last component up under that lock, checks what POSIX says must hold, and calls the
 * filesystem's inode operation; the dcache is updated to match on success.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/string.h>
#include "fs/internal.h"

/*
 * The common end of create_begin and remove_begin, given the parent walk's result ret: write
 * access to the mount, the parent locked, the last component looked up under the lock and
 * required to be absent (want_positive false: else -EEXIST) or present (else -ENOENT). Returns
 * it with the parent still locked, or ERR_PTR with everything undone.
 */
static struct dentry *lookup_last_locked(struct nameidata *nd, int ret, bool want_positive)
{
	struct dentry *d;

	if (!ret)
		ret = mnt_want_write(nd->path.mnt);
	if (ret)
		goto cleanup;
	inode_lock(nd->path.dentry->d_inode);
	d = lookup_one_locked(nd->path.dentry, &nd->last);
	if (!IS_ERR(d) && d_is_negative(d) == want_positive) {
		dput(d);
		d = ERR_PTR(want_positive ? -ENOENT : -EEXIST);
	}
	if (!IS_ERR(d))
		return d;
	inode_unlock(nd->path.dentry->d_inode);
	ret = (int)PTR_ERR(d);
cleanup:
	nd_cleanup(nd);
	return ERR_PTR(ret);
}

/* The parent of name, locked, and the negative dentry to create; ERR_PTR otherwise. */
static struct dentry *create_begin(const char *name, struct nameidata *nd, bool is_dir)
{
	int ret = path_parentat(nd, name);

	if (!ret && nd->last_type != LAST_NORM)
		ret = -EEXIST;
	if (!ret && nd->trailing_slash && !is_dir)
		ret = -ENOENT;
	return lookup_last_locked(nd, ret, false);
}

static void create_end(struct nameidata *nd, struct dentry *d)
{
	dput(d);
	inode_unlock(nd->path.dentry->d_inode);
	nd_cleanup(nd);
}

int vfs_mkdir(const char *name, umode_t mode)
{
	struct nameidata nd;
	struct dentry *d = create_begin(name, &nd, true);
	struct inode *dir;
	int ret;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	ret = dir->i_op->mkdir ? dir->i_op->mkdir(dir, d, (mode & S_IALLUGO) | S_IFDIR) : -EPERM;
	create_end(&nd, d);
	return ret;
}

int vfs_symlink(const char *target, const char *name)
{
	struct nameidata nd;
	struct dentry *d;
	struct inode *dir;
	int ret;

	if (!*target)
		return -ENOENT;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	d = create_begin(name, &nd, false);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	ret = dir->i_op->symlink ? dir->i_op->symlink(dir, d, target) : -EPERM;
	create_end(&nd, d);
	return ret;
}

int vfs_mknod(const char *name, umode_t mode, dev_t dev)
{
	struct nameidata nd;
	struct dentry *d;
	struct inode *dir;
	int ret;

	if (!S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EINVAL;
	d = create_begin(name, &nd, false);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	ret = dir->i_op->mknod ? dir->i_op->mknod(dir, d, mode, dev) : -EPERM;
	create_end(&nd, d);
	return ret;
}

int vfs_link(const char *oldname, const char *newname)
{
	struct nameidata nd;
	struct path old;
	struct dentry *d;
	struct inode *dir;
	int ret = kern_path(oldname, 0, &old);

	if (ret)
		return ret;
	d = create_begin(newname, &nd, false);
	ret = IS_ERR(d) ? (int)PTR_ERR(d) : 0;
	if (ret)
		goto put_old;
	dir = nd.path.dentry->d_inode;
	if (nd.path.mnt != old.mnt)
		ret = -EXDEV;
	else if (d_is_dir(old.dentry))
		ret = -EPERM;
	else
		ret = dir->i_op->link ? dir->i_op->link(old.dentry, dir, d) : -EPERM;
	create_end(&nd, d);
put_old:
	path_put(&old);
	return ret;
}

/* The parent of name, locked, and its existing last component; ERR_PTR otherwise. */
static struct dentry *remove_begin(const char *name, struct nameidata *nd, bool is_dir)
{
	static const int type_errors[2][4] = {
		/* LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT */
		{ 0, -EISDIR, -EISDIR, -EISDIR },    /* unlink */
		{ 0, -EBUSY, -EINVAL, -ENOTEMPTY },  /* rmdir */
	};
	int ret = path_parentat(nd, name);

	if (!ret)
		ret = type_errors[is_dir][nd->last_type];
	return lookup_last_locked(nd, ret, true);
}

int vfs_unlink(const char *name)
{
	struct nameidata nd;
	struct dentry *d = remove_begin(name, &nd, false);
	struct inode *dir;
	int ret;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (d_is_dir(d))
		ret = -EISDIR;
	else if (nd.trailing_slash)
		ret = -ENOTDIR;
	else if (d_mountpoint(d))
		ret = -EBUSY;
	else
		ret = dir->i_op->unlink ? dir->i_op->unlink(dir, d) : -EPERM;
	if (!ret)
		d_delete(d);
	create_end(&nd, d);
	return ret;
}

int vfs_rmdir(const char *name)
{
	struct nameidata nd;
	struct dentry *d = remove_begin(name, &nd, true);
	struct inode *dir;
	int ret;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (!d_is_dir(d))
		ret = -ENOTDIR;
	else if (d_mountpoint(d))
		ret = -EBUSY;
	else
		ret = dir->i_op->rmdir ? dir->i_op->rmdir(dir, d) : -EPERM;
	if (!ret)
		d_delete(d);
	create_end(&nd, d);
	return ret;
}
