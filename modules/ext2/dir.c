/*
 * ext2.ko: directory blocks. A directory is a file of blocks, each a chain of records
 * (inode, rec_len, name_len, file_type, name) whose rec_len add up to the block size exactly;
 * a record with inode 0 is free space. Directory blocks are metadata: they go through the
 * device's buffer cache. Every block is checked before use, so a damaged one gives -EUCLEAN
 * and one line, and the other blocks stay usable.
 */
#include "ext2.h"

static const u8 ft_to_dt[8] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO,
				DT_SOCK, DT_LNK };

static u8 ext2_type_by_mode(struct super_block *sb, umode_t mode)
{
	static const u8 by_dt[16] = { [DT_REG] = 1, [DT_DIR] = 2, [DT_CHR] = 3, [DT_BLK] = 4,
				      [DT_FIFO] = 5, [DT_SOCK] = 6, [DT_LNK] = 7 };

	return ext2_has_filetype(sb) ? by_dt[fs_umode_to_dtype(mode) & 15] : 0;
}

static u32 dir_blocks(struct inode *dir)
{
	return (u32)(dir->i_size >> dir->i_sb->s_blocksize_bits);
}

static struct ext2_dir_entry_2 *next_de(struct ext2_dir_entry_2 *de)
{
	return (struct ext2_dir_entry_2 *)((char *)de + de->rec_len);
}

/* The reason a record at offset is bad, NULL when it is fine. */
static const char *bad_record(struct inode *dir, struct ext2_dir_entry_2 *de, u32 offset)
{
	u32 bs = (u32)dir->i_sb->s_blocksize;

	if (de->rec_len < EXT2_DIR_REC_LEN(1))
		return "bad rec_len";
	if (de->rec_len % 4)
		return "unaligned rec_len";
	if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
		return "short rec_len";
	if (offset + de->rec_len > bs)
		return "rec_len past the end";
	return NULL; /* a bad inode number only spoils its own entry: lookup says so */
}

static int check_dir_block(struct inode *dir, u32 n, struct buffer_head *bh)
{
	u32 bs = (u32)dir->i_sb->s_blocksize;

	for (u32 off = 0; off < bs;) {
		struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)(bh->b_data + off);
		const char *why;

		if (bs - off < EXT2_DIR_REC_LEN(1)) {
			ext2_error(dir->i_sb, "directory inode %lu block %u: record past the end",
				   dir->i_ino, n);
			return -EUCLEAN;
		}
		why = bad_record(dir, de, off);
		if (why) {
			ext2_error(dir->i_sb, "directory inode %lu block %u: %s %u", dir->i_ino,
				   n, why, de->rec_len);
			return -EUCLEAN;
		}
		off += de->rec_len;
	}
	return 0;
}

/* Block n of dir, read and checked. */
static struct buffer_head *dir_block(struct inode *dir, u32 n)
{
	struct buffer_head *bh;
	u64 blocknr;
	int err = ext2_get_block(dir, n, &blocknr, false);

	if (err)
		return ERR_PTR(err);
	if (!blocknr) {
		ext2_error(dir->i_sb, "directory inode %lu block %u: hole", dir->i_ino, n);
		return ERR_PTR(-EIO);
	}
	bh = sb_bread(dir->i_sb, blocknr);
	if (IS_ERR(bh))
		return bh;
	err = check_dir_block(dir, n, bh);
	if (err) {
		brelse(bh);
		return ERR_PTR(err);
	}
	return bh;
}

/* Emits block n's entries at or after offset; false when the caller's buffer is full. */
static bool emit_block(struct inode *dir, struct dir_context *ctx, struct buffer_head *bh,
		       u32 n, u32 offset)
{
	u32 bs = (u32)dir->i_sb->s_blocksize;
	loff_t base = (loff_t)n * bs;

	for (u32 off = 0; off < bs;) {
		struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)(bh->b_data + off);
		unsigned int type = ext2_has_filetype(dir->i_sb) ? ft_to_dt[de->file_type & 7] :
								   DT_UNKNOWN;

		if (off >= offset && de->inode) {
			ctx->pos = base + off;
			if (!dir_emit(ctx, de->name, de->name_len, de->inode, type))
				return false;
		}
		off += de->rec_len;
		ctx->pos = base + off;
	}
	return true;
}

