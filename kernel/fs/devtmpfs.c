/*
 * devtmpfs (Linux's drivers/base/devtmpfs.c): a ramfs of its own type, mounted on /dev at
 * boot, in which the kernel makes a node for each device a driver registers (block devices
 * and their partitions, character devices) and removes it when the driver goes. The kernel
 * keeps its own reference to the mount: the nodes are made in its root directly, whatever
 * is mounted where, and /dev cannot be unmounted from under it.
 */
#define pr_fmt(fmt) "devtmpfs: " fmt

#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

static struct path devtmpfs_root; /* a reference, once mounted */
static bool devtmpfs_mounted;
static DEFINE_MUTEX(devtmpfs_lock); /* one node change at a time: create and delete pair up */

/* Who made each node, so that nodes a module forgot can go when it is unloaded. */
struct devtmpfs_node {
	char name[NAME_MAX + 1];
	unsigned long creator;
	struct list_head list;
};
static LIST_HEAD(devtmpfs_nodes); /* devtmpfs_lock */

/* devtmpfs_lock held. */
static void node_record(const char *name, unsigned long creator)
{
	struct devtmpfs_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return; /* only the unload-time cleanup misses it */
	strlcpy(n->name, name, sizeof(n->name));
	n->creator = creator;
	list_add_tail(&n->list, &devtmpfs_nodes);
}

/* devtmpfs_lock held. */
static void node_forget(const char *name)
{
	struct devtmpfs_node *n;

	list_for_each_entry(n, &devtmpfs_nodes, list) {
		if (!strcmp(n->name, name)) {
			list_del(&n->list);
			kfree(n);
			return;
		}
	}
}

static struct dentry *devtmpfs_mount(struct file_system_type *type, int flags,
				     const char *dev_name, void *data)
{
	if (devtmpfs_mounted)
		return ERR_PTR(-EBUSY); /* one instance: the one the kernel fills */
	return mount_nodev(type, flags, data, ramfs_fill_super);
}

static struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.mount = devtmpfs_mount,
	.kill_sb = ramfs_kill_sb,
};

static bool node_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, NAME_MAX + 1) : 0;

	return len && len <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* devtmpfs_lock held: the child called name of the root, locked, with a reference. */
static struct dentry *node_lookup(const char *name)
{
	struct qstr q = { .name = name, .len = (u32)strlen(name) };
	struct dentry *dir = devtmpfs_root.dentry;
	struct dentry *d;

	inode_lock(dir->d_inode);
	d = lookup_one_locked(dir, &q);
	if (IS_ERR(d))
		inode_unlock(dir->d_inode);
	return d;
}

static void node_done(struct dentry *d)
{
	dput(d);
	inode_unlock(devtmpfs_root.dentry->d_inode);
}

int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev)
{
	struct inode *dir;
	struct dentry *d;
	int ret;

	if (!node_name_ok(name) || (!S_ISCHR(mode) && !S_ISBLK(mode)))
		return -EINVAL;
	mutex_lock(&devtmpfs_lock);
	ret = -ENODEV;
	if (!devtmpfs_mounted)
		goto unlock;
	d = node_lookup(name);
	ret = IS_ERR(d) ? (int)PTR_ERR(d) : 0;
	if (ret)
		goto unlock;
	dir = devtmpfs_root.dentry->d_inode;
	ret = d_is_negative(d) ? dir->i_op->mknod(dir, d, mode, dev) : -EEXIST;
	if (!ret)
		node_record(name, (unsigned long)__builtin_return_address(0));
	node_done(d);
unlock:
	mutex_unlock(&devtmpfs_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(devtmpfs_create_node);

static int devtmpfs_delete_locked(const char *name);

int devtmpfs_delete_node(const char *name)
{
	int ret;

	if (!node_name_ok(name))
		return -EINVAL;
	mutex_lock(&devtmpfs_lock);
	ret = devtmpfs_delete_locked(name);
	mutex_unlock(&devtmpfs_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(devtmpfs_delete_node);

/* devtmpfs_lock held. */
static int devtmpfs_delete_locked(const char *name)
{
	struct inode *dir;
	struct dentry *d;
	int ret;

	if (!devtmpfs_mounted)
		return -ENODEV;
	d = node_lookup(name);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = devtmpfs_root.dentry->d_inode;
	ret = -ENOENT; /* only device nodes: a file someone made in /dev stays */
	if (d->d_inode && (S_ISCHR(d->d_inode->i_mode) || S_ISBLK(d->d_inode->i_mode)))
		ret = dir->i_op->unlink(dir, d);
	if (!ret) {
		d_delete(d);
		node_forget(name);
	}
	node_done(d);
	return ret;
}

unsigned int devtmpfs_release_range(unsigned long start, unsigned long end)
{
	struct devtmpfs_node *n, *tmp;
	unsigned int count = 0;
	char name[NAME_MAX + 1];

	mutex_lock(&devtmpfs_lock);
	list_for_each_entry_safe(n, tmp, &devtmpfs_nodes, list) {
		if (n->creator < start || n->creator >= end)
			continue;
		strlcpy(name, n->name, sizeof(name));
		pr_warn("/dev/%s was left behind by its module: removed\n", name);
		if (devtmpfs_delete_locked(name)) /* not a device node any more: just forget */
			node_forget(name);
		count++;
	}
	mutex_unlock(&devtmpfs_lock);
	return count;
}

void devtmpfs_init(void)
{
	int ret = register_filesystem(&devtmpfs_fs_type);

	if (!ret)
		ret = do_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	if (!ret)
		ret = kern_path("/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &devtmpfs_root);
	if (ret) {
		pr_err("cannot mount devtmpfs on /dev: %s\n", errno_name(ret));
		return;
	}
	devtmpfs_mounted = true;
	pr_info("mounted on /dev\n");
}
