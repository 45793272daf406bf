/*
 * Inodes: allocation, reference counting and the (superblock, inode number) hash disk
 * filesystems look their inodes up in (iget_locked). There is no cache of unused inodes: the
 * dcache keeps the inodes of cached names alive, and the last iput evicts the inode.
 *
 * Locking: inode_hash_lock (a spinlock) covers the hash, every sb->s_inodes list, i_count
 * and i_state. ->evict_inode and ->free_inode are called without it (they may sleep).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/ktime.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "fs/internal.h"

#define I_HASH_SIZE 64

static DEFINE_SPINLOCK(inode_hash_lock);
static struct hlist_head inode_hashtable[I_HASH_SIZE];
static unsigned long last_ino;
static DECLARE_WAIT_QUEUE_HEAD(inode_new_wait); /* I_NEW inodes being filled */

static struct hlist_head *i_bucket(struct super_block *sb, unsigned long ino)
{
	unsigned long h = ino ^ ((unsigned long)sb >> 6);

	return &inode_hashtable[(h ^ (h >> 6)) % I_HASH_SIZE];
}

unsigned long get_next_ino(void)
{
	unsigned long ino;

	spin_lock(&inode_hash_lock);
	ino = ++last_ino;
	spin_unlock(&inode_hash_lock);
	return ino;
}

struct timespec64 current_time(struct inode *inode)
{
	u64 ns = ktime_get_ns();

	(void)inode;
	return (struct timespec64){ .tv_sec = (s64)(ns / 1000000000u),
				    .tv_nsec = (long)(ns % 1000000000u) };
}

static struct inode *alloc_inode(struct super_block *sb)
{
	struct inode *inode;

	if (sb->s_op && sb->s_op->alloc_inode)
		inode = sb->s_op->alloc_inode(sb);
	else
		inode = kzalloc(sizeof(*inode), GFP_KERNEL);
	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_count = 1;
	inode->i_nlink = 1;
	mutex_init(&inode->i_rwsem);
	INIT_HLIST_NODE(&inode->i_hash);
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	spin_lock(&inode_hash_lock);
	list_add_tail(&inode->i_sb_list, &sb->s_inodes);
	spin_unlock(&inode_hash_lock);
	return inode;
}

struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = alloc_inode(sb);

	if (inode)
		inode->i_ino = get_next_ino();
	return inode;
}

/* inode_hash_lock held */
static struct inode *find_inode(struct super_block *sb, unsigned long ino)
{
	struct hlist_node *pos;

	hlist_for_each(pos, i_bucket(sb, ino)) {
		struct inode *inode = hlist_entry(pos, struct inode, i_hash);

		if (inode->i_sb == sb && inode->i_ino == ino)
			return inode;
	}
	return NULL;
}

/* Takes a reference on the cached inode (sb, ino), if any. */
static struct inode *find_inode_get(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	spin_lock(&inode_hash_lock);
	inode = find_inode(sb, ino);
	if (inode)
		inode->i_count++;
	spin_unlock(&inode_hash_lock);
	return inode;
}

static bool inode_settled(struct inode *inode)
{
	unsigned int state;

	spin_lock(&inode_hash_lock);
	state = inode->i_state;
	spin_unlock(&inode_hash_lock);
	return !(state & I_NEW) || (state & I_BAD);
}

/* Waits until another caller filled the inode; false (reference dropped) when it failed. */
static bool wait_on_inode(struct inode *inode)
{
	wait_event(inode_new_wait, inode_settled(inode));
	if (!(inode->i_state & I_BAD))
		return true;
	iput(inode);
	return false;
}

/*
 * A caller finding an inode another caller is still filling (I_NEW) waits for
 * unlock_new_inode, or for iget_failed, after which it looks again (Linux's
 * wait_on_inode in iget_locked).
 */
struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *old;

again:
	old = find_inode_get(sb, ino);
	if (old) {
		if (!wait_on_inode(old))
			goto again;
		return old;
	}
	inode = alloc_inode(sb);
	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_state = I_NEW;
	spin_lock(&inode_hash_lock);
	old = find_inode(sb, ino); /* alloc_inode may have slept */
	if (old)
		old->i_count++;
	else
		hlist_add_head(&inode->i_hash, i_bucket(sb, ino));
	spin_unlock(&inode_hash_lock);
	if (!old)
		return inode;
	iput(inode); /* still I_NEW: freed without ->evict_inode */
	if (!wait_on_inode(old))
		goto again;
	return old;
}

void unlock_new_inode(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_state &= ~I_NEW;
	spin_unlock(&inode_hash_lock);
	wake_up_all(&inode_new_wait);
}

void iget_failed(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_state |= I_BAD;
	hlist_del_init(&inode->i_hash);
	spin_unlock(&inode_hash_lock);
	wake_up_all(&inode_new_wait);
	iput(inode); /* still I_NEW: freed without ->evict_inode */
}

struct inode *ihold(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_count++;
	spin_unlock(&inode_hash_lock);
	return inode;
}

void mark_inode_dirty(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_state |= I_DIRTY;
	spin_unlock(&inode_hash_lock);
}

int write_inode_now(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	bool dirty;
	int err;

	spin_lock(&inode_hash_lock);
	dirty = inode->i_state & I_DIRTY;
	inode->i_state &= ~I_DIRTY;
	spin_unlock(&inode_hash_lock);
	if (!dirty || !sb->s_op || !sb->s_op->write_inode || (sb->s_flags & SB_RDONLY))
		return 0;
	err = sb->s_op->write_inode(inode);
	if (err)
		mark_inode_dirty(inode);
	return err;
}

