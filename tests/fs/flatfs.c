/*
 * flatfs (format in flatfs.h): a disk filesystem module small enough to read in one sitting,
 * written like a real one against the VFS's page-cache helpers (get_block, inode_init_mapping,
 * generic_file_*, truncate_setsize, sb_bread...), so host tests and the fuzzer exercise
 * those. It registers two types: "flatfs", and "flatfs_nh", the same with FS_NO_HOLES.
 * Every on-disk value is checked before use: a damaged image may fail to mount or give
 * -EUCLEAN, never read or write outside the device or its own structures.
 */
#include <keel/blkdev.h>
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/module.h>
#include <keel/mutex.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "flatfs.h"

#define FLATFS_ROOT_INO 1
#define FLATFS_FIRST_INO 2 /* inode number of table entry 0 */

struct flat_info {
	struct flatfs_super d;      /* the superblock, checked */
	u32 data_start;
	struct buffer_head *bitmap; /* held while mounted */
	bool mounted;               /* fill_super finished: sync may write the superblock */
	struct mutex lock;          /* the table, the bitmap, free_blocks */
	struct flatfs_entry ents[FLATFS_MAX_FILES];
};

static const struct inode_operations flat_dir_iops, flat_file_iops;
static const struct file_operations flat_dir_fops, flat_file_fops;
static const struct address_space_operations flat_aops;

static struct flat_info *FI(struct super_block *sb) { return sb->s_fs_info; }

static struct flatfs_entry *flat_entry(struct inode *inode)
{
	return &FI(inode->i_sb)->ents[inode->i_ino - FLATFS_FIRST_INO];
}

static bool bit_test(const u8 *map, u32 b) { return map[b / 8] & (1u << (b % 8)); }
static void bit_flip(u8 *map, u32 b) { map[b / 8] ^= (u8)(1u << (b % 8)); }

/* lock held: a free data block, taken; 0 when the disk is full. It is not zeroed: the VFS
 * never reads a block get_block just allocated before writing it (fs.h, get_block_t). */
static u16 flat_alloc_block(struct super_block *sb)
{
	struct flat_info *fi = FI(sb);
	u8 *map = (u8 *)fi->bitmap->b_data;

	for (u32 b = fi->data_start; b < fi->d.nr_blocks; b++) {
		if (bit_test(map, b))
			continue;
		bit_flip(map, b);
		mark_buffer_dirty(fi->bitmap);
		fi->d.free_blocks--;
		return (u16)b;
	}
	return 0;
}

/* lock held: gives a file's blocks from index `from` on back to the bitmap. */
static void flat_free_blocks(struct super_block *sb, struct flatfs_entry *e, u32 from)
{
	struct flat_info *fi = FI(sb);

	for (u32 i = from; i < FLATFS_DIRECT; i++) {
		u32 b = e->blocks[i];

		e->blocks[i] = 0;
		if (b < fi->data_start || b >= fi->d.nr_blocks)
			continue; /* a hole, or damage already reported by get_block */
		if (bit_test((u8 *)fi->bitmap->b_data, b)) {
			bit_flip((u8 *)fi->bitmap->b_data, b);
			fi->d.free_blocks++;
		}
	}
	mark_buffer_dirty(fi->bitmap);
}

static int flat_get_block(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	struct flat_info *fi = FI(inode->i_sb);
	struct flatfs_entry *e = flat_entry(inode);
	int err = 0;

	*blocknr = 0;
	if (iblock >= FLATFS_DIRECT)
		return create ? -EFBIG : 0;
	mutex_lock(&fi->lock);
	if (e->blocks[iblock] && (e->blocks[iblock] < fi->data_start ||
				  e->blocks[iblock] >= fi->d.nr_blocks))
		err = -EUCLEAN;
	else if (!e->blocks[iblock] && create)
		e->blocks[iblock] = flat_alloc_block(inode->i_sb);
	if (!err && create && !e->blocks[iblock])
		err = -ENOSPC;
	*blocknr = err ? 0 : e->blocks[iblock];
	mutex_unlock(&fi->lock);
	if (create && !err)
		mark_inode_dirty(inode);
	return err;
}

