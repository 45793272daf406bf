/*
 * ext2.ko: a file's block map. i_block holds 12 direct block numbers, then one indirect,
 * one double and one triple indirect block; 0 is a hole (reads as zeros). get_block walks
 * (and with create, grows) the chain; truncation frees data blocks and every indirect block
 * left empty. Pointers outside the filesystem are damage: -EIO with one line.
 */
#include "ext2.h"

/* Where block iblock of a file is: the path of indexes from i_block down; its depth. */
static int block_to_path(struct inode *inode, u64 iblock, u32 offsets[4])
{
	u64 apb = EXT2_SB(inode->i_sb)->s_addr_per_block;

	if (iblock < EXT2_NDIR_BLOCKS) {
		offsets[0] = (u32)iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < apb) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = (u32)iblock;
		return 2;
	}
	iblock -= apb;
	if (iblock < apb * apb) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = (u32)(iblock / apb);
		offsets[2] = (u32)(iblock % apb);
		return 3;
	}
	iblock -= apb * apb;
	if (iblock < apb * apb * apb) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = (u32)(iblock / (apb * apb));
		offsets[2] = (u32)(iblock / apb % apb);
		offsets[3] = (u32)(iblock % apb);
		return 4;
	}
	return -EFBIG;
}

loff_t ext2_max_size(unsigned int bits)
{
	u64 apb = 1ull << (bits - 2);
	u64 blocks = EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
	u64 limit = (1ull << 32) * 512 - (1ull << bits); /* i_blocks is 32 bits of sectors */
	u64 bytes = blocks << bits;

	return (loff_t)(bytes < limit ? bytes : limit);
}

/* A block a file may own: inside the filesystem, not a group's metadata (a damaged pointer
 * into an inode table must not be written through). */
static bool file_block_valid(struct super_block *sb, u32 block)
{
	return ext2_block_valid(sb, block) && !ext2_is_group_metadata(sb, block);
}

static int bad_pointer(struct inode *inode, u32 block, const char *where)
{
	ext2_error(inode->i_sb, "inode %lu: bad %s block pointer %u", inode->i_ino, where,
		   block);
	return -EIO;
}

