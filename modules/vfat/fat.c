/*
 * The file allocation table: reading and writing 12-, 16- and 32-bit entries, walking a
 * file's cluster chain, allocating and freeing clusters, and the FAT32 FSInfo sector that
 * caches the free count. Every walk is bounded by the cluster count, so a damaged table (a
 * loop, a cluster past the end, a free or bad cluster inside a chain) gives -EUCLEAN and one
 * line instead of a hang. Callers hold sbi->s_lock (fat_count_chain takes it itself).
 */
#include "vfat.h"

/* A held FAT block, reused while consecutive entries fall in it. */
struct fat_cursor {
	struct buffer_head *bh;
	u64 blk;
};

static void fat_cursor_done(struct fat_cursor *c)
{
	brelse(c->bh);
	c->bh = NULL;
}

/* The byte at offset off of FAT number fatnr, through the cursor's block. */
static int fat_byte(struct super_block *sb, struct fat_cursor *c, unsigned int fatnr, u64 off,
		    u8 **byte)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	u64 blk = sbi->fat_start + (u64)fatnr * sbi->fat_length + (off >> 9);

	if (!c->bh || c->blk != blk) {
		fat_cursor_done(c);
		c->bh = sb_bread(sb, blk);
		if (IS_ERR(c->bh)) {
			int err = (int)PTR_ERR(c->bh);

			c->bh = NULL;
			return err;
		}
		c->blk = blk;
	}
	*byte = (u8 *)c->bh->b_data + (off & 511);
	return 0;
}

static u64 fat_ent_offset(struct msdos_sb_info *sbi, u32 clus)
{
	if (sbi->fat_bits == 12)
		return clus + clus / 2;
	return (u64)clus * (sbi->fat_bits / 8);
}

/* The raw value of clus's entry in the first FAT. */
static int fat_ent_raw(struct super_block *sb, struct fat_cursor *c, u32 clus, u32 *val)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	u64 off = fat_ent_offset(sbi, clus);
	unsigned int n = sbi->fat_bits == 32 ? 4 : 2;
	u32 v = 0;
	u8 *b = NULL;

	for (unsigned int i = 0; i < n; i++) {
		int err = fat_byte(sb, c, 0, off + i, &b);

		if (err)
			return err;
		v |= (u32)*b << (8 * i);
	}
	if (sbi->fat_bits == 12)
		v = (clus & 1) ? v >> 4 : v & 0xfff;
	else if (sbi->fat_bits == 32)
		v &= 0x0fffffff;
	*val = v;
	return 0;
}

/* End-of-chain markers of every width read as FAT_ENT_EOF, bad clusters as BAD_FAT32. */
static u32 fat_ent_normalize(struct msdos_sb_info *sbi, u32 v)
{
	u32 bad = sbi->fat_bits == 12 ? BAD_FAT12 : sbi->fat_bits == 16 ? BAD_FAT16 : BAD_FAT32;

	if (v > bad)
		return FAT_ENT_EOF;
	return v == bad ? BAD_FAT32 : v;
}

static int fat_ent_get(struct super_block *sb, struct fat_cursor *c, u32 clus, u32 *next)
{
	int err = fat_ent_raw(sb, c, clus, next);

	if (!err)
		*next = fat_ent_normalize(MSDOS_SB(sb), *next);
	return err;
}

int fat_ent_read(struct super_block *sb, u32 clus, u32 *next)
{
	struct fat_cursor c = { 0 };
	int err = fat_ent_get(sb, &c, clus, next);

	fat_cursor_done(&c);
	return err;
}

/* Stores v in one FAT's entry for clus, keeping FAT12's neighbour nibble and FAT32's top. */
static int fat_ent_put_one(struct super_block *sb, unsigned int fatnr, u32 clus, u32 v)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct fat_cursor c = { 0 };
	u64 off = fat_ent_offset(sbi, clus);
	unsigned int n = sbi->fat_bits == 32 ? 4 : 2;
	u8 *b = NULL;
	int err = 0;

	if (sbi->fat_bits == 12) {
		v = (clus & 1) ? v << 4 : v;
	}
	for (unsigned int i = 0; !err && i < n; i++) {
		u32 mask = 0xffu << (8 * i);

		if (sbi->fat_bits == 12)
			mask &= (clus & 1) ? 0xfff0 : 0x0fff;
		else if (sbi->fat_bits == 32)
			mask &= 0x0fffffff;
		err = fat_byte(sb, &c, fatnr, off + i, &b);
		if (!err) {
			*b = (u8)((*b & ~(mask >> (8 * i))) | ((v & mask) >> (8 * i)));
			mark_buffer_dirty(c.bh);
		}
	}
	fat_cursor_done(&c);
	return err;
}