static int flat_readpage(struct address_space *m, struct cache_page *page)
{
	return block_read_full_page(m, page, flat_get_block);
}

static int flat_writepage(struct address_space *m, struct cache_page *page)
{
	return block_write_full_page(m, page, flat_get_block);
}

static int flat_readahead(struct address_space *m, struct cache_page **pages, unsigned int nr)
{
	return block_readahead(m, pages, nr, flat_get_block);
}

static int flat_writepages(struct address_space *m, struct cache_page **pages, unsigned int nr)
{
	return block_writepages(m, pages, nr, flat_get_block);
}

/* A failed write must not keep the blocks it allocated past the end of the file (Linux's
 * ext2_write_failed): nothing would ever free them but unlink. */
static int flat_prepare_write(struct address_space *m, loff_t pos, size_t len)
{
	struct inode *inode = m->host;
	struct super_block *sb = inode->i_sb;
	int err = block_prepare_write(m, pos, len, flat_get_block);

	if (err) {
		mutex_lock(&FI(sb)->lock);
		flat_free_blocks(sb, flat_entry(inode),
				 (u32)(((u64)inode->i_size + sb->s_blocksize - 1) >> sb->s_blocksize_bits));
		mutex_unlock(&FI(sb)->lock);
	}
	return err;
}

/* Copies entry idx into its place in the table on disk (through the buffer cache). */
static int flat_write_entry(struct super_block *sb, u32 idx)
{
	u64 off = (u64)idx * FLATFS_ENTRY_SIZE;
	struct buffer_head *bh = sb_bread(sb, 2 + off / sb->s_blocksize);

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	mutex_lock(&FI(sb)->lock);
	memcpy(bh->b_data + off % sb->s_blocksize, &FI(sb)->ents[idx], FLATFS_ENTRY_SIZE);
	mutex_unlock(&FI(sb)->lock);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static u64 flat_count_blocks(const struct flatfs_entry *e, unsigned long bs)
{
	u64 n = 0;

	for (u32 i = 0; i < FLATFS_DIRECT; i++)
		n += e->blocks[i] ? bs / 512 : 0;
	return n;
}

static int flat_write_inode(struct inode *inode)
{
	struct flatfs_entry *e;

	if (inode->i_ino < FLATFS_FIRST_INO)
		return 0; /* the root lives nowhere on disk */
	e = flat_entry(inode);
	e->size = (u64)inode->i_size;
	inode->i_blocks = flat_count_blocks(e, inode->i_sb->s_blocksize);
	return flat_write_entry(inode->i_sb, (u32)(inode->i_ino - FLATFS_FIRST_INO));
}

/* The last reference to an unlinked file went: its blocks and its entry are free again. */
static void flat_evict_inode(struct inode *inode)
{
	struct flat_info *fi = FI(inode->i_sb);
	struct flatfs_entry *e;

	if (inode->i_nlink || inode->i_ino < FLATFS_FIRST_INO || (inode->i_sb->s_flags & SB_RDONLY))
		return;
	e = flat_entry(inode);
	mutex_lock(&fi->lock);
	flat_free_blocks(inode->i_sb, e, 0);
	memset(e, 0, sizeof(*e));
	mutex_unlock(&fi->lock);
	flat_write_entry(inode->i_sb, (u32)(inode->i_ino - FLATFS_FIRST_INO));
}

static void flat_fill_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	if (inode->i_ino == FLATFS_ROOT_INO) {
		inode->i_mode = S_IFDIR | 0755;
		set_nlink(inode, 2);
		inode->i_op = &flat_dir_iops;
		inode->i_fop = &flat_dir_fops;
		return;
	}
	inode->i_mode = S_IFREG | 0644;
	inode->i_size = (loff_t)flat_entry(inode)->size;
	inode->i_blocks = flat_count_blocks(flat_entry(inode), sb->s_blocksize);
	inode->i_op = &flat_file_iops;
	inode->i_fop = &flat_file_fops;
	inode_init_mapping(inode, &flat_aops);
}

