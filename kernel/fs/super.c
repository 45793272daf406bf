/*
 * Superblocks: one per mounted filesystem instance. mount_nodev/mount_bdev make one and let
 * the filesystem's fill_super fill it in; the last umount tears it down through the type's
 * kill_sb. Each superblock holds a reference on its type's module (taken by get_fs_type) and,
 * for disk filesystems, on its block device.
 *
 * Locking: super_blocks is covered by sb_lock (a mutex); s_active by namespace_sem.
 */
#define pr_fmt(fmt) "VFS: " fmt

#include <keel/blkdev.h>
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

static DEFINE_MUTEX(sb_lock);
static LIST_HEAD(super_blocks);

static struct super_block *alloc_super(struct file_system_type *type, int flags)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->s_type = type;
	sb->s_flags = (unsigned long)flags & SB_RDONLY;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = FS_PAGE_SIZE;
	sb->s_blocksize_bits = 12;
	mutex_init(&sb->s_vfs_rename_mutex);
	INIT_LIST_HEAD(&sb->s_inodes);
	strlcpy(sb->s_id, type->name, sizeof(sb->s_id));
	mutex_lock(&sb_lock);
	list_add_tail(&sb->s_list, &super_blocks);
	mutex_unlock(&sb_lock);
	return sb;
}

static void free_super(struct super_block *sb)
{
	mutex_lock(&sb_lock);
	list_del(&sb->s_list);
	mutex_unlock(&sb_lock);
	kfree(sb);
}

int sb_set_blocksize(struct super_block *sb, unsigned long size)
{
	unsigned char bits = 9;

	if (size < 512 || size > 65536 || (size & (size - 1)))
		return -EINVAL;
	while ((1ul << bits) < size)
		bits++;
	sb->s_blocksize = size;
	sb->s_blocksize_bits = bits;
	return 0;
}
EXPORT_SYMBOL_GPL(sb_set_blocksize);

/* Drops the dcache and calls put_super; what every kill_sb ends with. */
static void generic_shutdown_super(struct super_block *sb)
{
	struct dentry *root = sb->s_root;

	sync_filesystem(sb);
	shrink_dcache_sb(sb);
	sb->s_root = NULL;
	dput(root);
	shrink_dcache_sb(sb);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	inode_sb_list_check(sb);
}

void kill_anon_super(struct super_block *sb)
{
	generic_shutdown_super(sb);
}
EXPORT_SYMBOL_GPL(kill_anon_super);

void kill_litter_super(struct super_block *sb)
{
	if (sb->s_root)
		d_unpin_tree(sb->s_root);
	kill_anon_super(sb);
}
EXPORT_SYMBOL_GPL(kill_litter_super);

void kill_block_super(struct super_block *sb)
{
	struct block_device *bdev = sb->s_bdev;

	kill_anon_super(sb);
	if (bdev) {
		sync_blockdev(bdev);
		blkdev_put(bdev);
	}
}
EXPORT_SYMBOL_GPL(kill_block_super);

/* The last mount went (or fill_super failed): the type tears the superblock down. */
void deactivate_super(struct super_block *sb)
{
	struct file_system_type *type = sb->s_type;

	type->kill_sb(sb);
	free_super(sb);
	put_filesystem(type);
}

static struct dentry *fill_or_kill(struct super_block *sb, void *data, int flags,
				   int (*fill_super)(struct super_block *, void *, int))
{
	int ret = fill_super(sb, data, (flags & SB_SILENT) ? 1 : 0);

	if (!ret && !sb->s_root)
		ret = -EINVAL;
	if (ret) {
		sb->s_type->kill_sb(sb);
		free_super(sb);
		return ERR_PTR(ret);
	}
	return dget(sb->s_root);
}

struct dentry *mount_nodev(struct file_system_type *type, int flags, void *data,
			   int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	struct super_block *sb = alloc_super(type, flags);

	if (!sb)
		return ERR_PTR(-ENOMEM);
	return fill_or_kill(sb, data, flags, fill_super);
}
EXPORT_SYMBOL_GPL(mount_nodev);

static bool bdev_in_use(struct block_device *bdev)
{
	struct super_block *sb;
	bool used = false;

	mutex_lock(&sb_lock);
	list_for_each_entry(sb, &super_blocks, s_list)
		if (sb->s_bdev == bdev)
			used = true;
	mutex_unlock(&sb_lock);
	return used;
}

/*
 * The device a mount names: a path to a block device node ("/dev/hda1", what Linux takes)
 * or a bare device name ("hda1", what lsblk shows). 0 with a reference in *bdev; -ENODEV,
 * -ENOTBLK (a path to something else) or the path lookup's error.
 */
int mount_get_bdev(const char *dev_name, struct block_device **bdev)
{
	dev_t dev;
	int ret;

	if (dev_name && dev_name[0] == '/') {
		ret = lookup_bdev(dev_name, &dev);
		if (ret)
			return ret;
		*bdev = blkdev_get_by_dev(dev);
	} else {
		*bdev = blkdev_get_by_name(dev_name);
	}
	return *bdev ? 0 : -ENODEV;
}

struct dentry *mount_bdev(struct file_system_type *type, int flags, const char *dev_name,
			  void *data,
			  int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	struct block_device *bdev;
	struct super_block *sb;
	struct dentry *root;
	int ret = mount_get_bdev(dev_name, &bdev);

	if (ret)
		return ERR_PTR(ret);
	if (bdev_in_use(bdev)) {
		root = ERR_PTR(-EBUSY);
		goto put_bdev;
	}
	sb = alloc_super(type, flags);
	if (!sb) {
		root = ERR_PTR(-ENOMEM);
		goto put_bdev;
	}
	sb->s_bdev = bdev;
	strlcpy(sb->s_id, bdev->name, sizeof(sb->s_id));
	/* on failure, kill_sb (kill_block_super) releases the device */
	return fill_or_kill(sb, data, flags, fill_super);
put_bdev:
	blkdev_put(bdev);
	return root;
}
EXPORT_SYMBOL_GPL(mount_bdev);

/* A type's ->mount; the superblock keeps the module reference get_fs_type took. */
struct dentry *vfs_kern_mount_type(struct file_system_type *type, int flags,
				   const char *dev_name, void *data)
{
	return type->mount(type, flags, dev_name, data);
}

int sync_filesystem(struct super_block *sb)
{
	int err, ret;

	if (sb->s_flags & SB_RDONLY)
		return 0;
	err = sync_sb_inodes(sb);
	if (sb->s_op && sb->s_op->sync_fs) {
		ret = sb->s_op->sync_fs(sb, 1);
		if (!err)
			err = ret;
	}
	if (sb->s_bdev) {
		ret = sync_blockdev(sb->s_bdev);
		if (!err)
			err = ret;
	}
	return err;
}

int super_for_each(int (*fn)(struct super_block *sb))
{
	struct super_block *sb;
	int err = 0, ret;

	mutex_lock(&sb_lock);
	list_for_each_entry(sb, &super_blocks, s_list) {
		ret = fn(sb);
		if (ret && !err)
			err = ret;
	}
	mutex_unlock(&sb_lock);
	return err;
}
