/*
 * Opening and closing files (vfs_open, fput), and the calls that change an inode's attributes
 * (truncate, chmod, utimes) or the working directory (chdir, getcwd).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

int notify_change(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	int ret;

	if ((attr->ia_valid & ATTR_SIZE) && !S_ISREG(inode->i_mode))
		return S_ISDIR(inode->i_mode) ? -EISDIR : -EINVAL;
	if ((attr->ia_valid & ATTR_SIZE) && (attr->ia_size < 0 ||
					     attr->ia_size > inode->i_sb->s_maxbytes))
		return attr->ia_size < 0 ? -EINVAL : -EFBIG;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size > inode->i_size &&
	    file_size_limit_check(inode, attr->ia_size - 1, NULL))
		return -EFBIG; /* its last byte past the limit: Linux's inode_newsize_ok */
	attr->ia_valid |= ATTR_CTIME;
	attr->ia_ctime = current_time(inode);
	inode_lock(inode);
	if (inode->i_op && inode->i_op->setattr) {
		ret = inode->i_op->setattr(dentry, attr);
	} else if (attr->ia_valid & ATTR_SIZE) {
		ret = -EPERM; /* a filesystem with sizes must implement setattr */
	} else {
		setattr_copy(inode, attr);
		ret = 0;
	}
	inode_unlock(inode);
	return ret;
}

/* Looks path up (following symlinks) and applies attr, if the mount is writable. */
static int change_attr(const char *name, struct iattr *attr)
{
	struct path path;
	int ret = kern_path(name, LOOKUP_FOLLOW, &path);

	if (ret)
		return ret;
	ret = mnt_want_write(path.mnt);
	if (!ret)
		ret = notify_change(path.dentry, attr);
	path_put(&path);
	return ret;
}

int vfs_truncate(const char *path, loff_t length)
{
	struct iattr attr = { .ia_valid = ATTR_SIZE | ATTR_MTIME, .ia_size = length };

	attr.ia_mtime = current_time(NULL);
	return change_attr(path, &attr);
}

int vfs_chmod(const char *path, umode_t mode)
{
	struct iattr attr = { .ia_valid = ATTR_MODE, .ia_mode = mode & S_IALLUGO };

	return change_attr(path, &attr);
}

int vfs_utimes(const char *path, const struct timespec64 *times)
{
	struct iattr attr = { .ia_valid = ATTR_ATIME | ATTR_MTIME };

	attr.ia_atime = times ? times[0] : current_time(NULL);
	attr.ia_mtime = times ? times[1] : attr.ia_atime;
	return change_attr(path, &attr);
}

/* O_CREAT: the dentry for the last component, created when missing (parent locked). */
static struct dentry *open_create(struct nameidata *nd, unsigned int flags, umode_t mode,
				 bool *created)
{
	struct inode *dir = nd->path.dentry->d_inode;
	struct dentry *d;
	int ret;

	inode_lock(dir);
	d = lookup_one_locked(nd->path.dentry, &nd->last);
	if (IS_ERR(d) || !d_is_negative(d))
		goto unlock;
	ret = mnt_want_write(nd->path.mnt);
	if (!ret)
		ret = dir->i_op->create ? dir->i_op->create(dir, d, (mode & S_IALLUGO) | S_IFREG,
							    flags & O_EXCL) : -EACCES;
	if (ret) {
		dput(d);
		d = ERR_PTR(ret);
	}
	*created = !ret;
unlock:
	inode_unlock(dir);
	return d;
}

/* The path for an O_CREAT open: 1 when the caller should look up normally instead. */
static int open_last(const char *name, unsigned int flags, umode_t mode, struct path *out)
{
	struct nameidata nd;
	struct dentry *d;
	bool created = false;
	int ret = path_parentat(&nd, name);

	if (ret || nd.last_type != LAST_NORM || nd.trailing_slash) {
		nd_cleanup(&nd);
		return ret ? ret : (nd.trailing_slash ? -EISDIR : 1);
	}
	d = open_create(&nd, flags, mode, &created);
	ret = IS_ERR(d) ? (int)PTR_ERR(d) : 0;
	if (!ret && !created && (flags & O_EXCL))
		ret = -EEXIST;
	else if (!ret && !created && d_is_symlink(d))
		ret = 1; /* follow it like any open */
	if (ret && !IS_ERR(d))
		dput(d);
	if (!ret) {
		*out = (struct path){ mntget(nd.path.mnt), d };
		follow_mounts(out);
	}
	nd_cleanup(&nd);
	return ret;
}

