/*
 * vfat.ko: the "vfat" filesystem type (FAT12, FAT16 and FAT32 with VFAT long names). This
 * file checks the boot sector's BIOS parameter block, works out where the FATs, the root
 * directory and the data area lie, counts the free clusters, and keeps the FAT32 FSInfo
 * sector's free count and next-free hint right at sync and umount. A boot sector that is not
 * a FAT one (or is damaged) makes the mount fail with -EINVAL: quietly when mount is probing.
 */
#include <keel/sprintf.h>
#include "vfat.h"

int fat_fs_error(struct super_block *sb, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vfat: %s: %s\n", sb->s_id, msg);
	return -EUCLEAN;
}

/* Why the BPB is not usable, or NULL when it is. */
static const char *bpb_problem(const struct fat_boot_sector *b, const u8 *raw)
{
	if (raw[510] != 0x55 || raw[511] != 0xaa)
		return "no boot signature";
	if (b->sector_size != 512)
		return "sector size is not 512";
	if (!b->sec_per_clus || (b->sec_per_clus & (b->sec_per_clus - 1)))
		return "bad sectors per cluster";
	if (!b->reserved)
		return "no reserved sectors";
	if (!b->fats || b->fats > 4)
		return "bad number of FATs";
	if (b->media != 0xf0 && b->media < 0xf8)
		return "bad media byte";
	if (!b->fat_length && (!b->fat32_length || b->dir_entries))
		return "bad FAT size";
	if (!b->sectors && !b->total_sect)
		return "no sector count";
	return NULL;
}

/* The areas: FATs, fixed root (FAT12/16), data; the FAT width from the cluster count. */
static const char *fat_layout(struct msdos_sb_info *sbi, const struct fat_boot_sector *b,
			      u64 dev_sectors)
{
	u64 total = b->sectors ? b->sectors : b->total_sect;
	u32 root_secs = (b->dir_entries * 32u + 511) / 512;
	u64 clusters, fat_entries;

	sbi->sec_per_clus = b->sec_per_clus;
	sbi->cluster_size = b->sec_per_clus * 512u;
	sbi->fats = b->fats;
	sbi->fat_start = b->reserved;
	sbi->fat_length = b->fat_length ? b->fat_length : b->fat32_length;
	sbi->dir_start = sbi->fat_start + sbi->fats * sbi->fat_length;
	sbi->dir_entries = b->dir_entries;
	sbi->data_start = sbi->dir_start + root_secs;
	if (total > dev_sectors)
		return "larger than the device";
	if ((u64)sbi->fat_start + (u64)sbi->fats * sbi->fat_length + root_secs >= total)
		return "no data area";
	clusters = (total - sbi->data_start) / sbi->sec_per_clus;
	sbi->fat_bits = !b->fat_length ? 32 : clusters < 4085 ? 12 : 16;
	if (sbi->fat_bits == 32 && clusters > 0x0ffffff5)
		return "too many clusters";
	fat_entries = (u64)sbi->fat_length * 512 * 8 / sbi->fat_bits;
	if (fat_entries < 3)
		return "FAT too small";
	sbi->max_cluster = (u32)(clusters + 2 < fat_entries ? clusters + 2 : fat_entries);
	return NULL;
}

static const char *fat32_setup(struct msdos_sb_info *sbi, const struct fat_boot_sector *b)
{
	if (sbi->fat_bits != 32)
		return NULL;
	sbi->root_cluster = b->root_cluster;
	if (!fat_valid_cluster(sbi, sbi->root_cluster))
		return "root cluster out of range";
	if (b->info_sector && b->info_sector < b->reserved)
		sbi->fsinfo_sector = b->info_sector;
	return NULL;
}

static int fat_read_bpb(struct super_block *sb, int silent)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	struct buffer_head *bh = sb_bread(sb, 0);
	const struct fat_boot_sector *b;
	const char *why;

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	b = (const struct fat_boot_sector *)bh->b_data;
	why = bpb_problem(b, (const u8 *)bh->b_data);
	if (!why)
		why = fat_layout(sbi, b, sb->s_bdev->nr_sectors * sb->s_bdev->sector_size / 512);
	if (!why)
		why = fat32_setup(sbi, b);
	brelse(bh);
	if (!why)
		return 0;
	if (!silent)
		pr_err("vfat: %s: bad boot sector: %s\n", sb->s_id, why);
	return -EINVAL;
}

