/*
 * Changing vfat directories: finding room for a name's slots (growing the directory by a
 * zeroed cluster when it is full), writing them, marking them deleted, and the "." and ".."
 * entries of a new or moved directory. The VFS holds the directory's i_rwsem; the FAT and the
 * directory's size change under sbi->s_lock.
 */
#include <keel/minmax.h>
#include "vfat.h"

/* A run of free entries long enough for nr slots: its offset, or -ENOENT when there is none
 * in the directory's current clusters. */
static int find_free_run(struct inode *dir, int nr, loff_t *pos)
{
	struct buffer_head *bh = NULL;
	loff_t run = 0;
	int len = 0, err = -ENOENT;
	u64 blk;

	for (loff_t off = 0; off < min(dir->i_size, (loff_t)FAT_DIR_MAX); off += 32) {
		const struct msdos_dir_entry *de;

		if (!(off & 511)) {
			brelse(bh);
			bh = NULL;
			err = fat_dir_bread(dir, off, &bh, &blk);
			if (err)
				break;
			err = -ENOENT;
		}
		de = (const struct msdos_dir_entry *)(bh->b_data + (off & 511));
		if (de->name[0] && de->name[0] != DELETED_FLAG) {
			len = 0;
			continue;
		}
		if (!len++)
			run = off;
		if (len == nr) {
			*pos = run;
			err = 0;
			break;
		}
	}
	brelse(bh);
	return err;
}

/* One more zeroed cluster at the end of dir (the fixed root cannot grow). */
static int fat_grow_dir(struct inode *dir)
{
	struct msdos_sb_info *sbi = MSDOS_SB(dir->i_sb);
	u32 last, nr, clus;
	int err;

	if (fat_is_root_fixed(dir) || dir->i_size + sbi->cluster_size > FAT_DIR_MAX)
		return -ENOSPC;
	mutex_lock(&sbi->s_lock);
	err = fat_chain_walk(dir, (u32)(dir->i_size / sbi->cluster_size), &last, &nr);
	if (err == -ENOENT)
		err = fat_chain_extend(dir, last, &clus);
	else if (!err)
		err = fat_fs_error(dir->i_sb, "directory inode %lu is longer than its size",
				   dir->i_ino);
	if (!err)
		err = fat_zero_cluster(dir->i_sb, clus);
	if (!err)
		dir->i_size += sbi->cluster_size;
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* Writes one 32-byte entry at off. *blk: the device block it went to. */
static int write_slot(struct inode *dir, loff_t off, const void *slot, u64 *blk)
{
	struct buffer_head *bh;
	int err = fat_dir_bread(dir, off, &bh, blk);

	if (err)
		return err == -ENOENT ? -EIO : err;
	memcpy(bh->b_data + (off & 511), slot, 32);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/* Writes nr slots (long-name slots, then the short entry) into free room of dir. */
int fat_add_entries(struct inode *dir, const void *slots, int nr, struct fat_slot_info *si)
{
	loff_t pos = 0;
	u64 blk = 0;
	int err;

	while ((err = find_free_run(dir, nr, &pos)) == -ENOENT) {
		err = fat_grow_dir(dir);
		if (err)
			return err;
	}
	if (err)
		return err;
	for (int i = 0; !err && i < nr; i++)
		err = write_slot(dir, pos + i * 32, (const u8 *)slots + i * 32, &blk);
	if (err)
		return err;
	si->slot_off = pos;
	si->de_off = pos + (nr - 1) * 32;
	si->nr_slots = nr;
	si->i_pos = blk * 512 + (u64)(si->de_off & 511);
	memcpy(&si->de, (const u8 *)slots + (nr - 1) * 32, 32);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	mark_inode_dirty(dir);
	return 0;
}

/* Marks the name's slots deleted. */
int fat_remove_entries(struct inode *dir, const struct fat_slot_info *si)
{
	int err = 0;

	for (loff_t off = si->slot_off; !err && off <= si->de_off; off += 32) {
		struct buffer_head *bh;
		u64 blk;

		err = fat_dir_bread(dir, off, &bh, &blk);
		if (err)
			break;
		((u8 *)bh->b_data)[off & 511] = DELETED_FLAG;
		mark_buffer_dirty(bh);
		brelse(bh);
	}
	dir->i_mtime = dir->i_ctime = current_time(dir);
	mark_inode_dirty(dir);
	return err == -ENOENT ? -EIO : err;
}

static void set_start(struct msdos_dir_entry *de, u32 clus)
{
	de->start = (u16)clus;
	de->starthi = (u16)(clus >> 16);
}

/* The "." and ".." entries at the start of a new directory's first cluster (zeroed); their
 * times are those of like, the directory's own entry. */
int fat_make_dots(struct super_block *sb, u32 clus, u32 parent_start,
		  const struct msdos_dir_entry *like)
{
	struct msdos_dir_entry *de;
	struct buffer_head *bh = sb_bread(sb, fat_clus_to_blknr(MSDOS_SB(sb), clus));

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	de = (struct msdos_dir_entry *)bh->b_data;
	for (int i = 0; i < 2; i++) {
		de[i] = *like;
		memcpy(de[i].name, i ? "..         " : ".          ", 11);
		de[i].lcase = 0;
		de[i].size = 0;
	}
	set_start(&de[0], clus);
	set_start(&de[1], parent_start);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/* A directory moved to another parent: its ".." names the new one (0 for the root). */
int fat_update_dotdot(struct inode *dir, u32 parent_start)
{
	struct msdos_dir_entry *de;
	struct buffer_head *bh;
	u64 blk;
	int err = fat_dir_bread(dir, 32, &bh, &blk);

	if (err)
		return err == -ENOENT ? -EIO : err;
	de = (struct msdos_dir_entry *)(bh->b_data + 32);
	if (!memcmp(de->name, "..         ", 11)) {
		set_start(de, parent_start);
		mark_buffer_dirty(bh);
	} else {
		err = fat_fs_error(dir->i_sb, "directory inode %lu has no \"..\" entry",
				   dir->i_ino);
	}
	brelse(bh);
	return err;
}
