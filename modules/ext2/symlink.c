/*
 * ext2.ko: symbolic links. A target shorter than i_block's 60 bytes is kept in i_block itself
 * (a fast symlink, no data block); a longer one fills the link's first data block. The
 * target is read once, when the inode is, and stays in i_link.
 */
#include "ext2.h"

/* No data block (an extended attribute block does not count): the target is in i_block. */
static bool is_fast_symlink(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u64 acl = ei->i_file_acl ? inode->i_sb->s_blocksize >> 9 : 0;

	return inode->i_blocks == acl;
}

static int read_slow_target(struct inode *inode, char *target)
{
	struct buffer_head *bh;
	u64 blocknr;
	int err = ext2_get_block(inode, 0, &blocknr, false);

	if (err)
		return err;
	if (!blocknr) {
		ext2_error(inode->i_sb, "symlink inode %lu: no target block", inode->i_ino);
		return -EIO;
	}
	bh = sb_bread(inode->i_sb, blocknr);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy(target, bh->b_data, (size_t)inode->i_size);
	brelse(bh);
	return 0;
}

int ext2_read_symlink(struct inode *inode)
{
	size_t len = (size_t)inode->i_size;
	bool fast = is_fast_symlink(inode);
	char *target;
	int err = 0;

	if (!len || len >= inode->i_sb->s_blocksize ||
	    (fast && len >= sizeof(EXT2_I(inode)->i_data))) {
		ext2_error(inode->i_sb, "symlink inode %lu: bad length %zu", inode->i_ino, len);
		return -EUCLEAN;
	}
	target = kmalloc(len + 1, GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	if (fast)
		memcpy(target, EXT2_I(inode)->i_data, len);
	else
		err = read_slow_target(inode, target);
	if (err) {
		kfree(target);
		return err;
	}
	target[len] = 0;
	inode->i_link = target;
	return 0;
}

static int write_slow_target(struct inode *inode, const char *target, size_t len)
{
	struct buffer_head *bh;
	u64 blocknr;
	int err = ext2_get_block(inode, 0, &blocknr, true);

	if (err)
		return err;
	bh = sb_getblk(inode->i_sb, blocknr);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memset(bh->b_data, 0, bh->b_size);
	memcpy(bh->b_data, target, len);
	set_buffer_uptodate(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

int ext2_write_symlink(struct inode *inode, const char *target, size_t len)
{
	char *copy = kmalloc(len + 1, GFP_KERNEL);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, len + 1);
	if (len < sizeof(EXT2_I(inode)->i_data))
		memcpy(EXT2_I(inode)->i_data, target, len);
	else
		err = write_slow_target(inode, target, len);
	if (err) {
		kfree(copy);
		return err;
	}
	inode->i_size = (loff_t)len;
	inode->i_link = copy;
	mark_inode_dirty(inode);
	return 0;
}

const struct inode_operations ext2_symlink_inode_operations = {
	.setattr = ext2_setattr,
};
