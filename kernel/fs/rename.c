/*
 * rename(2): the one call that locks two directories. A rename between two directories
 * first takes the superblock's s_vfs_rename_mutex, so no two such renames run at once and the
 * tree cannot change shape under the "is the target inside the source?" check; the two
 * parents' i_rwsem are then taken in address order (no other path holds two of them).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include "fs/internal.h"

struct rename_ctx {
	struct nameidata old, new;
	struct dentry *old_d, *new_d;
	struct inode *old_dir, *new_dir;
};

static void lock_rename(struct rename_ctx *r)
{
	if (r->old_dir == r->new_dir) {
		inode_lock(r->old_dir);
		return;
	}
	mutex_lock(&r->old_dir->i_sb->s_vfs_rename_mutex);
	if (r->old_dir < r->new_dir) {
		inode_lock(r->old_dir);
		inode_lock(r->new_dir);
	} else {
		inode_lock(r->new_dir);
		inode_lock(r->old_dir);
	}
}

static void unlock_rename(struct rename_ctx *r)
{
	inode_unlock(r->old_dir);
	if (r->old_dir == r->new_dir)
		return;
	inode_unlock(r->new_dir);
	mutex_unlock(&r->old_dir->i_sb->s_vfs_rename_mutex);
}

static int last_type_error(int type)
{
	return type == LAST_NORM ? 0 : (type == LAST_ROOT ? -EBUSY : -EINVAL);
}

static int rename_parents(struct rename_ctx *r, const char *oldname, const char *newname)
{
	int ret = path_parentat(&r->old, oldname);

	if (!ret)
		ret = path_parentat(&r->new, newname);
	if (!ret)
		ret = last_type_error(r->old.last_type);
	if (!ret)
		ret = last_type_error(r->new.last_type);
	if (!ret && r->old.path.mnt != r->new.path.mnt)
		ret = -EXDEV;
	if (!ret)
		ret = mnt_want_write(r->old.path.mnt);
	if (!ret) {
		r->old_dir = r->old.path.dentry->d_inode;
		r->new_dir = r->new.path.dentry->d_inode;
	}
	return ret;
}

/* With both parents locked: what POSIX forbids, before asking the filesystem. */
static int rename_checks(struct rename_ctx *r)
{
	struct dentry *o = r->old_d, *n = r->new_d;
	bool trailing = r->old.trailing_slash || r->new.trailing_slash;

	if (d_is_negative(o))
		return -ENOENT;
	if (!d_is_dir(o) && trailing)
		return -ENOTDIR;
	if (d_mountpoint(o) || d_mountpoint(n))
		return -EBUSY;
	if (d_is_dir(o) && is_subdir(r->new.path.dentry, o))
		return -EINVAL; /* into itself */
	if (d_is_negative(n))
		return 0;
	if (d_is_dir(o) && !d_is_dir(n))
		return -ENOTDIR;
	if (!d_is_dir(o) && d_is_dir(n))
		return -EISDIR;
	return 0;
}

static int do_rename_locked(struct rename_ctx *r)
{
	int ret;

	r->old_d = lookup_one_locked(r->old.path.dentry, &r->old.last);
	if (IS_ERR(r->old_d))
		return (int)PTR_ERR(r->old_d);
	r->new_d = lookup_one_locked(r->new.path.dentry, &r->new.last);
	if (IS_ERR(r->new_d)) {
		ret = (int)PTR_ERR(r->new_d);
		r->new_d = NULL;
		return ret;
	}
	ret = rename_checks(r);
	if (ret || r->old_d->d_inode == r->new_d->d_inode)
		return ret; /* renaming a name onto a link of the same file does nothing */
	if (!r->old_dir->i_op->rename)
		return -EPERM;
	ret = r->old_dir->i_op->rename(r->old_dir, r->old_d, r->new_dir, r->new_d, 0);
	if (!ret)
		d_move(r->old_d, r->new_d);
	return ret;
}

int vfs_rename(const char *oldname, const char *newname)
{
	struct rename_ctx r = { 0 };
	int ret = rename_parents(&r, oldname, newname);

	if (ret)
		goto cleanup;
	lock_rename(&r);
	ret = do_rename_locked(&r);
	if (!IS_ERR_OR_NULL(r.old_d))
		dput(r.old_d);
	if (r.new_d)
		dput(r.new_d);
	unlock_rename(&r);
cleanup:
	nd_cleanup(&r.old);
	nd_cleanup(&r.new);
	return ret;
}