void inode_init_mapping(struct inode *inode, const struct address_space_operations *a_ops)
{
	char name[sizeof(inode->i_data.name)];

	snprintf(name, sizeof(name), "%s:%lu", inode->i_sb->s_id, inode->i_ino);
	mapping_init(&inode->i_data, a_ops, inode, name);
	inode->i_mapping = &inode->i_data;
}

/* The last reference went: a linked inode's data and metadata reach the disk first; an
 * unlinked one's cached pages are dropped before the filesystem frees its blocks. */
static void evict(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	bool keep = inode->i_nlink && !(sb->s_flags & SB_RDONLY);

	if (inode->i_mapping && keep)
		filemap_write_and_wait(inode->i_mapping);
	else if (inode->i_mapping)
		truncate_inode_pages(inode->i_mapping, 0);
	if (keep)
		write_inode_now(inode);
	if (sb->s_op && sb->s_op->evict_inode)
		sb->s_op->evict_inode(inode);
	if (inode->i_mapping)
		mapping_destroy(inode->i_mapping);
}

static void destroy_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	if (!(inode->i_state & I_NEW))
		evict(inode);
	else if (inode->i_mapping)
		mapping_destroy(inode->i_mapping);
	if (sb->s_op && sb->s_op->free_inode)
		sb->s_op->free_inode(inode);
	else
		kfree(inode);
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	spin_lock(&inode_hash_lock);
	if (--inode->i_count > 0) {
		spin_unlock(&inode_hash_lock);
		return;
	}
	if (!hlist_unhashed(&inode->i_hash))
		hlist_del_init(&inode->i_hash);
	list_del_init(&inode->i_sb_list);
	spin_unlock(&inode_hash_lock);
	destroy_inode(inode);
}

/* Held references on sb's settled inodes, in a kmalloc'd array; NULL when none or no memory. */
static struct inode **grab_sb_inodes(struct super_block *sb, size_t *nr)
{
	struct inode **v = NULL, *inode;
	size_t n = 0, cap;

	spin_lock(&inode_hash_lock);
	cap = list_count_nodes(&sb->s_inodes);
	spin_unlock(&inode_hash_lock);
	v = cap ? kmalloc_array(cap, sizeof(*v), GFP_KERNEL) : NULL;
	if (!v)
		goto out;
	spin_lock(&inode_hash_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		if (n == cap)
			break;
		if (inode->i_state & I_NEW)
			continue;
		inode->i_count++;
		v[n++] = inode;
	}
	spin_unlock(&inode_hash_lock);
out:
	*nr = n;
	return v;
}

int sync_sb_inodes(struct super_block *sb)
{
	size_t nr;
	struct inode **v = grab_sb_inodes(sb, &nr);
	int err = 0, ret;

	for (size_t i = 0; i < nr; i++) {
		ret = v[i]->i_mapping ? filemap_write_and_wait(v[i]->i_mapping) : 0;
		if (!err)
			err = ret;
		ret = write_inode_now(v[i]);
		if (!err)
			err = ret;
		iput(v[i]);
	}
	kfree(v);
	return err;
}

/* At umount every inode must be gone: one left means a reference leaked somewhere. */
void inode_sb_list_check(struct super_block *sb)
{
	unsigned long busy;

	spin_lock(&inode_hash_lock);
	busy = list_count_nodes(&sb->s_inodes);
	spin_unlock(&inode_hash_lock);
	if (busy)
		pr_err("VFS: busy inodes on umount of %s (%lu left): a reference leaked\n",
		       sb->s_id, busy);
}

void inode_init_owner(struct inode *inode, struct inode *dir, umode_t mode)
{
	(void)dir;
	inode->i_uid = 0;
	inode->i_gid = 0;
	inode->i_mode = mode;
}

void set_nlink(struct inode *inode, unsigned int nlink) { inode->i_nlink = nlink; }
void inc_nlink(struct inode *inode) { inode->i_nlink++; }
void clear_nlink(struct inode *inode) { inode->i_nlink = 0; }

void drop_nlink(struct inode *inode)
{
	if (inode->i_nlink)
		inode->i_nlink--;
}

void setattr_copy(struct inode *inode, const struct iattr *attr)
{
	if (attr->ia_valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->ia_mode & S_IALLUGO);
	if (attr->ia_valid & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (attr->ia_valid & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (attr->ia_valid & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (attr->ia_valid & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	if (attr->ia_valid & ATTR_CTIME)
		inode->i_ctime = attr->ia_ctime;
}

void generic_fillattr(struct inode *inode, struct kstat *stat)
{
	stat->ino = inode->i_ino;
	stat->mode = inode->i_mode;
	stat->nlink = inode->i_nlink;
	stat->uid = inode->i_uid;
	stat->gid = inode->i_gid;
	stat->size = inode->i_size;
	stat->blocks = inode->i_blocks;
	stat->blksize = inode->i_sb->s_blocksize ? inode->i_sb->s_blocksize : FS_PAGE_SIZE;
	stat->atime = inode->i_atime;
	stat->mtime = inode->i_mtime;
	stat->ctime = inode->i_ctime;
	stat->dev = 0;
	stat->rdev = inode->i_rdev;
}

/* Fifos and sockets: nothing to open until there are pipes and sockets. */
static int no_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

static const struct file_operations no_open_fops = {
	.open = no_open,
};

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = 0;
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		inode->i_fop = S_ISCHR(mode) ? &def_chr_fops : &def_blk_fops;
		inode->i_rdev = rdev;
	} else {
		inode->i_fop = &no_open_fops;
	}
}
