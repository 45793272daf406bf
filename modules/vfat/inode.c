/*
 * vfat's inodes: building one from a directory entry, writing its size, first cluster and
 * times back to that entry, freeing an unlinked file's clusters, and the map from file blocks
 * to device blocks (get_block) through which the page cache reads and writes file data.
 * An inode's entry lives at i_pos (a byte address on the device); rename moves it, so i_pos
 * is read and changed under sbi->s_lock only.
 */
#include <keel/math.h>
#include <keel/minmax.h>
#include "vfat.h"

#define FAT_EPOCH 315532800 /* 1980-01-01 00:00:00 UTC: FAT dates start there */
#define SECS_PER_DAY 86400

static const u16 days_before_month[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273,
					    304, 334 };

static bool is_leap(unsigned int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned int month_days(unsigned int y, unsigned int m)
{
	unsigned int next = m == 11 ? 365 : days_before_month[m + 1];

	return next - days_before_month[m] + (m == 1 && is_leap(y));
}

void fat_time_fat2unix(struct timespec64 *ts, u16 time, u16 date, u8 cs)
{
	unsigned int year = 1980 + (date >> 9), month = (date >> 5) & 15, day = date & 31;
	s64 days = 0;

	month = clamp(month, 1u, 12u);
	day = max(day, 1u);
	for (unsigned int y = 1970; y < year; y++)
		days += is_leap(y) ? 366 : 365;
	days += days_before_month[month - 1] + (month > 2 && is_leap(year)) + day - 1;
	ts->tv_sec = days * SECS_PER_DAY + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 +
		     (time & 31) * 2 + cs / 100;
	ts->tv_nsec = (long)(cs % 100) * 10000000;
}

/* Keel's clock counts from boot: such small times are stored as 1980-01-01 plus them. */
void fat_time_unix2fat(const struct timespec64 *ts, u16 *time, u16 *date, u8 *cs)
{
	s64 secs = ts->tv_sec < FAT_EPOCH ? ts->tv_sec + FAT_EPOCH : ts->tv_sec;
	unsigned int y = 1980, m = 0, days, rem;

	secs = clamp(secs - FAT_EPOCH, (s64)0, (s64)127 * 365 * SECS_PER_DAY);
	days = (unsigned int)(secs / SECS_PER_DAY);
	rem = (unsigned int)(secs % SECS_PER_DAY);
	while (days >= (is_leap(y) ? 366u : 365u))
		days -= is_leap(y++) ? 366 : 365;
	while (days >= month_days(y, m))
		days -= month_days(y, m++);
	*date = (u16)(((y - 1980) << 9) | ((m + 1) << 5) | (days + 1));
	*time = (u16)(((rem / 3600) << 11) | (((rem / 60) % 60) << 5) | ((rem % 60) / 2));
	if (cs)
		*cs = (u8)((rem % 2) * 100 + ts->tv_nsec / 10000000);
}

void fat_fill_times(struct msdos_dir_entry *de, struct inode *inode)
{
	u16 unused;

	fat_time_unix2fat(&inode->i_mtime, &de->time, &de->date, NULL);
	fat_time_unix2fat(&inode->i_atime, &unused, &de->adate, NULL);
	fat_time_unix2fat(&inode->i_ctime, &de->ctime, &de->cdate, &de->ctime_cs);
}

struct inode *fat_alloc_inode(struct super_block *sb)
{
	struct msdos_inode_info *mi = kzalloc(sizeof(*mi), GFP_KERNEL);

	(void)sb;
	return mi ? &mi->vfs_inode : NULL;
}

void fat_free_inode(struct inode *inode)
{
	kfree(MSDOS_I(inode));
}

/* Maps iblock with sbi->s_lock held; create extends the chain up to it. */
static int __fat_bmap(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	u64 fclus = iblock / sbi->sec_per_clus;
	u32 dclus, nr;
	int err;

	*blocknr = 0;
	if (fclus >= sbi->max_cluster)
		return -EFBIG;
	err = fat_chain_walk(inode, (u32)fclus, &dclus, &nr);
	while (err == -ENOENT && create) {
		err = fat_chain_extend(inode, dclus, &dclus);
		if (!err && nr++ < fclus)
			err = -ENOENT;
	}
	if (err)
		return err == -ENOENT ? 0 : err;
	MSDOS_I(inode)->cache_fclus = (u32)fclus; /* sequential writes extend from here */
	MSDOS_I(inode)->cache_dclus = dclus;
	*blocknr = fat_clus_to_blknr(sbi, dclus) + iblock % sbi->sec_per_clus;
	return 0;
}

/* The device block of inode's block iblock (0: past its chain); the fixed FAT12/16 root is
 * its own area. Directories extend through fat_chain_extend, not here. */
int fat_bmap(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	int err;

	if (fat_is_root_fixed(inode)) {
		*blocknr = iblock < sbi->dir_entries / 16 ? sbi->dir_start + iblock : 0;
		return 0;
	}
	mutex_lock(&sbi->s_lock);
	err = __fat_bmap(inode, iblock, blocknr, create);
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* get_block for file data: a block inside i_size must be mapped, or the entry lies. */
static int fat_get_block(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	int err = fat_bmap(inode, iblock, blocknr, create);

	if (err || *blocknr || create || (loff_t)(iblock << 9) >= inode->i_size)
		return err;
	return fat_fs_error(inode->i_sb, "inode %lu: size %lld exceeds its cluster chain",
			    inode->i_ino, (long long)inode->i_size);
}

/* Frees clusters past those holding size bytes (after a truncate or a failed write). */
static int fat_truncate_blocks(struct inode *inode, loff_t size)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	u32 keep = (u32)DIV_ROUND_UP((u64)size, sbi->cluster_size);
	int err;

	mutex_lock(&sbi->s_lock);
	err = fat_truncate_chain(inode, keep);
	mutex_unlock(&sbi->s_lock);
	mark_inode_dirty(inode);
	return err;
}

static int fat_readpage(struct address_space *m, struct cache_page *page)
{
	return block_read_full_page(m, page, fat_get_block);
}

static int fat_writepage(struct address_space *m, struct cache_page *page)
{
	return block_write_full_page(m, page, fat_get_block);
}

/* Sequential reads and writeback as large device requests: clusters are often contiguous. */
static int fat_readahead(struct address_space *m, struct cache_page **pages, unsigned int nr)
{
	return block_readahead(m, pages, nr, fat_get_block);
}

static int fat_writepages(struct address_space *m, struct cache_page **pages, unsigned int nr)
{
	return block_writepages(m, pages, nr, fat_get_block);
}

/* On -ENOSPC the clusters allocated beyond i_size go back: the chain matches the size. */
static int fat_prepare_write(struct address_space *m, loff_t pos, size_t len)
{
	struct inode *inode = m->host;
	int err = block_prepare_write(m, pos, len, fat_get_block);

	if (err)
		fat_truncate_blocks(inode, max(inode->i_size, pos));
	return err;
}

static const struct address_space_operations fat_aops = {
	.readpage = fat_readpage,
	.writepage = fat_writepage,
	.prepare_write = fat_prepare_write,
	.readahead = fat_readahead,
	.writepages = fat_writepages,
};

/* truncate_setsize cuts the cached pages, or grows the file with zeros (FS_NO_HOLES); the
 * clusters past the new end (or past a growth that hit -ENOSPC) go back. */
static int fat_setsize(struct inode *inode, loff_t size)
{
	int err = truncate_setsize(inode, size);
	int ret = fat_truncate_blocks(inode, inode->i_size);

	return err ? err : ret;
}

static int fat_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int err = 0;

	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != inode->i_size)
		err = fat_setsize(inode, attr->ia_size);
	attr->ia_valid &= ~(unsigned int)(ATTR_MODE | ATTR_UID | ATTR_GID); /* FAT has none */
	setattr_copy(inode, attr);
	mark_inode_dirty(inode);
	return err;
}

