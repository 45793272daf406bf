/*
 * "testbfs": the smallest filesystem on a block device, so the tests can mount a partition
 * (mount /dev/hda1 /mnt, or by its bare name) before vfat and ext2 exist. Its first 512 bytes
 * start with the magic "KEELTBFS" followed by a NUL-terminated label (at most 55 bytes); the
 * root directory holds one read-only file, "label", with the label and a newline.
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/minmax.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "test_fs.h"

#define TESTBFS_MAGIC 0x74626673
#define TESTBFS_SIGNATURE "KEELTBFS"
#define TESTBFS_LABEL_MAX 56

static ssize_t label_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	const char *label = file_inode(file)->i_private;
	size_t size = strlen(label), n;

	if (*pos < 0 || (u64)*pos >= size)
		return 0;
	n = min(len, size - (size_t)*pos);
	memcpy(buf, label + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static const struct file_operations label_fops = {
	.owner = THIS_MODULE,
	.llseek = generic_file_llseek,
	.read = label_read,
};

static const struct inode_operations testbfs_dir_iops = {
	.lookup = simple_lookup,
};

static void testbfs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
}

static const struct super_operations testbfs_sops = {
	.statfs = simple_statfs,
	.put_super = testbfs_put_super,
};

/* The label of the first block ("label\n"), or an ERR_PTR: -EINVAL when the magic is not
 * there, the read's error otherwise. */
static char *testbfs_read_label(struct super_block *sb)
{
	struct buffer_head *bh = sb_bread(sb, 0);
	char *label;

	if (IS_ERR(bh))
		return ERR_PTR(PTR_ERR(bh));
	label = ERR_PTR(-EINVAL);
	if (!memcmp(bh->b_data, TESTBFS_SIGNATURE, 8)) {
		label = kzalloc(TESTBFS_LABEL_MAX + 1, GFP_KERNEL);
		if (label)
			snprintf(label, TESTBFS_LABEL_MAX + 1, "%.*s\n", TESTBFS_LABEL_MAX - 1,
				 bh->b_data + 8);
		else
			label = ERR_PTR(-ENOMEM);
	}
	brelse(bh);
	return label;
}

static struct inode *testbfs_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (inode)
		inode_init_owner(inode, NULL, mode);
	return inode;
}

static int testbfs_add_label(struct super_block *sb)
{
	struct dentry *d = d_alloc_name(sb->s_root, "label");
	struct inode *inode = testbfs_inode(sb, S_IFREG | 0444);

	if (!d || !inode) {
		dput(d);
		iput(inode);
		return -ENOMEM;
	}
	inode->i_fop = &label_fops;
	inode->i_private = sb->s_fs_info;
	inode->i_size = (loff_t)strlen(sb->s_fs_info);
	d_add(d, inode);
	d_make_persistent(d);
	dput(d);
	return 0;
}

static int testbfs_fill_super(struct super_block *sb, void *data, int silent)
{
	char *label;
	struct inode *root;
	int ret = sb_set_blocksize(sb, 512);

	if (ret)
		return ret;
	label = testbfs_read_label(sb);
	if (IS_ERR(label)) {
		if (!silent)
			pr_err("testbfs: %s: no testbfs signature\n", sb->s_id);
		return (int)PTR_ERR(label);
	}
	sb->s_fs_info = label;
	sb->s_magic = TESTBFS_MAGIC;
	sb->s_op = &testbfs_sops;
	sb->s_flags |= SB_RDONLY;
	root = testbfs_inode(sb, S_IFDIR | 0555);
	if (root) {
		root->i_op = &testbfs_dir_iops;
		root->i_fop = &simple_dir_operations;
		set_nlink(root, 2);
	}
	sb->s_root = d_make_root(root);
	return sb->s_root ? testbfs_add_label(sb) : -ENOMEM;
}

static struct dentry *testbfs_mount(struct file_system_type *type, int flags,
				    const char *dev_name, void *data)
{
	return mount_bdev(type, flags, dev_name, data, testbfs_fill_super);
}

/* kill_block_super without the pinned "label" dentry leaking: litter first, then the
 * device (read-only: nothing to write back). */
static void testbfs_kill_sb(struct super_block *sb)
{
	struct block_device *bdev = sb->s_bdev;

	kill_litter_super(sb);
	blkdev_put(bdev);
}

static struct file_system_type testbfs_type = {
	.owner = THIS_MODULE,
	.name = "testbfs",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = testbfs_mount,
	.kill_sb = testbfs_kill_sb,
};

int testbfs_register(void)
{
	return register_filesystem(&testbfs_type);
}

void testbfs_unregister(void)
{
	unregister_filesystem(&testbfs_type);
}
