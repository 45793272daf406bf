/*
 * ext2.ko: inodes. Reading one from its group's inode table (checked: a reachable inode with
 * no links or an absurd size is damage, reported once and refused), writing it back, and
 * freeing an unlinked inode's blocks and number when its last reference goes.
 */
#include "ext2.h"

bool ext2_valid_ino(struct super_block *sb, u64 ino)
{
	return ino == EXT2_ROOT_INO ||
	       (ino >= EXT2_SB(sb)->s_first_ino && ino <= EXT2_SB(sb)->s_es->s_inodes_count);
}

/* The inode table block holding ino, and where in it the inode lies. */
static struct buffer_head *inode_block(struct super_block *sb, unsigned long ino,
				       struct ext2_inode **raw)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	u32 index = (u32)((ino - 1) % sbi->s_inodes_per_group);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	u32 block = gd->bg_inode_table + index / sbi->s_inodes_per_block;
	struct buffer_head *bh = sb_bread(sb, block);

	if (IS_ERR(bh)) {
		ext2_error(sb, "inode %lu: inode table block %u: read error %ld", ino, block,
			   PTR_ERR(bh));
		return bh;
	}
	*raw = (struct ext2_inode *)(bh->b_data +
				     (index % sbi->s_inodes_per_block) * sbi->s_inode_size);
	return bh;
}

void ext2_set_inode_ops(struct inode *inode)
{
	if (S_ISREG(inode->i_mode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode_init_mapping(inode, &ext2_aops);
	} else if (S_ISDIR(inode->i_mode)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(inode->i_mode)) {
		inode->i_op = &ext2_symlink_inode_operations;
	} else {
		inode->i_op = &ext2_special_inode_operations; /* devices, fifos: no data here */
	}
}

static void raw_to_inode(struct inode *inode, const struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	inode->i_mode = raw->i_mode;
	inode->i_uid = raw->i_uid | ((u32)raw->l_i_uid_high << 16);
	inode->i_gid = raw->i_gid | ((u32)raw->l_i_gid_high << 16);
	set_nlink(inode, raw->i_links_count);
	/* built unsigned: a damaged i_size_high may set bit 63 (check_inode refuses it) */
	inode->i_size = (loff_t)(raw->i_size |
				 (S_ISREG(inode->i_mode) ? (u64)raw->i_size_high << 32 : 0));
	inode->i_blocks = raw->i_blocks;
	inode->i_atime = (struct timespec64){ .tv_sec = raw->i_atime };
	inode->i_mtime = (struct timespec64){ .tv_sec = raw->i_mtime };
	inode->i_ctime = (struct timespec64){ .tv_sec = raw->i_ctime };
	memcpy(ei->i_data, raw->i_block, sizeof(ei->i_data));
	ei->i_flags = raw->i_flags;
	ei->i_dtime = raw->i_dtime;
	ei->i_file_acl = raw->i_file_acl;
	ei->i_block_group = (u32)((inode->i_ino - 1) / EXT2_SB(inode->i_sb)->s_inodes_per_group);
}

/* What makes an inode unusable: said in one line; -EUCLEAN. */
static int check_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	umode_t type = inode->i_mode & S_IFMT;

	if (!inode->i_nlink) {
		ext2_error(sb, "inode %lu: link count 0 on a reachable inode", inode->i_ino);
		return -EUCLEAN;
	}
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK && type != S_IFCHR &&
	    type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK) {
		ext2_error(sb, "inode %lu: bad mode 0%o", inode->i_ino, inode->i_mode);
		return -EUCLEAN;
	}
	/* a directory has no holes: its blocks (and indirect blocks) cover its size */
	if (inode->i_size < 0 || inode->i_size > sb->s_maxbytes ||
	    (S_ISDIR(inode->i_mode) && (inode->i_size % sb->s_blocksize ||
					(u64)inode->i_size > inode->i_blocks * 512))) {
		ext2_error(sb, "inode %lu: bad size %lld", inode->i_ino,
			   (long long)inode->i_size);
		return -EUCLEAN;
	}
	return 0;
}

static int read_inode(struct inode *inode)
{
	struct ext2_inode *raw;
	struct buffer_head *bh = inode_block(inode->i_sb, inode->i_ino, &raw);
	int err;

	if (IS_ERR(bh))
		return PTR_ERR(bh);
	raw_to_inode(inode, raw);
	brelse(bh);
	err = check_inode(inode);
	if (err)
		return err;
	ext2_set_inode_ops(inode);
	if (S_ISLNK(inode->i_mode))
		return ext2_read_symlink(inode);
	return 0;
}