/* Every copy of the FAT gets the new value. */
static int fat_ent_write(struct super_block *sb, u32 clus, u32 v)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	int err = 0;

	for (unsigned int i = 0; !err && i < sbi->fats; i++)
		err = fat_ent_put_one(sb, i, clus, v);
	return err;
}

/* Checks a chain link read from clus: 0, or -EUCLEAN with the line. */
static int fat_check_next(struct inode *inode, u32 clus, u32 next)
{
	struct super_block *sb = inode->i_sb;

	if (next == FAT_ENT_EOF || fat_valid_cluster(MSDOS_SB(sb), next))
		return 0;
	if (next == BAD_FAT32)
		return fat_fs_error(sb, "inode %lu: bad cluster in FAT chain after %u",
				    inode->i_ino, clus);
	return fat_fs_error(sb, "inode %lu: bad FAT link %u at cluster %u", inode->i_ino, next,
			    clus);
}

/* Where a walk to fclus may start: the inode's first cluster or its cached position. */
static void fat_walk_start(struct inode *inode, u32 fclus, u32 *idx, u32 *clus)
{
	struct msdos_inode_info *mi = MSDOS_I(inode);

	*idx = 0;
	*clus = mi->i_start;
	if (mi->cache_dclus && mi->cache_fclus <= fclus) {
		*idx = mi->cache_fclus;
		*clus = mi->cache_dclus;
	}
}

/*
 * The disk cluster at index fclus of inode's chain in *dclus. -ENOENT when the chain is
 * shorter: *dclus is then its last cluster (0: no chain) and *nr its length.
 */
int fat_chain_walk(struct inode *inode, u32 fclus, u32 *dclus, u32 *nr)
{
	struct super_block *sb = inode->i_sb;
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct fat_cursor c = { 0 };
	u32 idx, clus, next;
	int err = 0;

	fat_walk_start(inode, fclus, &idx, &clus);
	*dclus = 0;
	*nr = 0;
	if (!clus)
		return -ENOENT;
	if (!fat_valid_cluster(sbi, clus))
		return fat_fs_error(sb, "inode %lu: bad first cluster %u", inode->i_ino, clus);
	while (idx < fclus) {
		if (idx >= sbi->max_cluster) {
			err = fat_fs_error(sb, "FAT chain of inode %lu loops at cluster %u",
					   inode->i_ino, clus);
			break;
		}
		err = fat_ent_get(sb, &c, clus, &next);
		if (!err)
			err = fat_check_next(inode, clus, next);
		if (err || next == FAT_ENT_EOF)
			break;
		clus = next;
		idx++;
	}
	fat_cursor_done(&c);
	*dclus = clus;
	*nr = idx + 1;
	if (err)
		return err;
	/* remembered even at the chain's end: the next extension starts from there */
	MSDOS_I(inode)->cache_fclus = idx;
	MSDOS_I(inode)->cache_dclus = clus;
	return idx < fclus ? -ENOENT : 0;
}

/* Clusters in inode's chain (0 without one), the walk bounded as above. Takes s_lock. */
int fat_count_chain(struct inode *inode, u32 *count)
{
	struct msdos_sb_info *sbi = MSDOS_SB(inode->i_sb);
	u32 last;
	int err;

	mutex_lock(&sbi->s_lock);
	err = fat_chain_walk(inode, sbi->max_cluster, &last, count);
	mutex_unlock(&sbi->s_lock);

	if (err == -ENOENT)
		return 0;
	if (!err) /* the chain reached max_cluster links: it must loop */
		err = fat_fs_error(inode->i_sb, "FAT chain of inode %lu loops at cluster %u",
				   inode->i_ino, last);
	return err;
}

/* A free cluster, searched from the one after prev_free on and wrapping around. */
static int fat_find_free(struct super_block *sb, u32 *found)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct fat_cursor c = { 0 };
	u32 total = sbi->max_cluster - 2, clus = sbi->prev_free, v;
	int err = -ENOSPC;

	for (u32 i = 0; i < total; i++) {
		if (++clus >= sbi->max_cluster)
			clus = 2;
		err = fat_ent_raw(sb, &c, clus, &v);
		if (err)
			break;
		if (v == FAT_ENT_FREE) {
			*found = clus;
			break;
		}
		err = -ENOSPC;
	}
	fat_cursor_done(&c);
	return err;
}

/* Directory clusters start zeroed (an entry starting with 0 ends the directory). */
int fat_zero_cluster(struct super_block *sb, u32 clus)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	u64 blk = fat_clus_to_blknr(sbi, clus);

	for (unsigned int i = 0; i < sbi->sec_per_clus; i++) {
		struct buffer_head *bh = sb_getblk(sb, blk + i);

		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		lock_buffer(bh);
		memset(bh->b_data, 0, bh->b_size);
		set_buffer_uptodate(bh);
		unlock_buffer(bh);
		mark_buffer_dirty(bh);
		brelse(bh);
	}
	return 0;
}

