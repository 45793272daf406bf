/*
 * iso9660 inodes: an inode is read from the directory record that describes it, found by its
 * number (the record's byte position on the volume, as in Linux, so numbers are stable across
 * mounts), with Rock Ridge's mode, owner, times and link target over the plain ISO values.
 * File data goes through the page cache: a file is one contiguous extent, so get_block is an
 * addition. After Linux's fs/isofs/inode.c (isofs_iget, isofs_get_block).
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "isofs.h"

/* Without Rock Ridge everything is readable and searchable by all, as Linux's default. */
#define ISOFS_DEFAULT_MODE 0555

int isofs_check_record(struct super_block *sb, u64 block, u32 off, const u8 *d)
{
	u32 len = d[ISO_DR_LEN];
	u64 pos = (block << ISOFS_BLOCK_BITS) + off;

	if (len < ISO_DR_MIN) {
		isofs_bad(sb, pos, "directory at block %llu: record length %u too short",
			  (unsigned long long)block, len);
		return -EUCLEAN;
	}
	if (off + len > ISOFS_BLOCK_SIZE) {
		isofs_bad(sb, pos, "directory at block %llu: record at %u crosses the sector "
			  "end", (unsigned long long)block, off);
		return -EUCLEAN;
	}
	if ((u32)ISO_DR_NAME + d[ISO_DR_NAME_LEN] > len) {
		isofs_bad(sb, pos, "directory at block %llu: name length %u past the record "
			  "(%u)",
			  (unsigned long long)block, d[ISO_DR_NAME_LEN], len);
		return -EUCLEAN;
	}
	return 0;
}

bool isofs_extent_ok(struct super_block *sb, u32 first, u64 size)
{
	u64 blocks = (size + ISOFS_BLOCK_SIZE - 1) >> ISOFS_BLOCK_BITS;

	return (u64)first + blocks <= ISOFS_SB(sb)->s_nzones;
}

