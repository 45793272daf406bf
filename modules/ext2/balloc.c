/*
 * ext2.ko: block allocation. One bit per block in each group's block bitmap; the group
 * descriptor and the superblock keep free counts that must agree with the bitmaps (e2fsck
 * checks). A bitmap is never trusted to protect the filesystem's own metadata: a "free" bit
 * over a superblock copy, descriptor, bitmap or inode table block is skipped and reported.
 */
#include "ext2.h"

/* The first block of group g. */
static u32 group_first_block(struct super_block *sb, u32 group)
{
	return EXT2_SB(sb)->s_es->s_first_data_block + group * EXT2_SB(sb)->s_blocks_per_group;
}

/* Blocks of the superblock copy, descriptor table and reserved GDT blocks at a group's start. */
static u32 group_super_blocks(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 reserved = sbi->s_es->s_rev_level ? sbi->s_es->s_reserved_gdt_blocks : 0;

	if (!ext2_group_has_super(sb, group))
		return 0;
	return 1 + sbi->s_gdb_count + reserved;
}

bool ext2_is_group_metadata(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group = (block - sbi->s_es->s_first_data_block) / sbi->s_blocks_per_group;
	u32 first = group_first_block(sb, group);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);

	if (block < first + group_super_blocks(sb, group))
		return true;
	if (block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap)
		return true;
	return block >= gd->bg_inode_table && block < gd->bg_inode_table + sbi->s_itb_per_group;
}

/* Valid bits in group's bitmap: the last group may be short. */
static u32 group_nbits(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 left = sbi->s_es->s_blocks_count - group_first_block(sb, group);

	return left < sbi->s_blocks_per_group ? left : sbi->s_blocks_per_group;
}

static struct buffer_head *read_block_bitmap(struct super_block *sb, u32 group)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	struct buffer_head *bh = sb_bread(sb, gd->bg_block_bitmap);

	if (IS_ERR(bh))
		ext2_error(sb, "group %u block bitmap %u: read error %ld", group,
			   gd->bg_block_bitmap, PTR_ERR(bh));
	return bh;
}

static bool test_bit_le(const u8 *map, u32 bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

/* A free bit from start on (wrapping) that is not metadata; nbits when none. */
static u32 find_free_bit(struct super_block *sb, u32 group, const u8 *map, u32 start)
{
	u32 n = group_nbits(sb, group), first = group_first_block(sb, group);

	for (u32 i = 0; i < n; i++) {
		u32 bit = (start + i) % n;

		if (test_bit_le(map, bit))
			continue;
		if (!ext2_is_group_metadata(sb, first + bit))
			return bit;
		ext2_error(sb, "group %u block bitmap: metadata block %u marked free", group,
			   first + bit);
	}
	return n;
}

/* Takes one block in group: 0 and *block, -ENOSPC when the group has none. Lock held. */
static int alloc_in_group(struct super_block *sb, u32 group, u32 start, u32 *block)
{
	struct buffer_head *gdbh, *bh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gdbh);
	u32 bit;

	if (!gd->bg_free_blocks_count)
		return -ENOSPC;
	bh = read_block_bitmap(sb, group);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	bit = find_free_bit(sb, group, (u8 *)bh->b_data, start);
	if (bit == group_nbits(sb, group)) {
		brelse(bh);
		return -ENOSPC;
	}
	bh->b_data[bit / 8] |= (char)(1u << (bit % 8));
	mark_buffer_dirty(bh);
	brelse(bh);
	gd->bg_free_blocks_count--;
	mark_buffer_dirty(gdbh);
	if (EXT2_SB(sb)->s_es->s_free_blocks_count)
		EXT2_SB(sb)->s_es->s_free_blocks_count--;
	ext2_sb_dirty(sb);
	*block = group_first_block(sb, group) + bit;
	return 0;
}

int ext2_new_block(struct inode *inode, u32 goal, u32 *block)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g0 = EXT2_I(inode)->i_block_group, start = 0;
	int err = -ENOSPC;

	if (ext2_block_valid(sb, goal)) {
		g0 = (goal - sbi->s_es->s_first_data_block) / sbi->s_blocks_per_group;
		start = goal - group_first_block(sb, g0);
	}
	if (g0 >= sbi->s_groups_count)
		g0 = 0;
	mutex_lock(&sbi->s_alloc_lock);
	for (u32 i = 0; i < sbi->s_groups_count && err == -ENOSPC; i++) {
		u32 g = (g0 + i) % sbi->s_groups_count;

		err = alloc_in_group(sb, g, i ? 0 : start, block);
	}
	mutex_unlock(&sbi->s_alloc_lock);
	if (!err)
		inode->i_blocks += sb->s_blocksize >> 9;
	return err;
}

void ext2_free_block(struct inode *inode, u32 block)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group, bit;
	struct buffer_head *gdbh, *bh;
	struct ext2_group_desc *gd;

	if (!ext2_block_valid(sb, block) || ext2_is_group_metadata(sb, block)) {
		ext2_error(sb, "inode %lu: freeing bad or metadata block %u", inode->i_ino, block);
		return;
	}
	group = (block - sbi->s_es->s_first_data_block) / sbi->s_blocks_per_group;
	bit = block - group_first_block(sb, group);
	gd = ext2_get_group_desc(sb, group, &gdbh);
	mutex_lock(&sbi->s_alloc_lock);
	bh = read_block_bitmap(sb, group);
	if (IS_ERR(bh))
		goto unlock;
	if (!test_bit_le((u8 *)bh->b_data, bit)) {
		ext2_error(sb, "group %u block bitmap: freeing free block %u", group, block);
		goto put_bitmap;
	}
	bh->b_data[bit / 8] &= (char)~(1u << (bit % 8));
	mark_buffer_dirty(bh);
	gd->bg_free_blocks_count++;
	mark_buffer_dirty(gdbh);
	sbi->s_es->s_free_blocks_count++;
	ext2_sb_dirty(sb);
	if (inode->i_blocks >= (sb->s_blocksize >> 9))
		inode->i_blocks -= sb->s_blocksize >> 9;
put_bitmap:
	brelse(bh);
unlock:
	mutex_unlock(&sbi->s_alloc_lock);
}
