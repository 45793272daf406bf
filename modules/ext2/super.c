/*
 * ext2.ko: mounting. Reads and checks the superblock and the group descriptors (a mount of
 * nonsense is refused with one line, never trusted), keeps both in held buffers for the
 * allocators, and registers the "ext2" type (mount -t ext2 autoloads it; mount without -t
 * probes it).
 */
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "ext2.h"

_Static_assert(sizeof(struct ext2_super_block) == 1024, "ext2 superblock layout");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor layout");
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode layout");

static const struct super_operations ext2_sops;

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bh)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct buffer_head *b = sbi->s_group_desc[group / sbi->s_desc_per_block];

	if (bh)
		*bh = b;
	return (struct ext2_group_desc *)b->b_data + group % sbi->s_desc_per_block;
}

/* The superblock's counts changed: its buffer reaches the disk with the next sync. */
void ext2_sb_dirty(struct super_block *sb)
{
	mark_buffer_dirty(EXT2_SB(sb)->s_sbh);
}

static bool is_power_of(u32 n, u32 base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* SPARSE_SUPER: only groups 0, 1 and powers of 3, 5 and 7 keep a superblock copy. */
bool ext2_group_has_super(struct super_block *sb, u32 group)
{
	if (group <= 1 ||
	    !(EXT2_SB(sb)->s_es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return is_power_of(group, 3) || is_power_of(group, 5) || is_power_of(group, 7);
}

bool ext2_block_valid(struct super_block *sb, u32 block)
{
	struct ext2_super_block *es = EXT2_SB(sb)->s_es;

	return block >= es->s_first_data_block && block < es->s_blocks_count;
}

/* ---- checking what the disk says ---- */

static int check_features(struct super_block *sb, struct ext2_super_block *es)
{
	u32 incompat = es->s_feature_incompat & ~EXT2_INCOMPAT_SUPP;
	u32 ro_compat = es->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP;

	if (es->s_rev_level == 0)
		return 0;
	if (incompat & EXT2_INCOMPAT_LAYOUT) {
		ext2_error(sb, "unsupported incompat features 0x%x: not mounted", incompat);
		return -EINVAL;
	}
	if ((incompat || ro_compat) && !(sb->s_flags & SB_RDONLY)) {
		ext2_warn(sb, "unsupported features 0x%x/0x%x: mounted read-only", incompat,
			  ro_compat);
		sb->s_flags |= SB_RDONLY;
	}
	return 0;
}

/* Revision 1 inode sizes: a power of two from 128 to the block size. */
static int check_inode_geometry(struct super_block *sb, struct ext2_super_block *es)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_inode_size = es->s_rev_level ? es->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
	sbi->s_first_ino = es->s_rev_level ? es->s_first_ino : EXT2_GOOD_OLD_FIRST_INO;
	if (sbi->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE || sbi->s_inode_size > sb->s_blocksize ||
	    (sbi->s_inode_size & (sbi->s_inode_size - 1))) {
		ext2_error(sb, "superblock: bad inode size %u", sbi->s_inode_size);
		return -EINVAL;
	}
	if (sbi->s_first_ino < EXT2_GOOD_OLD_FIRST_INO || sbi->s_first_ino > es->s_inodes_count) {
		ext2_error(sb, "superblock: bad first inode %u", sbi->s_first_ino);
		return -EINVAL;
	}
	return 0;
}

static int check_groups(struct super_block *sb, struct ext2_super_block *es)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 bits = (u32)sb->s_blocksize * 8;
	u64 dev_blocks = (sb->s_bdev->nr_sectors * sb->s_bdev->sector_size) >> sb->s_blocksize_bits;

	sbi->s_blocks_per_group = es->s_blocks_per_group;
	sbi->s_inodes_per_group = es->s_inodes_per_group;
	if (!es->s_blocks_per_group || es->s_blocks_per_group > bits ||
	    !es->s_inodes_per_group || es->s_inodes_per_group > bits) {
		ext2_error(sb, "superblock: bad blocks/inodes per group %u/%u",
			   es->s_blocks_per_group, es->s_inodes_per_group);
		return -EINVAL;
	}
	if (es->s_first_data_block != (sb->s_blocksize == 1024 ? 1u : 0u) ||
	    es->s_blocks_count <= es->s_first_data_block + 1 || es->s_blocks_count > dev_blocks) {
		ext2_error(sb, "superblock: %u blocks from %u, device has %llu",
			   es->s_blocks_count, es->s_first_data_block,
			   (unsigned long long)dev_blocks);
		return -EINVAL;
	}
	sbi->s_groups_count = (es->s_blocks_count - es->s_first_data_block +
			       es->s_blocks_per_group - 1) / es->s_blocks_per_group;
	if ((u64)sbi->s_groups_count * es->s_inodes_per_group != es->s_inodes_count) {
		ext2_error(sb, "superblock: %u inodes for %u groups of %u", es->s_inodes_count,
			   sbi->s_groups_count, es->s_inodes_per_group);
		return -EINVAL;
	}
	return check_inode_geometry(sb, es);
}

static bool in_group(u32 block, u32 count, u32 first, u64 last)
{
	return block >= first && (u64)block + count - 1 <= last;
}

/* Which of a descriptor's structures lies outside blocks first..last, NULL when none. */
static const char *misplaced(struct ext2_sb_info *sbi, struct ext2_group_desc *gd, u32 first,
			     u64 last)
{
	if (!in_group(gd->bg_block_bitmap, 1, first, last))
		return "block bitmap";
	if (!in_group(gd->bg_inode_bitmap, 1, first, last))
		return "inode bitmap";
	if (!in_group(gd->bg_inode_table, sbi->s_itb_per_group, first, last))
		return "inode table";
	return NULL;
}

/* A descriptor's bitmaps and inode table must lie inside its own group. */
static int check_descriptor(struct super_block *sb, u32 group, struct ext2_group_desc *gd)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	u32 first = es->s_first_data_block + group * sbi->s_blocks_per_group;
	u64 last = (u64)first + sbi->s_blocks_per_group - 1;
	const char *what;

	if (last >= es->s_blocks_count)
		last = es->s_blocks_count - 1;
	what = misplaced(sbi, gd, first, last);
	if (what) {
		ext2_error(sb, "group %u descriptor: %s outside blocks %u-%llu", group, what,
			   first, (unsigned long long)last);
		return -EINVAL;
	}
	if (gd->bg_free_blocks_count > sbi->s_blocks_per_group ||
	    gd->bg_free_inodes_count > sbi->s_inodes_per_group) {
		ext2_error(sb, "group %u descriptor: %u free blocks, %u free inodes", group,
			   gd->bg_free_blocks_count, gd->bg_free_inodes_count);
		return -EINVAL;
	}
	return 0;
}

