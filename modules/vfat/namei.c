/*
 * vfat's directory inode operations: lookup, create, mkdir, unlink, rmdir and rename. Each
 * writes new entries before removing old ones, and undoes what it did when a later step
 * fails, so an error (-ENOSPC on a full disk, -EIO) leaves the directory as it was.
 */
#include "name.h"

/* The short entry of a new file or directory (its name comes later); times now. */
static void new_short_entry(struct msdos_dir_entry *de, u8 attr, struct inode *dir)
{
	struct timespec64 now = current_time(dir);

	memset(de, 0, sizeof(*de));
	de->attr = attr;
	fat_time_unix2fat(&now, &de->time, &de->date, NULL);
	fat_time_unix2fat(&now, &de->ctime, &de->cdate, &de->ctime_cs);
	de->adate = de->date;
}

/*
 * Writes name's entries into dir: the short entry is *de with the chosen short name. skip_pos:
 * an entry the name may replace (rename). 0 and *si, or -errno.
 */
static int vfat_add_entry(struct inode *dir, const struct qstr *name,
			  struct msdos_dir_entry *de, u64 skip_pos, struct fat_slot_info *si)
{
	struct vfat_name *vn = kmalloc(sizeof(*vn), GFP_KERNEL);
	struct msdos_dir_slot *slots = kmalloc(MSDOS_SLOTS * sizeof(*slots), GFP_KERNEL);
	int err = -ENOMEM, nr;

	if (!vn || !slots)
		goto free_buffers;
	err = vfat_parse_name(name, vn);
	if (!err)
		err = vfat_make_shortname(dir, vn, skip_pos);
	if (err)
		goto free_buffers;
	memcpy(de->name, vn->shortname, 11);
	de->lcase = vn->lcase;
	nr = vfat_build_slots(vn, de, slots);
	err = fat_add_entries(dir, slots, nr, si);
free_buffers:
	kfree(slots);
	kfree(vn);
	return err;
}

static struct dentry *vfat_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct fat_slot_info si;
	struct inode *inode;
	int err = fat_dir_find(dir, &dentry->d_name, &si);

	(void)flags;
	if (err == -ENOENT) {
		d_add(dentry, NULL);
		return NULL;
	}
	if (err)
		return ERR_PTR(err);
	inode = fat_build_inode(dir->i_sb, &si.de, si.i_pos);
	if (IS_ERR(inode))
		return ERR_PTR(PTR_ERR(inode));
	d_add(dentry, inode);
	return NULL;
}

static int vfat_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	struct msdos_dir_entry de;
	struct fat_slot_info si;
	struct inode *inode;
	int err;

	(void)mode;
	(void)excl;
	new_short_entry(&de, ATTR_ARCH, dir);
	err = vfat_add_entry(dir, &dentry->d_name, &de, 0, &si);
	if (err)
		return err;
	inode = fat_build_inode(dir->i_sb, &si.de, si.i_pos);
	if (IS_ERR(inode)) {
		fat_remove_entries(dir, &si);
		return (int)PTR_ERR(inode);
	}
	d_instantiate(dentry, inode);
	return 0;
}

/* The first cluster ".." names: the parent's, 0 for the root (FAT32 too). */
static u32 parent_start(struct inode *dir)
{
	return dir->i_ino == FAT_ROOT_INO ? 0 : MSDOS_I(dir)->i_start;
}

/* A zeroed cluster holding "." and "..": the new directory's first. */
static int vfat_new_dir_cluster(struct inode *dir, struct msdos_dir_entry *de, u32 *clus)
{
	struct super_block *sb = dir->i_sb;
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	int err;

	mutex_lock(&sbi->s_lock);
	err = fat_alloc_cluster(sb, clus);
	if (err)
		goto unlock;
	err = fat_zero_cluster(sb, *clus);
	if (!err)
		err = fat_make_dots(sb, *clus, parent_start(dir), de);
	if (err)
		fat_free_chain(sb, *clus, true);
unlock:
	mutex_unlock(&sbi->s_lock);
	return err;
}

static void vfat_free_cluster(struct super_block *sb, u32 clus)
{
	mutex_lock(&MSDOS_SB(sb)->s_lock);
	fat_free_chain(sb, clus, true);
	mutex_unlock(&MSDOS_SB(sb)->s_lock);
}