/* The next-free hint from FSInfo when it is sane; a stale free count is rewritten at sync. */
static void fat_read_fsinfo(struct super_block *sb)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	const struct fat_boot_fsinfo *fi;
	struct buffer_head *bh;

	sbi->prev_free = 2;
	if (!sbi->fsinfo_sector)
		return;
	bh = sb_bread(sb, sbi->fsinfo_sector);
	if (IS_ERR(bh))
		return;
	fi = (const struct fat_boot_fsinfo *)bh->b_data;
	if (fi->signature1 == FSINFO_SIG1 && fi->signature2 == FSINFO_SIG2) {
		if (fat_valid_cluster(sbi, fi->next_cluster))
			sbi->prev_free = fi->next_cluster;
		sbi->fsinfo_dirty = fi->free_clusters != sbi->free_clusters;
	}
	brelse(bh);
}

static int fat_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct msdos_sb_info *sbi = MSDOS_SB(dentry->d_sb);

	buf->f_type = MSDOS_SUPER_MAGIC;
	buf->f_bsize = (long)sbi->cluster_size;
	buf->f_blocks = sbi->max_cluster - 2;
	mutex_lock(&sbi->s_lock);
	buf->f_bfree = buf->f_bavail = sbi->free_clusters;
	mutex_unlock(&sbi->s_lock);
	buf->f_files = 0;
	buf->f_ffree = 0;
	buf->f_namelen = FAT_LFN_MAX;
	return 0;
}

static int fat_sync_fs(struct super_block *sb, int wait)
{
	struct msdos_sb_info *sbi = MSDOS_SB(sb);
	int err;

	(void)wait;
	if (!sbi)
		return 0;
	mutex_lock(&sbi->s_lock);
	err = fat_sync_fsinfo(sb);
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* Inodes evicted after the last sync (the dcache is shrunk after it) may have freed clusters:
 * FSInfo gets the final count, which kill_block_super's sync_blockdev writes. */
static void fat_put_super(struct super_block *sb)
{
	if (sb->s_fs_info && !(sb->s_flags & SB_RDONLY))
		fat_sync_fsinfo(sb);
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

static const struct super_operations fat_sops = {
	.alloc_inode = fat_alloc_inode,
	.free_inode = fat_free_inode,
	.write_inode = fat_write_inode,
	.evict_inode = fat_evict_inode,
	.put_super = fat_put_super,
	.sync_fs = fat_sync_fs,
	.statfs = fat_statfs,
};

static int fat_make_root(struct super_block *sb)
{
	struct inode *root = fat_new_root(sb);

	if (IS_ERR(root))
		return (int)PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	sb->s_root->d_op = &vfat_dentry_ops;
	return 0;
}

static int vfat_fill_super(struct super_block *sb, void *data, int silent)
{
	struct msdos_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	int err;

	(void)data;
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->s_lock);
	sb->s_fs_info = sbi;
	sb->s_op = &fat_sops; /* put_super frees sbi if a later step fails */
	err = sb_set_blocksize(sb, 512);
	if (!err)
		err = fat_read_bpb(sb, silent);
	if (!err)
		err = fat_count_free(sb);
	if (err)
		return err;
	fat_read_fsinfo(sb);
	sb->s_magic = MSDOS_SUPER_MAGIC;
	sb->s_maxbytes = 0xffffffffLL;
	return fat_make_root(sb);
}

static struct dentry *vfat_mount(struct file_system_type *type, int flags,
				 const char *dev_name, void *data)
{
	return mount_bdev(type, flags, dev_name, data, vfat_fill_super);
}

static struct file_system_type vfat_fs_type = {
	.owner = THIS_MODULE,
	.name = "vfat",
	.fs_flags = FS_REQUIRES_DEV | FS_NO_HOLES,
	.mount = vfat_mount,
	.kill_sb = kill_block_super,
};

static int __init vfat_init(void)
{
	return register_filesystem(&vfat_fs_type);
}

static void __exit vfat_exit(void)
{
	unregister_filesystem(&vfat_fs_type);
}

module_init(vfat_init);
module_exit(vfat_exit);
MODULE_ALIAS_FS("vfat");
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Keel developers");
MODULE_DESCRIPTION("FAT12/16/32 file system with VFAT long names, read-write");
