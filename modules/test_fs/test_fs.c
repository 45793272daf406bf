/*
 * Test module: a tiny filesystem type "testfs" (a root directory with one read-only file,
 * "hello"), built on the VFS's exported helpers. tests/test_vfs.py mounts it with
 * `mount -t testfs`, which autoloads this module through its fs-testfs alias, and checks
 * that rmmod is refused while it is mounted. testbfs.c adds "testbfs", a one-file filesystem
 * on a block device, for mounting partitions by /dev path (tests/test_devtmpfs.py).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/module.h>
#include <keel/string.h>
#include "test_fs.h"

#define TESTFS_MAGIC 0x74657374

static const char hello_text[] = "hello from testfs\n";

static ssize_t hello_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	loff_t size = sizeof(hello_text) - 1;
	size_t n;

	if (*pos >= size)
		return 0;
	n = min(len, (size_t)(size - *pos));
	memcpy(buf, hello_text + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static const struct file_operations hello_fops = {
	.owner = THIS_MODULE,
	.llseek = generic_file_llseek,
	.read = hello_read,
};

static const struct inode_operations testfs_dir_iops = {
	.lookup = simple_lookup,
};

static const struct super_operations testfs_sops = {
	.statfs = simple_statfs,
};

static struct inode *testfs_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (inode)
		inode_init_owner(inode, NULL, mode);
	return inode;
}

/* Adds "hello" under the root; the dentry is pinned, like ramfs's. */
static int testfs_add_hello(struct super_block *sb)
{
	struct dentry *d = d_alloc_name(sb->s_root, "hello");
	struct inode *inode = testfs_inode(sb, S_IFREG | 0444);

	if (!d || !inode) {
		dput(d);
		iput(inode);
		return -ENOMEM;
	}
	inode->i_fop = &hello_fops;
	inode->i_size = sizeof(hello_text) - 1;
	d_add(d, inode);
	d_make_persistent(d);
	dput(d);
	return 0;
}

static int testfs_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root = testfs_inode(sb, S_IFDIR | 0555);

	sb->s_magic = TESTFS_MAGIC;
	sb->s_op = &testfs_sops;
	if (root) {
		root->i_op = &testfs_dir_iops;
		root->i_fop = &simple_dir_operations;
		set_nlink(root, 2);
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	return testfs_add_hello(sb);
}

static struct dentry *testfs_mount(struct file_system_type *type, int flags,
				   const char *dev_name, void *data)
{
	return mount_nodev(type, flags, data, testfs_fill_super);
}

static struct file_system_type testfs_type = {
	.owner = THIS_MODULE,
	.name = "testfs",
	.mount = testfs_mount,
	.kill_sb = kill_litter_super,
};

static int __init test_fs_init(void)
{
	int ret = register_filesystem(&testfs_type);

	if (ret)
		return ret;
	ret = testbfs_register();
	if (ret)
		unregister_filesystem(&testfs_type);
	return ret;
}

static void __exit test_fs_exit(void)
{
	testbfs_unregister();
	unregister_filesystem(&testfs_type);
}

module_init(test_fs_init);
module_exit(test_fs_exit);
MODULE_ALIAS_FS("testfs");
MODULE_ALIAS_FS("testbfs");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a one-file filesystem for the VFS tests");