static int may_open(struct path *path, unsigned int flags)
{
	struct inode *inode = path->dentry->d_inode;
	unsigned int acc = flags & O_ACCMODE;

	if (S_ISLNK(inode->i_mode))
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		return -ENOTDIR;
	if (S_ISDIR(inode->i_mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (acc == O_ACCMODE)
		return -EINVAL;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		return mnt_want_write(path->mnt);
	return 0;
}

static int open_truncate(struct path *path)
{
	struct iattr attr = { .ia_valid = ATTR_SIZE | ATTR_MTIME, .ia_size = 0 };

	attr.ia_mtime = current_time(path->dentry->d_inode);
	return notify_change(path->dentry, &attr);
}

/* Makes the struct file; takes over the caller's references on path. */
static struct file *dentry_open(struct path *path, unsigned int flags)
{
	struct inode *inode = path->dentry->d_inode;
	struct file *f;
	int ret = may_open(path, flags);

	if (!ret && (flags & O_TRUNC) && S_ISREG(inode->i_mode))
		ret = open_truncate(path);
	if (ret)
		goto put_path;
	ret = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		goto put_path;
	f->f_path = *path;
	f->f_inode = inode;
	f->f_op = inode->i_fop;
	f->f_flags = flags;
	f->f_mode = ((flags & O_ACCMODE) != O_WRONLY ? FMODE_READ : 0) |
		    ((flags & O_ACCMODE) != O_RDONLY ? FMODE_WRITE : 0);
	f->f_count = 1;
	mutex_init(&f->f_pos_lock);
	/* The operations' module stays while the file is open (Linux's fops_get); an open
	 * may replace f_op (chrdev_open), and fput drops whichever f_op ends up there. */
	if (f->f_op && !try_module_get(f->f_op->owner)) {
		ret = -ENODEV;
		goto free_file;
	}
	ret = f->f_op && f->f_op->open ? f->f_op->open(inode, f) : 0;
	if (!ret)
		return f;
	if (f->f_op)
		module_put(f->f_op->owner);
free_file:
	kfree(f);
put_path:
	path_put(path);
	return ERR_PTR(ret);
}

struct file *vfs_open(const char *name, unsigned int flags, umode_t mode)
{
	unsigned int lookup = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct path path;
	int ret = 1;

	if (flags & O_DIRECTORY)
		lookup |= LOOKUP_DIRECTORY;
	if (flags & O_CREAT)
		ret = open_last(name, flags, mode, &path);
	if (ret == 1)
		ret = kern_path(name, lookup, &path);
	if (ret)
		return ERR_PTR(ret);
	return dentry_open(&path, flags);
}

struct file *get_file(struct file *f)
{
	spin_lock(&mount_lock); /* a small lock any context may take; files are few */
	f->f_count++;
	spin_unlock(&mount_lock);
	return f;
}

void fput(struct file *f)
{
	int left;

	if (!f)
		return;
	spin_lock(&mount_lock);
	left = --f->f_count;
	spin_unlock(&mount_lock);
	if (left)
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	if (f->f_op)
		module_put(f->f_op->owner);
	path_put(&f->f_path);
	kfree(f);
}

int vfs_chdir(const char *name)
{
	struct fs_struct *fs = current_fs();
	struct path path, old;
	int ret = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	if (ret)
		return ret;
	old = fs->pwd;
	fs->pwd = path;
	path_put(&old);
	return 0;
}

int vfs_getcwd(char *buf, size_t size)
{
	struct fs_struct *fs = current_fs();
	struct path pwd = fs->pwd;
	int ret;

	path_get(&pwd);
	ret = d_path(&pwd, buf, size);
	path_put(&pwd);
	return ret;
}