static void put_group_desc(struct ext2_sb_info *sbi, u32 count)
{
	for (u32 i = 0; i < count; i++)
		brelse(sbi->s_group_desc[i]);
	kfree(sbi->s_group_desc);
	sbi->s_group_desc = NULL;
}

static int load_group_desc(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 i, first = sbi->s_es->s_first_data_block + 1;
	int err = 0;

	sbi->s_desc_per_block = (u32)sb->s_blocksize / sizeof(struct ext2_group_desc);
	sbi->s_gdb_count = (sbi->s_groups_count + sbi->s_desc_per_block - 1) /
			   sbi->s_desc_per_block;
	sbi->s_group_desc = kcalloc(sbi->s_gdb_count, sizeof(*sbi->s_group_desc), GFP_KERNEL);
	if (!sbi->s_group_desc)
		return -ENOMEM;
	for (i = 0; i < sbi->s_gdb_count; i++) {
		sbi->s_group_desc[i] = sb_bread(sb, first + i);
		if (IS_ERR(sbi->s_group_desc[i])) {
			err = PTR_ERR(sbi->s_group_desc[i]);
			ext2_error(sb, "group descriptor block %u: read error %d", first + i, err);
			goto put_descs;
		}
	}
	for (u32 g = 0; g < sbi->s_groups_count && !err; g++)
		err = check_descriptor(sb, g, ext2_get_group_desc(sb, g, NULL));
	if (!err)
		return 0;
put_descs:
	put_group_desc(sbi, i);
	return err;
}

