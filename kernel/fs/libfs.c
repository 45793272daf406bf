/*
 * Helpers for filesystems whose tree lives in the dcache (ramfs now; proc and devtmpfs next),
 * as Linux's fs/libfs.c: lookups that are always negative, readdir over the cached children,
 * link/unlink/rmdir/rename that only adjust link counts and dentry pins.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include "fs/internal.h"

struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	d_add(dentry, NULL);
	return NULL;
}
EXPORT_SYMBOL_GPL(simple_lookup);

/* The index-th positive child of dir, with a reference, or NULL (dcache_lock taken). */
static struct dentry *nth_positive_child(struct dentry *dir, loff_t index)
{
	struct dentry *child, *found = NULL;

	spin_lock(&dcache_lock);
	list_for_each_entry(child, &dir->d_subdirs, d_child) {
		if (!child->d_inode || !(child->d_flags & DCACHE_HASHED))
			continue;
		if (index-- == 0) {
			found = child;
			break;
		}
	}
	if (found)
		found->d_count++; /* positive and hashed: pinned, so never on the LRU */
	spin_unlock(&dcache_lock);
	return found;
}

/* ctx->pos: 0 ".", 1 "..", then 2 + the child's index among the positive ones. */
int dcache_readdir(struct file *file, struct dir_context *ctx)
{
	struct dentry *dir = file->f_path.dentry, *child;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while ((child = nth_positive_child(dir, ctx->pos - 2)) != NULL) {
		struct inode *inode = child->d_inode;
		bool more = dir_emit(ctx, child->d_name.name, (int)child->d_name.len, inode->i_ino,
				     fs_umode_to_dtype(inode->i_mode));

		dput(child);
		if (!more)
			break;
		ctx->pos++;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dcache_readdir);

const struct file_operations simple_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate_shared = dcache_readdir,
	.fsync = noop_fsync,
};
EXPORT_SYMBOL_GPL(simple_dir_operations);

static const char *simple_get_link(struct dentry *dentry, struct inode *inode)
{
	return inode->i_link;
}

const struct inode_operations simple_symlink_inode_operations = {
	.get_link = simple_get_link,
};
EXPORT_SYMBOL_GPL(simple_symlink_inode_operations);

bool simple_empty(struct dentry *dentry)
{
	struct dentry *child;
	bool empty = true;

	spin_lock(&dcache_lock);
	list_for_each_entry(child, &dentry->d_subdirs, d_child) {
		if (child->d_inode && (child->d_flags & DCACHE_HASHED)) {
			empty = false;
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return empty;
}
EXPORT_SYMBOL_GPL(simple_empty);

static void touch_dir(struct inode *dir)
{
	dir->i_mtime = dir->i_ctime = current_time(dir);
}

int simple_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old_dentry->d_inode;

	inode->i_ctime = current_time(inode);
	inc_nlink(inode);
	touch_dir(dir);
	d_instantiate(dentry, ihold(inode));
	d_make_persistent(dentry);
	return 0;
}
EXPORT_SYMBOL_GPL(simple_link);

int simple_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	inode->i_ctime = current_time(inode);
	touch_dir(dir);
	drop_nlink(inode);
	d_make_discardable(dentry);
	return 0;
}
EXPORT_SYMBOL_GPL(simple_unlink);

int simple_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(dentry->d_inode);
	simple_unlink(dir, dentry);
	drop_nlink(dir);
	return 0;
}
EXPORT_SYMBOL_GPL(simple_rmdir);

int simple_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		  struct dentry *new_dentry, unsigned int flags)
{
	bool is_dir = d_is_dir(old_dentry);
	int ret;

	if (flags)
		return -EINVAL;
	if (!d_is_negative(new_dentry)) {
		ret = is_dir ? simple_rmdir(new_dir, new_dentry) : simple_unlink(new_dir, new_dentry);
		if (ret)
			return ret;
		if (is_dir)
			inc_nlink(new_dir); /* simple_rmdir dropped the link old_dentry brings back */
	} else if (is_dir) {
		inc_nlink(new_dir);
	}
	if (is_dir)
		drop_nlink(old_dir);
	touch_dir(old_dir);
	touch_dir(new_dir);
	old_dentry->d_inode->i_ctime = current_time(old_dir);
	return 0;
}
EXPORT_SYMBOL_GPL(simple_rename);

int simple_setattr(struct dentry *dentry, struct iattr *attr)
{
	if (attr->ia_valid & ATTR_SIZE)
		return -EPERM;
	setattr_copy(dentry->d_inode, attr);
	return 0;
}
EXPORT_SYMBOL_GPL(simple_setattr);

int simple_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	buf->f_type = (long)dentry->d_sb->s_magic;
	buf->f_bsize = FS_PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}
EXPORT_SYMBOL_GPL(simple_statfs);
