/*
 * ramfs: a filesystem kept wholly in memory, the root filesystem the initrd is unpacked into.
 * Names and directories live in the dcache (pinned dentries, libfs helpers); a regular
 * file's bytes live in an array of 4 KiB pages allocated on first write (a hole reads as
 * zeros). Everything is lost at reboot; `df` shows the pages in use.
 *
 * Locking: the VFS holds the inode's i_rwsem across write and setattr, which are the only
 * paths that change the page array; reads take it too, so they never see a page array
 * being resized.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

#define RAMFS_MAGIC 0x858458f6
#define RAMFS_PAGE_SHIFT 12

struct ramfs_inode {
	struct inode vfs_inode;
	u8 **pages;      /* pages[i]: bytes i*4096..; NULL is a hole */
	size_t nr_slots; /* length of the pages array */
};

struct ramfs_sb_info {
	unsigned long pages_used;
};

static const struct inode_operations ramfs_dir_inode_operations;
static const struct inode_operations ramfs_file_inode_operations;
static const struct file_operations ramfs_file_operations;

static struct ramfs_inode *RAMFS_I(struct inode *inode)
{
	return container_of(inode, struct ramfs_inode, vfs_inode);
}

static struct ramfs_sb_info *RAMFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static struct inode *ramfs_alloc_inode(struct super_block *sb)
{
	struct ramfs_inode *ri = kzalloc(sizeof(*ri), GFP_KERNEL);

	return ri ? &ri->vfs_inode : NULL;
}

static void ramfs_free_inode(struct inode *inode)
{
	kfree(RAMFS_I(inode));
}

/* Frees the pages from index first on. */
static void ramfs_free_pages_from(struct inode *inode, size_t first)
{
	struct ramfs_inode *ri = RAMFS_I(inode);

	for (size_t i = first; i < ri->nr_slots; i++) {
		if (ri->pages[i]) {
			kfree(ri->pages[i]);
			ri->pages[i] = NULL;
			RAMFS_SB(inode->i_sb)->pages_used--;
			inode->i_blocks -= FS_PAGE_SIZE / 512;
		}
	}
}

static void ramfs_evict_inode(struct inode *inode)
{
	struct ramfs_inode *ri = RAMFS_I(inode);

	ramfs_free_pages_from(inode, 0);
	kfree(ri->pages);
	kfree(inode->i_link);
}

static struct inode *ramfs_get_inode(struct super_block *sb, struct inode *dir, umode_t mode,
				     dev_t dev)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode_init_owner(inode, dir, mode);
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &ramfs_file_inode_operations;
		inode->i_fop = &ramfs_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &ramfs_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode); /* "." */
		break;
	case S_IFLNK:
		inode->i_op = &simple_symlink_inode_operations;
		break;
	default:
		init_special_inode(inode, mode, dev); /* device nodes, fifos, sockets */
		break;
	}
	return inode;
}

/* Attaches a new inode of mode to dentry, pinned: the dentry now is the file. */
static int ramfs_make_node(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode = ramfs_get_inode(dir->i_sb, dir, mode, dev);

	if (!inode)
		return -ENOSPC;
	d_instantiate(dentry, inode);
	d_make_persistent(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

/* ->mknod: device nodes (devtmpfs is a ramfs), fifos and sockets. */
static int ramfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	if (!S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EINVAL;
	return ramfs_make_node(dir, dentry, mode, dev);
}

static int ramfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	return ramfs_make_node(dir, dentry, mode | S_IFREG, 0);
}

static int ramfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int ret = ramfs_make_node(dir, dentry, mode | S_IFDIR, 0);

	if (!ret)
		inc_nlink(dir); /* the child's ".." */
	return ret;
}