/* ---- reading the superblock ---- */

/* Checks the magic at 1 KiB with 1 KiB buffers; the block size is then known. */
static int probe_super(struct super_block *sb, int silent, u32 *log_bs)
{
	struct buffer_head *bh = __bread(sb->s_bdev, 1, 1024);
	struct ext2_super_block *es;
	int err = 0;

	if (IS_ERR(bh))
		return silent ? -EINVAL : (int)PTR_ERR(bh);
	es = (struct ext2_super_block *)bh->b_data;
	if (es->s_magic != EXT2_SUPER_MAGIC) {
		if (!silent)
			ext2_error(sb, "no ext2 superblock (magic 0x%x)", es->s_magic);
		err = -EINVAL;
	} else if (es->s_log_block_size > EXT2_MAX_BLOCK_BITS - EXT2_MIN_BLOCK_BITS) {
		ext2_error(sb, "superblock: unsupported block size 1024 << %u",
			   es->s_log_block_size);
		err = -EINVAL;
	} else if (es->s_rev_level > 1) {
		ext2_error(sb, "superblock: unsupported revision %u", es->s_rev_level);
		err = -EINVAL;
	}
	*log_bs = es->s_log_block_size;
	brelse(bh);
	return err;
}

static int read_super(struct super_block *sb, int silent)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 log_bs = 0, blocknr;
	int err = probe_super(sb, silent, &log_bs);

	if (err)
		return err;
	if (sb_set_blocksize(sb, 1024u << log_bs) ||
	    sb->s_blocksize % sb->s_bdev->sector_size) {
		ext2_error(sb, "block size %u unusable on this device", 1024u << log_bs);
		return -EINVAL;
	}
	blocknr = EXT2_SB_OFFSET >> sb->s_blocksize_bits;
	sbi->s_sbh = sb_bread(sb, blocknr);
	if (IS_ERR(sbi->s_sbh)) {
		err = PTR_ERR(sbi->s_sbh);
		sbi->s_sbh = NULL;
		return err;
	}
	sbi->s_es = (struct ext2_super_block *)(sbi->s_sbh->b_data +
						EXT2_SB_OFFSET % sb->s_blocksize);
	sbi->s_addr_per_block = (u32)sb->s_blocksize / 4;
	return 0;
}

/* Geometry, features, then the descriptors. */
static int check_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	int err = check_groups(sb, es);

	if (!err)
		err = check_features(sb, es);
	if (err)
		return err;
	sbi->s_inodes_per_block = (u32)sb->s_blocksize / sbi->s_inode_size;
	sbi->s_itb_per_group = (sbi->s_inodes_per_group + sbi->s_inodes_per_block - 1) /
			       sbi->s_inodes_per_block;
	return load_group_desc(sb);
}

/* A writable mount marks the filesystem not clean until umount, as e2fsck expects. */
static void mark_mounted(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	sbi->s_was_clean = es->s_state & EXT2_VALID_FS;
	if (!sbi->s_was_clean)
		ext2_warn(sb, "filesystem not cleanly unmounted: run e2fsck");
	else if (es->s_state & EXT2_ERROR_FS)
		ext2_warn(sb, "filesystem has errors: run e2fsck");
	if (sb->s_flags & SB_RDONLY)
		return;
	es->s_state &= ~EXT2_VALID_FS;
	es->s_mnt_count++;
	ext2_sb_dirty(sb);
	sync_dirty_buffer(sbi->s_sbh);
}