/* The inode of the root (ino 1) or of table entry ino - 2; NULL without memory. */
static struct inode *flat_iget(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = iget_locked(sb, ino);

	if (inode && (inode->i_state & I_NEW)) {
		flat_fill_inode(inode);
		unlock_new_inode(inode);
	}
	return inode;
}

/* The entry called name, or -1. */
static int flat_find(struct flat_info *fi, const struct qstr *name)
{
	for (u32 i = 0; i < fi->d.nr_files; i++) {
		const struct flatfs_entry *e = &fi->ents[i];

		if (e->state == FLATFS_USED && strlen(e->name) == name->len &&
		    !memcmp(e->name, name->name, name->len))
			return (int)i;
	}
	return -1;
}

static struct dentry *flat_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	int idx = flat_find(FI(dir->i_sb), &dentry->d_name);
	struct inode *inode = NULL;

	if (idx >= 0) {
		inode = flat_iget(dir->i_sb, FLATFS_FIRST_INO + (unsigned long)idx);
		if (!inode)
			return ERR_PTR(-ENOMEM);
	}
	d_add(dentry, inode);
	return NULL;
}

static int flat_iterate(struct file *file, struct dir_context *ctx)
{
	struct flat_info *fi = FI(file_inode(file)->i_sb);

	if (!dir_emit_dots(file, ctx))
		return 0;
	for (; ctx->pos - 2 < fi->d.nr_files; ctx->pos++) {
		const struct flatfs_entry *e = &fi->ents[ctx->pos - 2];

		if (e->state == FLATFS_USED &&
		    !dir_emit(ctx, e->name, (int)strlen(e->name), (u64)ctx->pos, DT_REG))
			return 0;
	}
	return 0;
}

static int flat_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	struct flat_info *fi = FI(dir->i_sb);
	struct inode *inode;
	u32 i;

	if (dentry->d_name.len >= FLATFS_NAME_LEN)
		return -ENAMETOOLONG;
	for (i = 0; i < fi->d.nr_files && fi->ents[i].state != FLATFS_FREE; i++)
		;
	if (i == fi->d.nr_files)
		return -ENOSPC;
	memset(&fi->ents[i], 0, sizeof(fi->ents[i]));
	memcpy(fi->ents[i].name, dentry->d_name.name, dentry->d_name.len);
	fi->ents[i].state = FLATFS_USED;
	inode = flat_iget(dir->i_sb, FLATFS_FIRST_INO + i);
	if (!inode) {
		fi->ents[i].state = FLATFS_FREE;
		return -ENOMEM;
	}
	mark_inode_dirty(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/* The name goes now; the entry stays taken (nameless) until the inode is evicted. */
static int flat_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	flat_entry(inode)->name[0] = '\0';
	drop_nlink(inode);
	mark_inode_dirty(inode);
	return 0;
}

static int flat_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		       struct dentry *new_dentry, unsigned int flags)
{
	struct flatfs_entry *e = flat_entry(d_inode(old_dentry));

	if (flags)
		return -EINVAL;
	if (new_dentry->d_name.len >= FLATFS_NAME_LEN)
		return -ENAMETOOLONG;
	if (d_inode(new_dentry))
		flat_unlink(new_dir, new_dentry);
	memset(e->name, 0, sizeof(e->name));
	memcpy(e->name, new_dentry->d_name.name, new_dentry->d_name.len);
	mark_inode_dirty(d_inode(old_dentry));
	return 0;
}