static int ramfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	struct inode *inode = ramfs_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	char *copy = kstrdup(target, GFP_KERNEL);

	if (!inode || !copy) {
		kfree(copy);
		iput(inode);
		return -ENOSPC;
	}
	inode->i_link = copy;
	inode->i_size = (loff_t)strlen(copy);
	d_instantiate(dentry, inode);
	d_make_persistent(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

/* Makes sure the page array has a slot for index (i_rwsem held). */
static int ramfs_grow_slots(struct ramfs_inode *ri, size_t index)
{
	size_t want = max(ri->nr_slots * 2, (size_t)8);
	u8 **pages;

	if (index < ri->nr_slots)
		return 0;
	while (want <= index)
		want *= 2;
	pages = krealloc(ri->pages, want * sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOSPC;
	memset(pages + ri->nr_slots, 0, (want - ri->nr_slots) * sizeof(*pages));
	ri->pages = pages;
	ri->nr_slots = want;
	return 0;
}

static u8 *ramfs_page_for_write(struct inode *inode, size_t index)
{
	struct ramfs_inode *ri = RAMFS_I(inode);

	if (ramfs_grow_slots(ri, index))
		return NULL;
	if (!ri->pages[index]) {
		ri->pages[index] = kzalloc(FS_PAGE_SIZE, GFP_KERNEL);
		if (!ri->pages[index])
			return NULL;
		RAMFS_SB(inode->i_sb)->pages_used++;
		inode->i_blocks += FS_PAGE_SIZE / 512;
	}
	return ri->pages[index];
}

static ssize_t ramfs_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	struct inode *inode = file_inode(file);
	size_t done = 0;

	while (done < len) {
		loff_t at = *pos + (loff_t)done;
		size_t off = (size_t)at & (FS_PAGE_SIZE - 1);
		size_t n = min(len - done, (size_t)FS_PAGE_SIZE - off);
		u8 *page = ramfs_page_for_write(inode, (size_t)(at >> RAMFS_PAGE_SHIFT));

		if (!page)
			break;
		memcpy(page + off, buf + done, n);
		done += n;
	}
	if (!done && len)
		return -ENOSPC;
	*pos += (loff_t)done;
	if (*pos > inode->i_size)
		inode->i_size = *pos;
	return (ssize_t)done;
}

static ssize_t ramfs_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct inode *inode = file_inode(file);
	struct ramfs_inode *ri = RAMFS_I(inode);
	size_t done = 0;

	inode_lock(inode);
	if (*pos < inode->i_size)
		len = (size_t)min((loff_t)len, inode->i_size - *pos);
	else
		len = 0;
	while (done < len) {
		loff_t at = *pos + (loff_t)done;
		size_t index = (size_t)(at >> RAMFS_PAGE_SHIFT);
		size_t off = (size_t)at & (FS_PAGE_SIZE - 1);
		size_t n = min(len - done, (size_t)FS_PAGE_SIZE - off);

		if (index < ri->nr_slots && ri->pages[index])
			memcpy(buf + done, ri->pages[index] + off, n);
		else
			memset(buf + done, 0, n);
		done += n;
	}
	inode_unlock(inode);
	*pos += (loff_t)done;
	return (ssize_t)done;
}

/* i_rwsem held: frees whole pages past size and zeroes the tail of the last one. */
static void ramfs_truncate(struct inode *inode, loff_t size)
{
	struct ramfs_inode *ri = RAMFS_I(inode);
	size_t keep = (size_t)((size + FS_PAGE_SIZE - 1) >> RAMFS_PAGE_SHIFT);
	size_t off = (size_t)size & (FS_PAGE_SIZE - 1);

	ramfs_free_pages_from(inode, keep);
	if (off && keep - 1 < ri->nr_slots && ri->pages[keep - 1])
		memset(ri->pages[keep - 1] + off, 0, FS_PAGE_SIZE - off);
	inode->i_size = size;
}

static int ramfs_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;

	if (attr->ia_valid & ATTR_SIZE)
		ramfs_truncate(inode, attr->ia_size);
	setattr_copy(inode, attr);
	return 0;
}

static int ramfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	simple_statfs(dentry, buf);
	buf->f_blocks = RAMFS_SB(dentry->d_sb)->pages_used;
	return 0;
}

static const struct super_operations ramfs_ops = {
	.alloc_inode = ramfs_alloc_inode,
	.free_inode = ramfs_free_inode,
	.evict_inode = ramfs_evict_inode,
	.statfs = ramfs_statfs,
};

static const struct inode_operations ramfs_dir_inode_operations = {
	.lookup = simple_lookup,
	.create = ramfs_create,
	.link = simple_link,
	.unlink = simple_unlink,
	.symlink = ramfs_symlink,
	.mkdir = ramfs_mkdir,
	.rmdir = simple_rmdir,
	.mknod = ramfs_mknod,
	.rename = simple_rename,
	.setattr = simple_setattr,
};

static const struct inode_operations ramfs_file_inode_operations = {
	.setattr = ramfs_setattr,
};

static const struct file_operations ramfs_file_operations = {
	.llseek = generic_file_llseek,
	.read = ramfs_read,
	.write = ramfs_write,
	.fsync = noop_fsync,
};

int ramfs_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root;

	sb->s_fs_info = kzalloc(sizeof(struct ramfs_sb_info), GFP_KERNEL);
	if (!sb->s_fs_info)
		return -ENOMEM;
	sb->s_magic = RAMFS_MAGIC;
	sb->s_op = &ramfs_ops;
	root = ramfs_get_inode(sb, NULL, S_IFDIR | 0755, 0);
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *ramfs_mount(struct file_system_type *type, int flags,
				  const char *dev_name, void *data)
{
	return mount_nodev(type, flags, data, ramfs_fill_super);
}

void ramfs_kill_sb(struct super_block *sb)
{
	kill_litter_super(sb);
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

static struct file_system_type ramfs_fs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
	.kill_sb = ramfs_kill_sb,
};

int init_ramfs_fs(void)
{
	return register_filesystem(&ramfs_fs_type);
}