static int ext2_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	unsigned int bits = dir->i_sb->s_blocksize_bits;

	while (ctx->pos < dir->i_size) {
		u32 n = (u32)(ctx->pos >> bits);
		struct buffer_head *bh = dir_block(dir, n);
		bool more;

		if (IS_ERR(bh))
			return PTR_ERR(bh);
		more = emit_block(dir, ctx, bh, n, (u32)(ctx->pos & ((1u << bits) - 1)));
		brelse(bh);
		if (!more)
			return 0;
	}
	return 0;
}

const struct file_operations ext2_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate_shared = ext2_readdir,
	.fsync = noop_fsync,
};

static bool name_matches(const struct ext2_dir_entry_2 *de, const struct qstr *name)
{
	return de->inode && de->name_len == name->len && !memcmp(de->name, name->name, name->len);
}

static struct ext2_dir_entry_2 *search_block(struct inode *dir, struct buffer_head *bh,
					     const struct qstr *name)
{
	u32 bs = (u32)dir->i_sb->s_blocksize;

	for (u32 off = 0; off < bs;) {
		struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)(bh->b_data + off);

		if (name_matches(de, name))
			return de;
		off += de->rec_len;
	}
	return NULL;
}

/*
 * 0 with the entry's block held, -ENOENT, or -EIO when a damaged block might hold it. A
 * block with bad records is skipped (the others stay usable); a hole or a read error ends
 * the search, as the block map itself is then in doubt.
 */
int ext2_find_entry(struct inode *dir, const struct qstr *name, struct buffer_head **bhp,
		    struct ext2_dir_entry_2 **dep)
{
	int err = -ENOENT;

	for (u32 n = 0; n < dir_blocks(dir); n++) {
		struct buffer_head *bh = dir_block(dir, n);

		if (IS_ERR(bh)) {
			err = PTR_ERR(bh);
			if (err == -EUCLEAN)
				continue;
			return err;
		}
		*dep = search_block(dir, bh, name);
		if (*dep) {
			*bhp = bh;
			return 0;
		}
		brelse(bh);
	}
	return err;
}

/* The directory's contents changed: times, and an htree index would now be stale. */
static void dir_changed(struct inode *dir)
{
	dir->i_mtime = dir->i_ctime = current_time(dir);
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	mark_inode_dirty(dir);
}

static void fill_entry(struct inode *dir, struct ext2_dir_entry_2 *de,
		       const struct qstr *name, struct inode *inode)
{
	de->inode = (u32)inode->i_ino;
	de->name_len = (u8)name->len;
	de->file_type = ext2_type_by_mode(dir->i_sb, inode->i_mode);
	memcpy(de->name, name->name, name->len);
}

/* A record in bh with room for a name of len bytes, split off a larger one; NULL if none. */
static struct ext2_dir_entry_2 *room_in_block(struct inode *dir, struct buffer_head *bh,
					      u32 len)
{
	u32 bs = (u32)dir->i_sb->s_blocksize, need = EXT2_DIR_REC_LEN(len);

	for (u32 off = 0; off < bs;) {
		struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)(bh->b_data + off);
		u32 used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;

		if (de->rec_len >= used + need) {
			struct ext2_dir_entry_2 *free = (void *)((char *)de + used);

			if (used) {
				free->rec_len = (u16)(de->rec_len - used);
				de->rec_len = (u16)used;
			}
			return free;
		}
		off += de->rec_len;
	}
	return NULL;
}

/* Grows dir by one empty block (a single free record); it is returned held. */
static struct buffer_head *grow_dir(struct inode *dir)
{
	struct buffer_head *bh;
	struct ext2_dir_entry_2 *de;
	u64 blocknr;
	int err = ext2_get_block(dir, dir_blocks(dir), &blocknr, true);

	if (!err) {
		bh = sb_getblk(dir->i_sb, blocknr);
		err = IS_ERR(bh) ? PTR_ERR(bh) : 0;
	}
	if (err) { /* an indirect block may have come before the failure */
		ext2_truncate_blocks(dir, dir->i_size);
		return ERR_PTR(err);
	}
	memset(bh->b_data, 0, bh->b_size);
	de = (struct ext2_dir_entry_2 *)bh->b_data;
	de->rec_len = (u16)bh->b_size;
	set_buffer_uptodate(bh);
	dir->i_size += (loff_t)bh->b_size;
	mark_inode_dirty(dir);
	return bh;
}