static int flat_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct super_block *sb = inode->i_sb;
	int err = 0;
	u64 keep;

	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size > sb->s_maxbytes)
		return -EFBIG;
	if (attr->ia_valid & ATTR_SIZE) {
		err = truncate_setsize(inode, attr->ia_size);
		keep = ((u64)inode->i_size + sb->s_blocksize - 1) >> sb->s_blocksize_bits;
		mutex_lock(&FI(sb)->lock);
		flat_free_blocks(sb, flat_entry(inode), (u32)keep);
		mutex_unlock(&FI(sb)->lock);
	}
	if (err)
		return err;
	setattr_copy(inode, attr);
	mark_inode_dirty(inode);
	return 0;
}

/* Writes the in-memory superblock (free count, generation) to block 0. */
static int flat_sync_fs(struct super_block *sb, int wait)
{
	struct flat_info *fi = FI(sb);
	struct buffer_head *bh;

	if (!fi || !fi->mounted)
		return 0;
	bh = sb_bread(sb, 0);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	mutex_lock(&fi->lock);
	fi->d.generation++;
	memcpy(bh->b_data, &fi->d, sizeof(fi->d));
	mutex_unlock(&fi->lock);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static int flat_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct flat_info *fi = FI(dentry->d_sb);

	buf->f_bsize = (long)fi->d.block_size;
	buf->f_blocks = fi->d.nr_blocks;
	buf->f_bfree = buf->f_bavail = fi->d.free_blocks;
	buf->f_files = fi->d.nr_files;
	buf->f_namelen = FLATFS_NAME_LEN - 1;
	return 0;
}

static void flat_put_super(struct super_block *sb)
{
	struct flat_info *fi = FI(sb);

	if (!fi)
		return;
	brelse(fi->bitmap);
	kfree(fi);
	sb->s_fs_info = NULL;
}

static const struct super_operations flat_sops = {
	.write_inode = flat_write_inode,
	.evict_inode = flat_evict_inode,
	.put_super = flat_put_super,
	.sync_fs = flat_sync_fs,
	.statfs = flat_statfs,
};

/* The superblock's geometry, checked against the device: 0, -EINVAL (not flatfs), -EUCLEAN. */
static int flat_check_super(const struct flatfs_super *d, struct block_device *bdev)
{
	u64 dev_blocks;

	if (memcmp(d->magic, FLATFS_MAGIC, 8))
		return -EINVAL;
	if (d->block_size < 512 || d->block_size > 4096 || (d->block_size & (d->block_size - 1)) ||
	    d->block_size % bdev->sector_size)
		return -EUCLEAN;
	dev_blocks = bdev->nr_sectors / (d->block_size / bdev->sector_size);
	if (!d->nr_files || d->nr_files > FLATFS_MAX_FILES || d->nr_blocks > dev_blocks ||
	    d->nr_blocks > d->block_size * 8 ||
	    d->nr_blocks <= flatfs_data_start(d->nr_files, d->block_size))
		return -EUCLEAN;
	return 0;
}

/* Reads the superblock from the first sector straight from the device (no cached buffer of
 * a size that later sb_bread calls would conflict with). */
static int flat_read_super(struct super_block *sb, struct flatfs_super *d)
{
	u32 ss = sb->s_bdev->sector_size;
	u8 *sector;
	int err;

	if (ss < sizeof(*d) || ss > 4096)
		return -EINVAL;
	sector = kmalloc(ss, GFP_KERNEL);
	if (!sector)
		return -ENOMEM;
	err = blkdev_read(sb->s_bdev, 0, 1, sector);
	if (!err)
		memcpy(d, sector, sizeof(*d));
	kfree(sector);
	return err ? err : flat_check_super(d, sb->s_bdev);
}

/* Loads the table; entries that are not well-formed are marked used and nameless: hidden
 * and never reused, so nothing of theirs is freed or given to a new file. */
