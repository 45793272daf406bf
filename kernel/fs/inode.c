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
#include <keel/string.h>
#include "fs/internal.h"

#define I_HASH_SIZE 64

static DEFINE_SPINLOCK(inode_hash_lock);
static struct hlist_head inode_hashtable[I_HASH_SIZE];
static unsigned long last_ino;

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

/*
 * A second caller finding an I_NEW inode gets it as it is: filesystems call iget_locked with
 * the parent directory's i_rwsem held, which serialises the fill of one name's inode. A hard
 * link in two directories filled at once is the gap (the page cache slice adds a wait).
 */
struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *old;

	spin_lock(&inode_hash_lock);
	old = find_inode(sb, ino);
	if (old)
		old->i_count++;
	spin_unlock(&inode_hash_lock);
	if (old)
		return old;
	inode = alloc_inode(sb);
	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_state = I_NEW;
	spin_lock(&inode_hash_lock);
	old = find_inode(sb, ino); /* alloc_inode may have slept */
	if (old) {
		old->i_count++;
	} else {
		hlist_add_head(&inode->i_hash, i_bucket(sb, ino));
	}
	spin_unlock(&inode_hash_lock);
	if (old) {
		inode->i_state = 0;
		iput(inode);
		return old;
	}
	return inode;
}

void unlock_new_inode(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_state &= ~I_NEW;
	spin_unlock(&inode_hash_lock);
}

void iget_failed(struct inode *inode)
{
	clear_nlink(inode);
	unlock_new_inode(inode);
	iput(inode);
}

struct inode *ihold(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_count++;
	spin_unlock(&inode_hash_lock);
	return inode;
}

static void destroy_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	if (sb->s_op && sb->s_op->evict_inode)
		sb->s_op->evict_inode(inode);
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
}