int ext2_add_link(struct inode *dir, const struct qstr *name, struct inode *inode)
{
	struct ext2_dir_entry_2 *de = NULL;
	struct buffer_head *bh = NULL;

	if (name->len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (u32 n = 0; n < dir_blocks(dir) && !de; n++) {
		bh = dir_block(dir, n);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		de = room_in_block(dir, bh, name->len);
		if (!de)
			brelse(bh);
	}
	if (!de) {
		bh = grow_dir(dir);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		de = (struct ext2_dir_entry_2 *)bh->b_data;
	}
	fill_entry(dir, de, name, inode);
	mark_buffer_dirty(bh);
	brelse(bh);
	dir_changed(dir);
	return 0;
}

/* Removes de from bh's block: merged into the record before it, or freed when first. */
int ext2_delete_entry(struct inode *dir, struct buffer_head *bh,
		      struct ext2_dir_entry_2 *de)
{
	struct ext2_dir_entry_2 *p = (struct ext2_dir_entry_2 *)bh->b_data, *prev = NULL;

	while (p < de) {
		prev = p;
		p = next_de(p);
	}
	if (p != de) {
		ext2_error(dir->i_sb, "directory inode %lu: entry lost", dir->i_ino);
		return -EIO;
	}
	if (prev)
		prev->rec_len = (u16)(prev->rec_len + de->rec_len);
	else
		de->inode = 0;
	mark_buffer_dirty(bh);
	dir_changed(dir);
	return 0;
}

void ext2_set_link(struct inode *dir, struct buffer_head *bh, struct ext2_dir_entry_2 *de,
		   struct inode *inode)
{
	de->inode = (u32)inode->i_ino;
	de->file_type = ext2_type_by_mode(dir->i_sb, inode->i_mode);
	mark_buffer_dirty(bh);
	dir_changed(dir);
}

static void set_dot(struct super_block *sb, struct ext2_dir_entry_2 *de, u32 ino, u32 rec_len,
		    int dots)
{
	de->inode = ino;
	de->rec_len = (u16)rec_len;
	de->name_len = (u8)dots;
	de->file_type = ext2_has_filetype(sb) ? EXT2_FT_DIR : 0;
	memcpy(de->name, "..", (size_t)dots);
}

int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh = grow_dir(inode);
	struct ext2_dir_entry_2 *de;

	if (IS_ERR(bh))
		return PTR_ERR(bh);
	de = (struct ext2_dir_entry_2 *)bh->b_data;
	set_dot(sb, de, (u32)inode->i_ino, EXT2_DIR_REC_LEN(1), 1);
	set_dot(sb, next_de(de), (u32)parent->i_ino, (u32)bh->b_size - EXT2_DIR_REC_LEN(1), 2);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static bool is_dot_or_dotdot(const struct ext2_dir_entry_2 *de)
{
	return de->name[0] == '.' &&
	       (de->name_len == 1 || (de->name_len == 2 && de->name[1] == '.'));
}

/* 1 when only "." and ".." are left, 0 when not, -errno when it cannot tell. */
int ext2_empty_dir(struct inode *inode)
{
	u32 bs = (u32)inode->i_sb->s_blocksize;

	for (u32 n = 0; n < dir_blocks(inode); n++) {
		struct buffer_head *bh = dir_block(inode, n);
		u32 off = 0;

		if (IS_ERR(bh))
			return PTR_ERR(bh);
		while (off < bs) {
			struct ext2_dir_entry_2 *de = (void *)(bh->b_data + off);

			if (de->inode && !is_dot_or_dotdot(de))
				break;
			off += de->rec_len;
		}
		brelse(bh);
		if (off < bs)
			return 0;
	}
	return 1;
}

int ext2_dotdot(struct inode *dir, struct buffer_head **bhp, struct ext2_dir_entry_2 **dep)
{
	struct buffer_head *bh = dir_block(dir, 0);
	struct ext2_dir_entry_2 *de;

	if (IS_ERR(bh))
		return PTR_ERR(bh);
	de = (struct ext2_dir_entry_2 *)bh->b_data;
	if (de->rec_len < dir->i_sb->s_blocksize)
		de = next_de(de);
	if (de->name_len != 2 || memcmp(de->name, "..", 2)) {
		ext2_error(dir->i_sb, "directory inode %lu: no \"..\"", dir->i_ino);
		brelse(bh);
		return -EIO;
	}
	*bhp = bh;
	*dep = de;
	return 0;
}