static int flat_load_table(struct super_block *sb, struct flat_info *fi)
{
	for (u32 i = 0; i < fi->d.nr_files; i++) {
		u64 off = (u64)i * FLATFS_ENTRY_SIZE;
		struct buffer_head *bh = sb_bread(sb, 2 + off / sb->s_blocksize);
		struct flatfs_entry *e = &fi->ents[i];

		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		memcpy(e, bh->b_data + off % sb->s_blocksize, sizeof(*e));
		brelse(bh);
		if (e->state == FLATFS_FREE)
			continue;
		if (e->state != FLATFS_USED || !memchr(e->name, 0, FLATFS_NAME_LEN) ||
		    e->size > (u64)FLATFS_DIRECT * sb->s_blocksize) {
			e->state = FLATFS_USED;
			e->name[0] = '\0';
		}
	}
	return 0;
}

static int flat_fill_super(struct super_block *sb, void *data, int silent)
{
	struct flat_info *fi = kzalloc(sizeof(*fi), GFP_KERNEL);
	struct inode *root;
	int err;

	if (!fi)
		return -ENOMEM;
	mutex_init(&fi->lock);
	sb->s_fs_info = fi;
	sb->s_op = &flat_sops;
	err = flat_read_super(sb, &fi->d);
	if (!err)
		err = sb_set_blocksize(sb, fi->d.block_size);
	if (err)
		return err;
	fi->data_start = flatfs_data_start(fi->d.nr_files, fi->d.block_size);
	sb->s_magic = 0x464c4154;
	sb->s_maxbytes = (loff_t)FLATFS_DIRECT * fi->d.block_size;
	fi->bitmap = sb_bread(sb, 1);
	if (IS_ERR(fi->bitmap)) {
		err = (int)PTR_ERR(fi->bitmap);
		fi->bitmap = NULL;
		return err;
	}
	err = flat_load_table(sb, fi);
	root = err ? NULL : flat_iget(sb, FLATFS_ROOT_INO);
	if (!err && !root)
		err = -ENOMEM;
	sb->s_root = root ? d_make_root(root) : NULL;
	if (!err && !sb->s_root)
		err = -ENOMEM;
	fi->mounted = !err;
	return err;
}

static struct dentry *flat_mount(struct file_system_type *type, int flags,
				 const char *dev_name, void *data)
{
	return mount_bdev(type, flags, dev_name, data, flat_fill_super);
}

static const struct address_space_operations flat_aops = {
	.readpage = flat_readpage,
	.writepage = flat_writepage,
	.readahead = flat_readahead,
	.writepages = flat_writepages,
	.prepare_write = flat_prepare_write,
};
static const struct inode_operations flat_dir_iops = {
	.lookup = flat_lookup,
	.create = flat_create,
	.unlink = flat_unlink,
	.rename = flat_rename,
};
static const struct inode_operations flat_file_iops = { .setattr = flat_setattr };
static const struct file_operations flat_dir_fops = { .iterate_shared = flat_iterate };
static const struct file_operations flat_file_fops = {
	.llseek = generic_file_llseek,
	.read = generic_file_read,
	.write = generic_file_write,
	.fsync = generic_file_fsync,
};

static struct file_system_type flat_type = {
	.name = "flatfs",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = flat_mount,
	.kill_sb = kill_block_super,
	.owner = THIS_MODULE,
};
static struct file_system_type flat_nh_type = {
	.name = "flatfs_nh",
	.fs_flags = FS_REQUIRES_DEV | FS_NO_HOLES,
	.mount = flat_mount,
	.kill_sb = kill_block_super,
	.owner = THIS_MODULE,
};

static int __init flatfs_init(void)
{
	int err = register_filesystem(&flat_type);

	if (!err)
		err = register_filesystem(&flat_nh_type);
	if (err)
		unregister_filesystem(&flat_type);
	return err;
}

static void __exit flatfs_exit(void)
{
	unregister_filesystem(&flat_nh_type);
	unregister_filesystem(&flat_type);
}

module_init(flatfs_init);
module_exit(flatfs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("flatfs: a test filesystem for the page-cache file path");