static int fill_root(struct super_block *sb)
{
	struct inode *root = ext2_iget(sb, EXT2_ROOT_INO);

	if (IS_ERR(root))
		return PTR_ERR(root);
	if (!S_ISDIR(root->i_mode) || !root->i_size) {
		ext2_error(sb, "root inode is not a directory");
		iput(root);
		return -EUCLEAN;
	}
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int ext2_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	int err;

	(void)data;
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->s_alloc_lock);
	sb->s_fs_info = sbi;
	err = read_super(sb, silent);
	if (err)
		goto free_sbi;
	err = check_super(sb);
	if (err)
		goto put_sbh;
	sb->s_magic = EXT2_SUPER_MAGIC;
	sb->s_maxbytes = ext2_max_size(sb->s_blocksize_bits);
	sb->s_op = &ext2_sops;
	err = fill_root(sb);
	if (err)
		goto put_descs;
	mark_mounted(sb);
	return 0;
put_descs:
	sb->s_op = NULL;
	put_group_desc(sbi, sbi->s_gdb_count);
put_sbh:
	brelse(sbi->s_sbh);
free_sbi:
	sb->s_fs_info = NULL;
	kfree(sbi);
	return err;
}

/* ---- super_operations ---- */

static int ext2_sync_fs(struct super_block *sb, int wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	(void)wait;
	mutex_lock(&sbi->s_alloc_lock);
	sbi->s_es->s_wtime = (u32)current_time(NULL).tv_sec;
	ext2_sb_dirty(sb);
	mutex_unlock(&sbi->s_alloc_lock);
	return 0;
}

static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sbi)
		return;
	if (!(sb->s_flags & SB_RDONLY) && sbi->s_was_clean) {
		sbi->s_es->s_state |= EXT2_VALID_FS;
		ext2_sb_dirty(sb);
		sync_dirty_buffer(sbi->s_sbh);
	}
	put_group_desc(sbi, sbi->s_gdb_count);
	brelse(sbi->s_sbh);
	sb->s_fs_info = NULL;
	kfree(sbi);
}

static int ext2_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct ext2_super_block *es = EXT2_SB(sb)->s_es;

	buf->f_type = EXT2_SUPER_MAGIC;
	buf->f_bsize = (long)sb->s_blocksize;
	buf->f_blocks = es->s_blocks_count;
	buf->f_bfree = es->s_free_blocks_count;
	buf->f_bavail = es->s_free_blocks_count > es->s_r_blocks_count ?
			es->s_free_blocks_count - es->s_r_blocks_count : 0;
	buf->f_files = es->s_inodes_count;
	buf->f_ffree = es->s_free_inodes_count;
	buf->f_namelen = EXT2_NAME_LEN;
	return 0;
}

static struct inode *ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei), GFP_KERNEL);

	(void)sb;
	if (!ei)
		return NULL;
	mutex_init(&ei->i_map_lock);
	return &ei->vfs_inode;
}

static void ext2_free_inode_mem(struct inode *inode)
{
	kfree(inode->i_link);
	kfree(EXT2_I(inode));
}

static const struct super_operations ext2_sops = {
	.alloc_inode = ext2_alloc_inode,
	.free_inode = ext2_free_inode_mem,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.put_super = ext2_put_super,
	.sync_fs = ext2_sync_fs,
	.statfs = ext2_statfs,
};

static struct dentry *ext2_mount(struct file_system_type *type, int flags,
				 const char *dev_name, void *data)
{
	return mount_bdev(type, flags, dev_name, data, ext2_fill_super);
}

static struct file_system_type ext2_fs_type = {
	.owner = THIS_MODULE,
	.name = "ext2",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = ext2_mount,
	.kill_sb = kill_block_super,
};

static int __init ext2_init(void)
{
	return register_filesystem(&ext2_fs_type);
}

static void __exit ext2_exit(void)
{
	unregister_filesystem(&ext2_fs_type);
}

module_init(ext2_init);
module_exit(ext2_exit);
MODULE_ALIAS_FS("ext2");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ext2 filesystem (revision 0 and 1), read-write");