static int vfat_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct msdos_dir_entry de;
	struct fat_slot_info si;
	struct inode *inode;
	u32 clus;
	int err;

	(void)mode;
	new_short_entry(&de, ATTR_DIR, dir);
	err = vfat_new_dir_cluster(dir, &de, &clus);
	if (err)
		return err;
	de.start = (u16)clus;
	de.starthi = (u16)(clus >> 16);
	err = vfat_add_entry(dir, &dentry->d_name, &de, 0, &si);
	if (err)
		goto free_cluster;
	inode = fat_build_inode(dir->i_sb, &si.de, si.i_pos);
	err = IS_ERR(inode) ? (int)PTR_ERR(inode) : 0;
	if (err)
		goto remove_entries;
	d_instantiate(dentry, inode);
	return 0;
remove_entries:
	fat_remove_entries(dir, &si);
free_cluster:
	vfat_free_cluster(dir->i_sb, clus);
	return err;
}

/* Finds the entry of dentry's inode in dir: its slots for removal. */
static int vfat_find_own(struct inode *dir, struct dentry *dentry, struct fat_slot_info *si)
{
	struct inode *inode = d_inode(dentry);
	int err = fat_dir_find(dir, &dentry->d_name, si);

	if (!err && si->i_pos != MSDOS_I(inode)->i_pos)
		err = fat_fs_error(dir->i_sb, "entry of inode %lu moved", inode->i_ino);
	return err == -ENOENT ? -EIO : err;
}

/* The inode lost its only name: no entry to write, clusters freed at its last iput. */
static void fat_detach(struct inode *inode)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);

	mutex_lock(&sbi->s_lock);
	MSDOS_I(inode)->i_pos = 0;
	mutex_unlock(&sbi->s_lock);
	clear_nlink(inode);
	inode->i_ctime = current_time(inode);
}

static int vfat_unlink(struct inode *dir, struct dentry *dentry)
{
	struct fat_slot_info si;
	int err = vfat_find_own(dir, dentry, &si);

	if (!err)
		err = fat_remove_entries(dir, &si);
	if (!err)
		fat_detach(d_inode(dentry));
	return err;
}

static int vfat_rmdir(struct inode *dir, struct dentry *dentry)
{
	int err = fat_dir_empty(d_inode(dentry));

	return err ? err : vfat_unlink(dir, dentry);
}

/* Points the renamed inode at its new entry: write_inode writes there from now on. */
static void vfat_move_inode(struct inode *inode, u64 i_pos)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);

	mutex_lock(&sbi->s_lock);
	MSDOS_I(inode)->i_pos = i_pos;
	mutex_unlock(&sbi->s_lock);
	inode->i_ctime = current_time(inode);
	mark_inode_dirty(inode);
}

/* The old name's and the replaced file's entries go, in that order; a failure undoes it. */
static int vfat_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		       struct dentry *new_dentry, unsigned int flags)
{
	struct inode *inode = d_inode(old_dentry), *target = d_inode(new_dentry);
	bool reparent = S_ISDIR(inode->i_mode) && old_dir != new_dir;
	struct fat_slot_info old_si, new_si, target_si;
	struct msdos_dir_entry de;
	int err;

	if (flags)
		return -EINVAL;
	err = vfat_find_own(old_dir, old_dentry, &old_si);
	if (!err && target)
		err = vfat_find_own(new_dir, new_dentry, &target_si);
	if (err)
		return err;
	de = old_si.de;
	err = vfat_add_entry(new_dir, &new_dentry->d_name, &de,
			     target ? target_si.i_pos : 0, &new_si);
	if (err)
		return err;
	err = reparent ? fat_update_dotdot(inode, parent_start(new_dir)) : 0;
	if (err)
		goto remove_new;
	err = fat_remove_entries(old_dir, &old_si);
	if (err)
		goto restore_dotdot;
	if (target && fat_remove_entries(new_dir, &target_si) == 0)
		fat_detach(target);
	vfat_move_inode(inode, new_si.i_pos);
	return 0;
restore_dotdot:
	if (reparent)
		fat_update_dotdot(inode, parent_start(old_dir));
remove_new:
	fat_remove_entries(new_dir, &new_si);
	return err;
}

const struct inode_operations vfat_dir_inode_operations = {
	.lookup = vfat_lookup,
	.create = vfat_create,
	.mkdir = vfat_mkdir,
	.unlink = vfat_unlink,
	.rmdir = vfat_rmdir,
	.rename = vfat_rename,
};