/* A free cluster, marked as a one-cluster chain. */
int fat_alloc_cluster(struct super_block *sb, u32 *clus)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	int err;

	if (!sbi->free_clusters)
		return -ENOSPC;
	err = fat_find_free(sb, clus);
	if (!err)
		err = fat_ent_write(sb, *clus, 0x0fffffff);
	if (err)
		return err;
	sbi->free_clusters--;
	sbi->prev_free = *clus;
	sbi->fsinfo_dirty = true;
	return 0;
}

/* One new cluster ending a chain, linked after last (0: the inode's first cluster). */
int fat_chain_extend(struct inode *inode, u32 last, u32 *newclus)
{
	struct super_block *sb = inode->i_sb;
	u32 clus;
	int err = fat_alloc_cluster(sb, &clus);

	if (!err && last) {
		err = fat_ent_write(sb, last, clus);
		if (err)
			fat_free_chain(sb, clus, false);
	}
	if (err)
		return err;
	if (!last)
		MSDOS_I(inode)->i_start = clus;
	inode->i_blocks += MSDOS_SB(sb)->sec_per_clus;
	*newclus = clus;
	return 0;
}

/* Drops a freed directory cluster's buffers: they must never be written over new data. */
static void fat_forget_cluster(struct super_block *sb, u32 clus)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	u64 blk = fat_clus_to_blknr(sbi, clus);

	for (unsigned int i = 0; i < sbi->sec_per_clus; i++) {
		struct buffer_head *bh = sb_getblk(sb, blk + i);

		if (!IS_ERR(bh))
			bforget(bh);
	}
}

/* Frees the chain from start on (bounded: a loop stops at the first free cluster). */
int fat_free_chain(struct super_block *sb, u32 start, bool forget)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	u32 clus = start, next;
	int err = 0;

	for (u32 n = 0; fat_valid_cluster(sbi, clus) && n < sbi->max_cluster; n++) {
		err = fat_ent_read(sb, clus, &next);
		if (err || next == FAT_ENT_FREE)
			break;
		err = fat_ent_write(sb, clus, FAT_ENT_FREE);
		if (err)
			break;
		if (forget)
			fat_forget_cluster(sb, clus);
		sbi->free_clusters++;
		clus = next;
	}
	sbi->fsinfo_dirty = true;
	return err;
}

/* Keeps the first keep clusters of inode's chain and frees the rest. */
int fat_truncate_chain(struct inode *inode, u32 keep)
{
	struct msdos_inode_info *mi = MSDOS_I(inode);
	struct super_block *sb = inode->i_sb;
	bool dir = S_ISDIR(inode->i_mode);
	u32 last, nr, next;
	int err;

	mi->cache_dclus = 0;
	if (!keep) {
		err = fat_free_chain(sb, mi->i_start, dir);
		mi->i_start = 0;
		inode->i_blocks = 0;
		return err;
	}
	err = fat_chain_walk(inode, keep - 1, &last, &nr);
	if (err)
		return err == -ENOENT ? 0 : err;
	err = fat_ent_read(sb, last, &next);
	if (!err && next != FAT_ENT_EOF)
		err = fat_ent_write(sb, last, 0x0fffffff);
	if (!err && next != FAT_ENT_EOF)
		err = fat_free_chain(sb, next, dir);
	inode->i_blocks = (u64)keep * MSDOS_SB(sb)->sec_per_clus;
	return err;
}

/* The free clusters, counted over the whole first FAT (at mount). */
int fat_count_free(struct super_block *sb)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct fat_cursor c = { 0 };
	u32 v, free = 0;
	int err = 0;

	for (u32 clus = 2; clus < sbi->max_cluster; clus++) {
		err = fat_ent_raw(sb, &c, clus, &v);
		if (err)
			break;
		if (v == FAT_ENT_FREE)
			free++;
	}
	fat_cursor_done(&c);
	sbi->free_clusters = free;
	return err;
}

/* FAT32: the free count and next-free hint go to the FSInfo sector (when its signatures are
 * right; a damaged one is left alone, fsck.fat repairs it). */
int fat_sync_fsinfo(struct super_block *sb)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct fat_boot_fsinfo *fi;
	struct buffer_head *bh;

	if (sbi->fat_bits != 32 || !sbi->fsinfo_sector || !sbi->fsinfo_dirty)
		return 0;
	bh = sb_bread(sb, sbi->fsinfo_sector);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	fi = (struct fat_boot_fsinfo *)bh->b_data;
	if (fi->signature1 == FSINFO_SIG1 && fi->signature2 == FSINFO_SIG2) {
		fi->free_clusters = sbi->free_clusters;
		fi->next_cluster = sbi->prev_free;
		mark_buffer_dirty(bh);
	}
	brelse(bh);
	sbi->fsinfo_dirty = false;
	return 0;
}
