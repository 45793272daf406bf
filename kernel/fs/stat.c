/* stat, lstat, statfs and readlink: reading what an inode or a filesystem says about itself. */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/string.h>
#include "fs/internal.h"

static int vfs_getattr(const struct path *path, struct kstat *stat)
{
	struct inode *inode = path->dentry->d_inode;

	memset(stat, 0, sizeof(*stat));
	if (inode->i_op && inode->i_op->getattr)
		return inode->i_op->getattr(path, stat);
	generic_fillattr(inode, stat);
	return 0;
}

static int stat_path(const char *name, unsigned int flags, struct kstat *stat)
{
	struct path path;
	int ret = kern_path(name, flags, &path);

	if (ret)
		return ret;
	ret = vfs_getattr(&path, stat);
	path_put(&path);
	return ret;
}

int vfs_stat(const char *path, struct kstat *stat)
{
	return stat_path(path, LOOKUP_FOLLOW, stat);
}

int vfs_lstat(const char *path, struct kstat *stat)
{
	return stat_path(path, 0, stat);
}

int vfs_fstat(struct file *f, struct kstat *stat)
{
	if (!f)
		return -EBADF;
	return vfs_getattr(&f->f_path, stat);
}

int vfs_statfs(const char *name, struct kstatfs *buf)
{
	struct path path;
	struct super_block *sb;
	int ret = kern_path(name, LOOKUP_FOLLOW, &path);

	if (ret)
		return ret;
	sb = path.dentry->d_sb;
	memset(buf, 0, sizeof(*buf));
	if (sb->s_op && sb->s_op->statfs)
		ret = sb->s_op->statfs(sb->s_root, buf);
	else
		ret = -ENOSYS;
	path_put(&path);
	return ret;
}

int vfs_readlink(const char *name, char *buf, size_t size)
{
	struct inode *inode;
	const char *target;
	struct path path;
	size_t len;
	int ret = kern_path(name, 0, &path);

	if (ret)
		return ret;
	inode = path.dentry->d_inode;
	target = inode->i_link;
	if (!target && S_ISLNK(inode->i_mode) && inode->i_op && inode->i_op->get_link)
		target = inode->i_op->get_link(path.dentry, inode);
	if (!S_ISLNK(inode->i_mode) || !target)
		ret = -EINVAL;
	else if (IS_ERR(target))
		ret = (int)PTR_ERR(target);
	if (!ret) {
		len = strlen(target);
		ret = (int)(len < size ? len : size);
		memcpy(buf, target, (size_t)ret);
	}
	path_put(&path);
	return ret;
}