const struct inode_operations fat_file_inode_operations = {
	.setattr = fat_setattr,
};

const struct file_operations fat_file_operations = {
	.owner = THIS_MODULE,
	.llseek = generic_file_llseek,
	.read = generic_file_read,
	.write = generic_file_write,
	.fsync = generic_file_fsync,
};

/* A directory's size is its chain's: counted (bounded) when the inode is built. */
static int fat_dir_size(struct inode *inode)
{
	u32 n;
	int err = fat_count_chain(inode, &n);

	if (err)
		return err;
	if (!n)
		return fat_fs_error(inode->i_sb, "directory inode %lu has no cluster",
				    inode->i_ino);
	inode->i_size = (loff_t)n * MSDOS_SB(inode->i_sb)->cluster_size;
	inode->i_blocks = (u64)n * MSDOS_SB(inode->i_sb)->sec_per_clus;
	return 0;
}

/* A file's chain must hold its size: checked once, when the inode is built, so a chain that
 * loops or ends early fails here (bounded by the cluster count) rather than mid-read. */
static int fat_check_file_chain(struct inode *inode)
{
	u32 n, need = (u32)DIV_ROUND_UP((u64)inode->i_size, MSDOS_SB(inode->i_sb)->cluster_size);
	int err = fat_count_chain(inode, &n);

	if (!err && n < need)
		err = fat_fs_error(inode->i_sb, "inode %lu: size %lld exceeds its cluster chain",
				   inode->i_ino, (long long)inode->i_size);
	return err;
}