/* Days from 1970-01-01 to a Gregorian date (month 1..12): the usual era arithmetic. */
static s64 days_from_civil(s64 y, unsigned int m, unsigned int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ECMA-119 9.1.5: years since 1900, month, day, h, m, s, offset from GMT in 15 minutes. */
struct timespec64 iso_date_to_time(const u8 *date)
{
	struct timespec64 t = { 0, 0 };
	unsigned int month = date[1], day = date[2];
	s64 days;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return t;
	days = days_from_civil(1900 + date[0], month, day);
	t.tv_sec = days * 86400 + date[3] * 3600 + date[4] * 60 + date[5];
	t.tv_sec -= (s64)(s8)date[6] * 15 * 60;
	return t;
}

static int isofs_get_block(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	u64 blocks = ((u64)inode->i_size + ISOFS_BLOCK_SIZE - 1) >> ISOFS_BLOCK_BITS;

	if (create)
		return -EROFS;
	*blocknr = iblock < blocks ? ISOFS_I(inode)->i_first_extent + iblock : 0;
	return 0;
}

static int isofs_readpage(struct address_space *mapping, struct cache_page *page)
{
	return block_read_full_page(mapping, page, isofs_get_block);
}

/* A file is one extent: readahead turns sequential reads into large device requests. */
static int isofs_readahead(struct address_space *mapping, struct cache_page **pages,
			   unsigned int nr)
{
	return block_readahead(mapping, pages, nr, isofs_get_block);
}

static const struct address_space_operations isofs_aops = {
	.readpage = isofs_readpage,
	.readahead = isofs_readahead,
};

const struct file_operations isofs_file_operations = {
	.owner = THIS_MODULE,
	.llseek = generic_file_llseek,
	.read = generic_file_read,
};

/* Refuses what the module does not map: several extents, interleaving, runaway extents. */
static int isofs_check_extent(struct inode *inode, const u8 *d, u32 first, u32 size)
{
	struct super_block *sb = inode->i_sb;

	if (d[ISO_DR_FLAGS] & ISO_FLAG_MULTI) {
		isofs_bad(sb, inode->i_ino, "record at byte %lu: multi-extent file not "
			  "supported", inode->i_ino);
		return -EOPNOTSUPP;
	}
	if (d[ISO_DR_UNIT_SIZE] || d[ISO_DR_GAP]) {
		isofs_bad(sb, inode->i_ino, "record at byte %lu: interleaved file not supported",
			  inode->i_ino);
		return -EOPNOTSUPP;
	}
	if (!isofs_extent_ok(sb, first, size)) {
		isofs_bad(sb, inode->i_ino, "record at byte %lu: extent at block %u past the "
			  "volume end", inode->i_ino, first);
		return -EUCLEAN;
	}
	return 0;
}

/* The plain ISO 9660 view of a record: type from the flags, size, one date for all. */
static void isofs_fill_plain(struct inode *inode, const u8 *d)
{
	bool dir = d[ISO_DR_FLAGS] & ISO_FLAG_DIR;

	inode->i_mode = (dir ? S_IFDIR : S_IFREG) | ISOFS_DEFAULT_MODE;
	set_nlink(inode, dir ? 2 : 1);
	inode->i_uid = inode->i_gid = 0;
	inode->i_size = iso_le32(d + ISO_DR_SIZE);
	inode->i_mtime = iso_date_to_time(d + ISO_DR_DATE);
	inode->i_atime = inode->i_ctime = inode->i_mtime;
	inode->i_blocks = (u64)((inode->i_size + ISOFS_BLOCK_SIZE - 1) >> ISOFS_BLOCK_BITS) << 2;
}

/* Rock Ridge over the plain view; a mode that contradicts the record's type is damage. */
static int isofs_fill_rock(struct inode *inode, const u8 *d, struct rock_info *ri)
{
	bool dir = d[ISO_DR_FLAGS] & ISO_FLAG_DIR;

	if (ri->has_px && !!S_ISDIR(ri->mode) != dir) {
		isofs_bad(inode->i_sb, inode->i_ino, "record at byte %lu: Rock Ridge mode %o "
			  "in a %s record", inode->i_ino, ri->mode, dir ? "directory" : "file");
		return -EUCLEAN;
	}
	if (ri->has_px) {
		inode->i_mode = ri->mode;
		set_nlink(inode, ri->nlink ? ri->nlink : 1);
		inode->i_uid = ri->uid;
		inode->i_gid = ri->gid;
	}
	if (ri->times & ROCK_TF_MTIME)
		inode->i_mtime = ri->mtime;
	if (ri->times & ROCK_TF_ATIME)
		inode->i_atime = ri->atime;
	if (ri->times & ROCK_TF_CTIME)
		inode->i_ctime = ri->ctime;
	return 0;
}

/* A symlink keeps its target in i_link (freed with the inode). */
static int isofs_set_link(struct inode *inode, struct rock_info *ri)
{
	if (!ri->has_link || !ri->link_len) {
		isofs_bad(inode->i_sb, inode->i_ino, "record at byte %lu: symlink without an "
			  "SL target", inode->i_ino);
		return -EUCLEAN;
	}
	inode->i_link = kstrdup(ri->link, GFP_KERNEL);
	if (!inode->i_link)
		return -ENOMEM;
	inode->i_size = ri->link_len;
	inode->i_op = &simple_symlink_inode_operations;
	return 0;
}

static int isofs_set_ops(struct inode *inode, struct rock_info *ri)
{
	if (S_ISDIR(inode->i_mode)) {
		inode->i_op = &isofs_dir_inode_operations;
		inode->i_fop = &isofs_dir_operations;
	} else if (S_ISLNK(inode->i_mode)) {
		return isofs_set_link(inode, ri);
	} else if (S_ISREG(inode->i_mode)) {
		inode->i_fop = &isofs_file_operations;
		inode_init_mapping(inode, &isofs_aops);
	}
	return 0;
}

static int isofs_fill_inode(struct inode *inode, const struct iso_record *rec)
{
	const u8 *d = rec->d;
	u32 first = iso_le32(d + ISO_DR_EXTENT) + d[ISO_DR_XATTR_LEN];
	struct rock_info *ri;
	int err;

	err = isofs_check_extent(inode, d, first, iso_le32(d + ISO_DR_SIZE));
	if (err)
		return err;
	ISOFS_I(inode)->i_first_extent = first;
	isofs_fill_plain(inode, d);
	ri = kzalloc(sizeof(*ri) + ISOFS_LINK_MAX, GFP_KERNEL);
	if (!ri)
		return -ENOMEM;
	ri->link = (char *)(ri + 1);
	err = rock_parse(inode->i_sb, rec, ri);
	if (!err)
		err = isofs_fill_rock(inode, d, ri);
	if (!err)
		err = isofs_set_ops(inode, ri);
	kfree(ri);
	return err;
}

static int isofs_read_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	u64 block = inode->i_ino >> ISOFS_BLOCK_BITS;
	u32 off = inode->i_ino & (ISOFS_BLOCK_SIZE - 1);
	struct buffer_head *bh = sb_bread(sb, block);
	struct iso_record rec;
	int err;

	if (IS_ERR(bh)) {
		isofs_err(sb, "directory at block %llu: read error %ld", (unsigned long long)block,
			  PTR_ERR(bh));
		return (int)PTR_ERR(bh);
	}
	rec.d = (const u8 *)bh->b_data + off;
	rec.len = rec.d[ISO_DR_LEN];
	rec.pos = inode->i_ino;
	err = isofs_check_record(sb, block, off, rec.d);
	if (!err)
		err = isofs_fill_inode(inode, &rec);
	brelse(bh);
	return err;
}

struct inode *isofs_iget(struct super_block *sb, u64 pos)
{
	struct inode *inode = iget_locked(sb, (unsigned long)pos);
	int err;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;
	err = isofs_read_inode(inode);
	if (err) {
		iget_failed(inode);
		return ERR_PTR(err);
	}
	unlock_new_inode(inode);
	return inode;
}
