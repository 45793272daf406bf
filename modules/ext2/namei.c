/*
 * ext2.ko: directory inode operations: lookup, create, mkdir, symlink, link, unlink, rmdir
 * and rename. Link counts follow the names: a directory has one link from its parent's
 * entry, one from its own "." and one from each subdirectory's "..". Each operation writes
 * the new name before dropping the old one, so an error midway never loses a file.
 */
#include "ext2.h"

#define EXT2_LINK_MAX 32000

static struct dentry *ext2_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct super_block *sb = dir->i_sb;
	struct inode *inode = NULL;
	struct ext2_dir_entry_2 *de;
	struct buffer_head *bh;
	int err = ext2_find_entry(dir, &dentry->d_name, &bh, &de);
	u32 ino;

	(void)flags;
	if (err && err != -ENOENT)
		return ERR_PTR(err);
	if (!err) {
		ino = de->inode;
		brelse(bh);
		if (!ext2_valid_ino(sb, ino)) {
			ext2_error(sb, "directory inode %lu: \"%.16s\": bad inode %u", dir->i_ino,
				   dentry->d_name.name, ino);
			return ERR_PTR(-EUCLEAN);
		}
		inode = ext2_iget(sb, ino);
		if (IS_ERR(inode))
			return (struct dentry *)inode;
	}
	d_add(dentry, inode);
	return NULL;
}

/* The last step of creating a file: its name. On failure the inode is freed again. */
static int add_nondir(struct inode *dir, struct dentry *dentry, struct inode *inode)
{
	int err = ext2_add_link(dir, &dentry->d_name, inode);

	if (err) {
		clear_nlink(inode);
		mark_inode_dirty(inode);
		iput(inode);
		return err;
	}
	d_instantiate(dentry, inode);
	return 0;
}

static int ext2_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	struct inode *inode = ext2_new_inode(dir, S_IFREG | (mode & S_IALLUGO));

	(void)excl;
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	return add_nondir(dir, dentry, inode);
}

static int ext2_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;
	int err;

	if (len + 1 > dir->i_sb->s_blocksize)
		return -ENAMETOOLONG;
	inode = ext2_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = ext2_write_symlink(inode, target, len);
	if (err) {
		clear_nlink(inode);
		mark_inode_dirty(inode);
		iput(inode);
		return err;
	}
	return add_nondir(dir, dentry, inode);
}

static int ext2_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(old_dentry);
	int err;

	if (inode->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode->i_ctime = current_time(inode);
	inc_nlink(inode);
	mark_inode_dirty(inode);
	err = ext2_add_link(dir, &dentry->d_name, inode);
	if (err) {
		drop_nlink(inode);
		return err;
	}
	d_instantiate(dentry, ihold(inode));
	return 0;
}

static int ext2_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct inode *inode;
	int err;

	if (dir->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode = ext2_new_inode(dir, S_IFDIR | (mode & S_IALLUGO));
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inc_nlink(inode); /* "." */
	err = ext2_make_empty(inode, dir);
	if (err)
		goto free_inode;
	err = ext2_add_link(dir, &dentry->d_name, inode);
	if (err)
		goto free_inode;
	inc_nlink(dir); /* the child's ".." */
	mark_inode_dirty(dir);
	d_instantiate(dentry, inode);
	return 0;
free_inode:
	clear_nlink(inode);
	mark_inode_dirty(inode);
	iput(inode);
	return err;
}

/* Removes dentry's name from dir (the entry must still name dentry's inode). */
static int remove_name(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct ext2_dir_entry_2 *de;
	struct buffer_head *bh;
	int err = ext2_find_entry(dir, &dentry->d_name, &bh, &de);

	if (err)
		return err == -ENOENT ? -EIO : err;
	if (de->inode != inode->i_ino) {
		ext2_error(dir->i_sb, "directory inode %lu: \"%.16s\" changed", dir->i_ino,
			   dentry->d_name.name);
		err = -EIO;
	} else {
		err = ext2_delete_entry(dir, bh, de);
	}
	brelse(bh);
	return err;
}

static int ext2_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	int err = remove_name(dir, dentry);

	if (err)
		return err;
	inode->i_ctime = dir->i_ctime;
	drop_nlink(inode);
	mark_inode_dirty(inode);
	return 0;
}

static int ext2_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	int err = ext2_empty_dir(inode);

	if (err <= 0)
		return err ? err : -ENOTEMPTY;
	err = ext2_unlink(dir, dentry);
	if (err)
		return err;
	clear_nlink(inode); /* the entry (dropped by unlink) and its "." */
	inode->i_size = 0;
	mark_inode_dirty(inode);
	drop_nlink(dir);
	mark_inode_dirty(dir);
	return 0;
}

/* new_dentry exists: it now names the moved inode, and loses its own link. */
static int rename_replace(struct inode *new_dir, struct dentry *new_dentry,
			  struct inode *old_inode)
{
	struct inode *new_inode = d_inode(new_dentry);
	struct ext2_dir_entry_2 *de;
	struct buffer_head *bh;
	int err;

	if (S_ISDIR(new_inode->i_mode)) {
		err = ext2_empty_dir(new_inode);
		if (err <= 0)
			return err ? err : -ENOTEMPTY;
	}
	err = ext2_find_entry(new_dir, &new_dentry->d_name, &bh, &de);
	if (err)
		return err == -ENOENT ? -EIO : err;
	ext2_set_link(new_dir, bh, de, old_inode);
	brelse(bh);
	new_inode->i_ctime = current_time(new_inode);
	if (S_ISDIR(new_inode->i_mode))
		clear_nlink(new_inode);
	else
		drop_nlink(new_inode);
	mark_inode_dirty(new_inode);
	return 0;
}

/* A directory moved to another parent: its ".." follows, the old parent loses a link. */
static void move_dotdot(struct inode *old_dir, struct inode *new_dir, struct inode *inode,
			struct buffer_head *bh, struct ext2_dir_entry_2 *de)
{
	if (old_dir != new_dir)
		ext2_set_link(inode, bh, de, new_dir);
	drop_nlink(old_dir);
	mark_inode_dirty(old_dir);
}

static int ext2_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		       struct dentry *new_dentry, unsigned int flags)
{
	struct inode *old_inode = d_inode(old_dentry);
	bool is_dir = S_ISDIR(old_inode->i_mode);
	struct ext2_dir_entry_2 *dotdot = NULL;
	struct buffer_head *dotdot_bh = NULL;
	int err;

	if (flags)
		return -EINVAL;
	if (is_dir) {
		err = ext2_dotdot(old_inode, &dotdot_bh, &dotdot);
		if (err)
			return err;
	}
	if (d_inode(new_dentry)) {
		err = rename_replace(new_dir, new_dentry, old_inode);
	} else {
		err = is_dir && new_dir->i_nlink >= EXT2_LINK_MAX ? -EMLINK :
			ext2_add_link(new_dir, &new_dentry->d_name, old_inode);
		if (!err && is_dir) {
			inc_nlink(new_dir);
			mark_inode_dirty(new_dir);
		}
	}
	if (err)
		goto put_dotdot;
	old_inode->i_ctime = current_time(old_inode);
	mark_inode_dirty(old_inode);
	err = remove_name(old_dir, old_dentry);
	if (!err && is_dir)
		move_dotdot(old_dir, new_dir, old_inode, dotdot_bh, dotdot);
put_dotdot:
	brelse(dotdot_bh);
	return err;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.symlink = ext2_symlink,
	.mkdir = ext2_mkdir,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};