/* A new indirect block: zeros through the buffer cache (it is metadata). */
static int new_indirect(struct inode *inode, u32 goal, u32 *block)
{
	struct buffer_head *bh;
	int err = ext2_new_block(inode, goal, block);

	if (err)
		return err;
	bh = sb_getblk(inode->i_sb, *block);
	if (IS_ERR(bh)) {
		ext2_free_block(inode, *block);
		return PTR_ERR(bh);
	}
	memset(bh->b_data, 0, bh->b_size);
	set_buffer_uptodate(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/*
 * A new data block inside i_size (a hole being filled) may be read before all of it is
 * written: zeros go straight to the device, like the file's data. Past i_size the page
 * cache never reads it, so nothing needs doing.
 */
static int zero_data_block(struct inode *inode, u32 block)
{
	struct super_block *sb = inode->i_sb;
	u32 per = (u32)(sb->s_blocksize / sb->s_bdev->sector_size);
	void *zeros = kzalloc(sb->s_blocksize, GFP_KERNEL);
	int err;

	if (!zeros)
		return -ENOMEM;
	err = blkdev_write(sb->s_bdev, (u64)block * per, per, zeros);
	kfree(zeros);
	return err;
}

static int new_data_block(struct inode *inode, u64 iblock, u32 goal, u32 *block)
{
	int err = ext2_new_block(inode, goal, block);

	if (err || (loff_t)(iblock << inode->i_sb->s_blocksize_bits) >= inode->i_size)
		return err;
	err = zero_data_block(inode, *block);
	if (err)
		ext2_free_block(inode, *block);
	return err;
}

/* Fills *slot (a hole) with a new block: data at the last level, an indirect one above. */
static int fill_slot(struct inode *inode, u32 *slot, bool data, u64 iblock, u32 goal)
{
	u32 block;
	int err = data ? new_data_block(inode, iblock, goal, &block) :
			 new_indirect(inode, goal, &block);

	if (!err) {
		*slot = block;
		mark_inode_dirty(inode);
	}
	return err;
}

/* Follows (or with create, builds) the chain below i_block[offsets[0]]; map lock held. */
static int walk_chain(struct inode *inode, u64 iblock, const u32 *offsets, int depth,
		      u32 *result, bool create)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u32 *slot = &ei->i_data[offsets[0]], goal = 0;
	struct buffer_head *bh = NULL;
	int err = 0;

	for (int level = 0;; level++) {
		bool last = level == depth - 1;

		if (!*slot && create) {
			err = fill_slot(inode, slot, last, iblock, goal);
			if (!err && bh)
				mark_buffer_dirty(bh);
		}
		if (err || !*slot || last)
			break;
		if (!file_block_valid(inode->i_sb, *slot)) {
			err = bad_pointer(inode, *slot, "indirect");
			break;
		}
		goal = *slot;
		brelse(bh);
		bh = sb_bread(inode->i_sb, goal);
		if (IS_ERR(bh)) {
			err = PTR_ERR(bh);
			bh = NULL;
			break;
		}
		slot = (u32 *)bh->b_data + offsets[level + 1];
	}
	*result = err ? 0 : *slot;
	brelse(bh);
	return err;
}

int ext2_get_block(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u32 offsets[4], block = 0;
	int depth = block_to_path(inode, iblock, offsets), err;

	*blocknr = 0;
	if (depth < 0)
		return create ? -EFBIG : 0;
	mutex_lock(&ei->i_map_lock);
	err = walk_chain(inode, iblock, offsets, depth, &block, create);
	mutex_unlock(&ei->i_map_lock);
	if (!err && block && !file_block_valid(inode->i_sb, block))
		return bad_pointer(inode, block, "data");
	*blocknr = block;
	return err;
}

/* ---- truncation ---- */

/* Blocks of the file one pointer at this depth covers (depth 0: a data block). */
static u64 span_of(struct inode *inode, int depth)
{
	u64 span = 1;

	while (depth-- > 0)
		span *= EXT2_SB(inode->i_sb)->s_addr_per_block;
	return span;
}

static void free_subtree(struct inode *inode, u32 *slot, int depth, u64 from);

/* Directory and symlink blocks live in the buffer cache: a dirty copy must not be written
 * over whatever the block holds next. */
static void forget_block(struct inode *inode, u32 block)
{
	struct buffer_head *bh = sb_getblk(inode->i_sb, block);

	if (!IS_ERR(bh))
		bforget(bh);
}

/* Frees the children of indirect block bh from file block `from` (relative) on. */
static void free_children(struct inode *inode, struct buffer_head *bh, int depth, u64 from)
{
	u64 span = span_of(inode, depth - 1);
	u32 *ptrs = (u32 *)bh->b_data;

	for (u32 i = (u32)(from / span); i < EXT2_SB(inode->i_sb)->s_addr_per_block; i++) {
		u64 child_from = i == from / span ? from % span : 0;

		if (ptrs[i])
			free_subtree(inode, &ptrs[i], depth - 1, child_from);
	}
	mark_buffer_dirty(bh);
}

/* Frees what *slot maps from relative block `from` on; the block itself when from is 0. */
static void free_subtree(struct inode *inode, u32 *slot, int depth, u64 from)
{
	struct buffer_head *bh;

	if (!file_block_valid(inode->i_sb, *slot)) {
		bad_pointer(inode, *slot, depth ? "indirect" : "data");
		*slot = 0;
		return;
	}
	if (depth) {
		bh = sb_bread(inode->i_sb, *slot);
		if (IS_ERR(bh))
			return;
		free_children(inode, bh, depth, from);
		if (from) {
			brelse(bh);
			return;
		}
		bforget(bh);
	}
	if (!from) {
		if (!depth && !S_ISREG(inode->i_mode))
			forget_block(inode, *slot);
		ext2_free_block(inode, *slot);
		*slot = 0;
	}
}

/* Frees every block from file block `first` on. */
static void free_from(struct inode *inode, u64 first)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u64 start = 0;

	for (int i = 0; i < EXT2_N_BLOCKS; i++) {
		int depth = i < EXT2_NDIR_BLOCKS ? 0 : i - EXT2_NDIR_BLOCKS + 1;
		u64 span = span_of(inode, depth);

		if (ei->i_data[i] && first < start + span)
			free_subtree(inode, &ei->i_data[i], depth, first > start ? first - start : 0);
		start += span;
	}
}

int ext2_truncate_blocks(struct inode *inode, loff_t size)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	unsigned int bits = inode->i_sb->s_blocksize_bits;

	mutex_lock(&ei->i_map_lock);
	free_from(inode, ((u64)size + (1u << bits) - 1) >> bits);
	mutex_unlock(&ei->i_map_lock);
	inode->i_mtime = inode->i_ctime = current_time(inode);
	mark_inode_dirty(inode);
	return 0;
}