struct inode *ext2_iget(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;
	int err;

	if (!ext2_valid_ino(sb, ino)) {
		ext2_error(sb, "inode number %lu out of range", ino);
		return ERR_PTR(-EUCLEAN);
	}
	inode = iget_locked(sb, ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;
	err = read_inode(inode);
	if (err) {
		iget_failed(inode);
		return ERR_PTR(err);
	}
	unlock_new_inode(inode);
	return inode;
}

static void inode_to_raw(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	raw->i_mode = (u16)inode->i_mode;
	raw->i_uid = (u16)inode->i_uid;
	raw->l_i_uid_high = (u16)(inode->i_uid >> 16);
	raw->i_gid = (u16)inode->i_gid;
	raw->l_i_gid_high = (u16)(inode->i_gid >> 16);
	raw->i_links_count = (u16)inode->i_nlink;
	raw->i_size = (u32)inode->i_size;
	if (S_ISREG(inode->i_mode))
		raw->i_size_high = (u32)((u64)inode->i_size >> 32);
	raw->i_blocks = (u32)inode->i_blocks;
	raw->i_atime = (u32)inode->i_atime.tv_sec;
	raw->i_mtime = (u32)inode->i_mtime.tv_sec;
	raw->i_ctime = (u32)inode->i_ctime.tv_sec;
	raw->i_dtime = ei->i_dtime;
	raw->i_flags = ei->i_flags;
	raw->i_file_acl = ei->i_file_acl;
	memcpy(raw->i_block, ei->i_data, sizeof(ei->i_data));
}

/* Files over 2 GiB need LARGE_FILE in the superblock (set once, as Linux does). */
static void note_large_file(struct inode *inode)
{
	struct ext2_super_block *es = EXT2_SB(inode->i_sb)->s_es;

	if (inode->i_size <= 0x7fffffffLL ||
	    (es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE) || !es->s_rev_level)
		return;
	es->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	ext2_sb_dirty(inode->i_sb);
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_inode *raw;
	struct buffer_head *bh = inode_block(inode->i_sb, inode->i_ino, &raw);

	if (IS_ERR(bh))
		return PTR_ERR(bh);
	if (ei->i_new)
		memset(raw, 0, EXT2_SB(inode->i_sb)->s_inode_size);
	ei->i_new = false;
	mutex_lock(&ei->i_map_lock);
	inode_to_raw(inode, raw);
	mutex_unlock(&ei->i_map_lock);
	note_large_file(inode);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

#define EXT2_XATTR_MAGIC 0xEA020000

/* An unlinked inode's extended attribute block (mke2fs -d copies the host's): the block is
 * shared by h_refcount inodes, and freed with the last. */
static void release_xattr_block(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	u32 block = EXT2_I(inode)->i_file_acl;
	struct buffer_head *bh;
	u32 *header;

	if (!block || !ext2_block_valid(sb, block))
		return;
	bh = sb_bread(sb, block);
	if (IS_ERR(bh))
		return;
	header = (u32 *)bh->b_data; /* h_magic, h_refcount */
	if (header[0] != EXT2_XATTR_MAGIC || !header[1]) {
		ext2_error(sb, "inode %lu: bad xattr block %u", inode->i_ino, block);
		brelse(bh);
		return;
	}
	if (--header[1]) {
		mark_buffer_dirty(bh);
		brelse(bh);
	} else {
		bforget(bh);
		ext2_free_block(inode, block);
	}
	EXT2_I(inode)->i_file_acl = 0;
}

/* The last reference to an unlinked inode: its blocks, then its number (dtime says when). */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (inode->i_nlink || (inode->i_sb->s_flags & SB_RDONLY))
		return;
	ei->i_dtime = (u32)current_time(inode).tv_sec;
	inode->i_size = 0;
	release_xattr_block(inode);
	if (!S_ISLNK(inode->i_mode) || inode->i_blocks)
		ext2_truncate_blocks(inode, 0);
	ext2_write_inode(inode);
	ext2_free_inode(inode);
}

int ext2_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int err;

	if (attr->ia_valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		if (attr->ia_size > inode->i_sb->s_maxbytes)
			return -EFBIG;
		truncate_setsize(inode, attr->ia_size);
		err = ext2_truncate_blocks(inode, attr->ia_size);
		if (err)
			return err;
	}
	setattr_copy(inode, attr);
	mark_inode_dirty(inode);
	return 0;
}