static void fat_init_dir(struct inode *inode)
{
	inode->i_mode = S_IFDIR | 0755;
	inode->i_op = &vfat_dir_inode_operations;
	inode->i_fop = &fat_dir_operations;
	set_nlink(inode, 2);
}

static void fat_init_file(struct inode *inode, u32 size)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);

	inode->i_mode = S_IFREG | 0644;
	inode->i_op = &fat_file_inode_operations;
	inode->i_fop = &fat_file_operations;
	inode->i_size = size;
	inode->i_blocks = DIV_ROUND_UP((u64)size, sbi->cluster_size) * sbi->sec_per_clus;
	inode_init_mapping(inode, &fat_aops);
}

/* A new in-memory inode for the entry de found (or written) at i_pos. */
struct inode *fat_build_inode(struct super_block *sb, const struct msdos_dir_entry *de,
			      u64 i_pos)
{
	struct inode *inode = new_inode(sb);
	struct msdos_inode_info *mi;
	int err = 0;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	mi = MSDOS_I(inode);
	mi->i_start = fat_get_start(de, MSDOS_SB(sb)->fat_bits == 32);
	mi->i_pos = i_pos;
	mi->i_attrs = de->attr;
	fat_time_fat2unix(&inode->i_mtime, de->time, de->date, 0);
	fat_time_fat2unix(&inode->i_atime, 0, de->adate, 0);
	fat_time_fat2unix(&inode->i_ctime, de->ctime, de->cdate, de->ctime_cs);
	if (de->attr & ATTR_DIR) {
		fat_init_dir(inode);
		err = fat_dir_size(inode);
	} else {
		fat_init_file(inode, de->size);
		err = fat_check_file_chain(inode);
	}
	if (de->attr & ATTR_RO)
		inode->i_mode &= ~0222u;
	if (!err)
		return inode;
	mi->i_pos = 0;
	mi->i_start = 0;
	clear_nlink(inode); /* nothing to write back or free */
	iput(inode);
	return ERR_PTR(err);
}

struct inode *fat_new_root(struct super_block *sb)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct inode *inode = new_inode(sb);
	int err = 0;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = FAT_ROOT_INO;
	fat_init_dir(inode);
	inode->i_mtime = inode->i_atime = inode->i_ctime = (struct timespec64){ FAT_EPOCH, 0 };
	if (sbi->fat_bits == 32) {
		MSDOS_I(inode)->i_start = sbi->root_cluster;
		err = fat_dir_size(inode);
	} else {
		inode->i_size = (loff_t)sbi->dir_entries * 32;
	}
	if (!err)
		return inode;
	clear_nlink(inode);
	iput(inode);
	return ERR_PTR(err);
}

int fat_write_inode(struct inode *inode)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	struct msdos_inode_info *mi = MSDOS_I(inode);
	struct msdos_dir_entry *de;
	struct buffer_head *bh;
	int err = 0;

	mutex_lock(&sbi->s_lock);
	if (!mi->i_pos)
		goto unlock;
	bh = sb_bread(inode->i_sb, mi->i_pos >> 9);
	err = IS_ERR(bh) ? (int)PTR_ERR(bh) : 0;
	if (err)
		goto unlock;
	de = (struct msdos_dir_entry *)(bh->b_data + (mi->i_pos & 511));
	de->size = S_ISDIR(inode->i_mode) ? 0 : (u32)inode->i_size;
	de->start = (u16)mi->i_start;
	de->starthi = sbi->fat_bits == 32 ? (u16)(mi->i_start >> 16) : 0;
	fat_fill_times(de, inode);
	mark_buffer_dirty(bh);
	brelse(bh);
unlock:
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* An unlinked inode's last reference went: its clusters are free now. */
void fat_evict_inode(struct inode *inode)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	struct msdos_inode_info *mi = MSDOS_I(inode);

	if (inode->i_nlink || !mi->i_start || inode->i_ino == FAT_ROOT_INO)
		return;
	mutex_lock(&sbi->s_lock);
	fat_free_chain(inode->i_sb, mi->i_start, S_ISDIR(inode->i_mode));
	mi->i_start = 0;
	mutex_unlock(&sbi->s_lock);
}
