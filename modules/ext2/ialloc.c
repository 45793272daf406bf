/*
 * ext2.ko: inode allocation. One bit per inode in each group's inode bitmap, with the free
 * inode and directory counts of the group descriptor and the superblock kept in step.
 * New inodes go to the parent's group when it has room (their blocks follow them there).
 */
#include "ext2.h"

static struct buffer_head *read_inode_bitmap(struct super_block *sb, u32 group)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	struct buffer_head *bh = sb_bread(sb, gd->bg_inode_bitmap);

	if (IS_ERR(bh))
		ext2_error(sb, "group %u inode bitmap %u: read error %ld", group,
			   gd->bg_inode_bitmap, PTR_ERR(bh));
	return bh;
}

/* The first free bit of group's inode bitmap that is a usable inode; -1 when none. */
static long find_free_inode(struct super_block *sb, u32 group, const u8 *map)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	for (u32 bit = 0; bit < sbi->s_inodes_per_group; bit++) {
		u64 ino = (u64)group * sbi->s_inodes_per_group + bit + 1;

		if (ino < sbi->s_first_ino || (map[bit / 8] & (1u << (bit % 8))))
			continue;
		return (long)bit;
	}
	return -1;
}

static void count_inode(struct super_block *sb, u32 group, bool dir, int delta)
{
	struct buffer_head *gdbh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gdbh);
	struct ext2_super_block *es = EXT2_SB(sb)->s_es;

	gd->bg_free_inodes_count = (u16)(gd->bg_free_inodes_count + delta);
	if (dir)
		gd->bg_used_dirs_count = (u16)(gd->bg_used_dirs_count - delta);
	mark_buffer_dirty(gdbh);
	es->s_free_inodes_count = (u32)((s64)es->s_free_inodes_count + delta);
	ext2_sb_dirty(sb);
}

/* Takes an inode of group: its number, 0 when the group is full, -errno. Lock held. */
static long alloc_in_group(struct super_block *sb, u32 group, bool dir)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	struct buffer_head *bh;
	long bit;

	if (!gd->bg_free_inodes_count)
		return 0;
	bh = read_inode_bitmap(sb, group);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	bit = find_free_inode(sb, group, (u8 *)bh->b_data);
	if (bit >= 0) {
		bh->b_data[bit / 8] |= (char)(1u << (bit % 8));
		mark_buffer_dirty(bh);
		count_inode(sb, group, dir, -1);
	}
	brelse(bh);
	return bit < 0 ? 0 : (long)group * EXT2_SB(sb)->s_inodes_per_group + bit + 1;
}

static long alloc_ino(struct inode *dir, bool is_dir)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g0 = EXT2_I(dir)->i_block_group;
	long ino = 0;

	mutex_lock(&sbi->s_alloc_lock);
	for (u32 i = 0; i < sbi->s_groups_count && !ino; i++)
		ino = alloc_in_group(sb, (g0 + i) % sbi->s_groups_count, is_dir);
	mutex_unlock(&sbi->s_alloc_lock);
	return ino ? ino : -ENOSPC;
}

/* Fills the in-memory inode of a fresh number: the on-disk slot is zeroed when written. */
static void init_new_inode(struct inode *inode, struct inode *dir, umode_t mode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	inode_init_owner(inode, dir, mode);
	inode->i_size = 0;
	inode->i_blocks = 0;
	set_nlink(inode, 1);
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	memset(ei->i_data, 0, sizeof(ei->i_data));
	ei->i_flags = 0;
	ei->i_dtime = 0;
	ei->i_file_acl = 0;
	ei->i_block_group = (u32)((inode->i_ino - 1) / EXT2_SB(inode->i_sb)->s_inodes_per_group);
	ei->i_new = true;
	ext2_set_inode_ops(inode);
}

static void free_ino(struct super_block *sb, unsigned long ino, bool dir);

struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	long ino = alloc_ino(dir, S_ISDIR(mode));
	struct inode *inode;

	if (ino < 0)
		return ERR_PTR(ino);
	inode = iget_locked(sb, (unsigned long)ino);
	if (!inode) {
		free_ino(sb, (unsigned long)ino, S_ISDIR(mode));
		return ERR_PTR(-ENOMEM);
	}
	if (!(inode->i_state & I_NEW)) { /* in use: the bit is right now, keep it */
		ext2_error(sb, "inode bitmap: inode %ld in use marked free", ino);
		iput(inode);
		return ERR_PTR(-EUCLEAN);
	}
	init_new_inode(inode, dir, mode);
	mark_inode_dirty(inode);
	unlock_new_inode(inode);
	return inode;
}

/* Gives inode number ino back to its group's bitmap and the free counts. */
static void free_ino(struct super_block *sb, unsigned long ino, bool dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	u32 bit = (u32)((ino - 1) % sbi->s_inodes_per_group);
	struct buffer_head *bh;

	mutex_lock(&sbi->s_alloc_lock);
	bh = read_inode_bitmap(sb, group);
	if (IS_ERR(bh))
		goto unlock;
	if (!(bh->b_data[bit / 8] & (1u << (bit % 8)))) {
		ext2_error(sb, "group %u inode bitmap: freeing free inode %lu", group, ino);
		goto put_bitmap;
	}
	bh->b_data[bit / 8] &= (char)~(1u << (bit % 8));
	mark_buffer_dirty(bh);
	count_inode(sb, group, dir, 1);
put_bitmap:
	brelse(bh);
unlock:
	mutex_unlock(&sbi->s_alloc_lock);
}

void ext2_free_inode(struct inode *inode)
{
	free_ino(inode->i_sb, inode->i_ino, S_ISDIR(inode->i_mode));
}
