/*
 * The proc filesystem type: one superblock (mounted on /proc at boot), its inodes, and the
 * file operations every proc file shares, which call the entry's show function or proc_ops.
 * Calls into a module's proc_ops run with the module held (taken at open, dropped at
 * release), so rmmod cannot free the code under an open file.
 */
#define pr_fmt(fmt) "proc: " fmt

#include <keel/errno.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include "fs/internal.h"
#include "fs/proc/internal.h"

#define PROC_SUPER_MAGIC 0x9fa0 /* Linux's */

struct super_block *proc_sb;

static const struct file_operations proc_reg_file_ops;
static const struct inode_operations proc_dir_inode_ops = {
	.lookup = simple_lookup,
};
/* /proc itself: the kernel's entries, and the per-process ones of base.c. */
static const struct inode_operations proc_root_inode_ops = {
	.lookup = proc_root_lookup,
};
static const struct file_operations proc_root_operations = {
	.llseek = generic_file_llseek,
	.iterate_shared = proc_root_readdir,
	.fsync = noop_fsync,
};

/*
 * Writers open with O_TRUNC (`echo 1 > /proc/x`): the size change means nothing to a
 * generated file and is ignored, as Linux's proc_setattr lets it pass; the rest is kept.
 */
static int proc_setattr(struct dentry *dentry, struct iattr *attr)
{
	attr->ia_valid &= ~ATTR_SIZE;
	setattr_copy(dentry->d_inode, attr);
	return 0;
}

static const struct inode_operations proc_file_inode_ops = {
	.setattr = proc_setattr,
};

static struct proc_dir_entry *PDE(const struct inode *inode)
{
	return inode->i_private;
}

void *pde_data(const struct inode *inode)
{
	return PDE(inode) ? PDE(inode)->data : NULL;
}
EXPORT_SYMBOL_GPL(pde_data);

struct inode *proc_get_inode(struct super_block *sb, struct proc_dir_entry *pde)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode_init_owner(inode, NULL, pde->mode);
	inode->i_private = pde;
	pde_get(pde); /* dropped at eviction */
	if (S_ISDIR(pde->mode)) {
		inode->i_op = &proc_dir_inode_ops;
		inode->i_fop = &simple_dir_operations;
		set_nlink(inode, 2);
	} else {
		inode->i_op = &proc_file_inode_ops;
		inode->i_fop = &proc_reg_file_ops; /* i_size stays 0, as on Linux */
	}
	return inode;
}

static void proc_evict_inode(struct inode *inode)
{
	if (proc_pid_evict_inode(inode))
		return;
	if (PDE(inode))
		pde_put(PDE(inode));
}

/* A removed entry cannot be opened; otherwise its module is held. 0 or -ENOENT. */
static int proc_get_owner(struct proc_dir_entry *pde)
{
	int ret = 0;

	mutex_lock(&proc_lock);
	if (pde->removed || !try_module_get(pde->owner))
		ret = -ENOENT;
	mutex_unlock(&proc_lock);
	return ret;
}

static int proc_reg_open(struct inode *inode, struct file *file)
{
	struct proc_dir_entry *pde = PDE(inode);
	int ret = proc_get_owner(pde);

	if (ret)
		return ret;
	if (pde->single_show) {
		ret = single_open(file, pde->single_show, pde->data);
		module_put(pde->owner); /* the text is made: no more calls into the module */
		return ret;
	}
	ret = pde->proc_ops->proc_open ? pde->proc_ops->proc_open(inode, file) : 0;
	if (ret)
		module_put(pde->owner);
	return ret;
}

static int proc_reg_release(struct inode *inode, struct file *file)
{
	struct proc_dir_entry *pde = PDE(inode);

	if (pde->single_show)
		return single_release(inode, file);
	if (pde->proc_ops->proc_release)
		pde->proc_ops->proc_release(inode, file);
	module_put(pde->owner);
	return 0;
}

static ssize_t proc_reg_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct proc_dir_entry *pde = PDE(file_inode(file));

	if (pde->single_show)
		return seq_read(file, buf, len, pos);
	return pde->proc_ops->proc_read ? pde->proc_ops->proc_read(file, buf, len, pos) : -EINVAL;
}

static ssize_t proc_reg_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	struct proc_dir_entry *pde = PDE(file_inode(file));

	if (pde->single_show || !pde->proc_ops->proc_write)
		return -EIO; /* Linux's answer for a proc file without a write */
	return pde->proc_ops->proc_write(file, buf, len, pos);
}

static loff_t proc_reg_llseek(struct file *file, loff_t offset, int whence)
{
	struct proc_dir_entry *pde = PDE(file_inode(file));

	if (pde->single_show)
		return seq_lseek(file, offset, whence);
	if (pde->proc_ops->proc_lseek)
		return pde->proc_ops->proc_lseek(file, offset, whence);
	return generic_file_llseek(file, offset, whence);
}

static const struct file_operations proc_reg_file_ops = {
	.open = proc_reg_open,
	.release = proc_reg_release,
	.read = proc_reg_read,
	.write = proc_reg_write,
	.llseek = proc_reg_llseek,
};

static const struct super_operations proc_sops = {
	.evict_inode = proc_evict_inode,
	.statfs = simple_statfs,
};

static int proc_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root = new_inode(sb);

	if (!root)
		return -ENOMEM;
	inode_init_owner(root, NULL, S_IFDIR | 0555);
	root->i_op = &proc_root_inode_ops;
	root->i_fop = &proc_root_operations;
	set_nlink(root, 2);
	sb->s_magic = PROC_SUPER_MAGIC;
	sb->s_op = &proc_sops;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

/* One instance, as entries are made in it: a second mount of proc is refused. */
static struct dentry *proc_mount(struct file_system_type *type, int flags,
				 const char *dev_name, void *data)
{
	struct dentry *root;

	if (proc_sb)
		return ERR_PTR(-EBUSY);
	root = mount_nodev(type, flags, data, proc_fill_super);
	if (!IS_ERR(root))
		proc_sb = root->d_sb;
	return root;
}

static void proc_kill_sb(struct super_block *sb)
{
	proc_sb = NULL;
	kill_litter_super(sb);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.mount = proc_mount,
	.kill_sb = proc_kill_sb,
};

int proc_fs_register(void)
{
	return register_filesystem(&proc_fs_type);
}

/* Held for good, as Linux's kern_mount: entries live in this superblock, so /proc cannot
 * be unmounted from under them (umount /proc says EBUSY). */
static struct path proc_root_path;

void proc_root_init(void)
{
	int ret = proc_fs_register();

	if (!ret)
		ret = do_mount("proc", "/proc", "proc", 0, NULL);
	if (!ret)
		ret = kern_path("/proc", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &proc_root_path);
	if (ret) {
		pr_err("cannot mount proc on /proc: %s\n", errno_name(ret));
		return;
	}
	proc_create_kernel_files();
}
