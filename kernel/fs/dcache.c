/*
 * The dentry cache: every name the VFS has looked up, positive (with its inode) or negative
 * (the name is known not to exist), hashed by (parent, name) so a path walk finds a component
 * without asking the filesystem. A dentry holds a reference on its parent and on its inode.
 * Unused dentries (count 0) stay hashed on an LRU list; beyond DCACHE_UNUSED_MAX the oldest
 * are freed. Memory filesystems pin their positive dentries (DCACHE_PINNED): those are the
 * files themselves.
 *
 * Locking: dcache_lock (a spinlock) covers the hash, the LRU, every d_subdirs list, d_count,
 * d_flags, d_inode, d_name and d_parent. Inodes are released (iput, which may sleep) only
 * after dropping it.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

#define D_HASH_BITS 8
#define D_HASH_SIZE (1u << D_HASH_BITS)
#define DCACHE_UNUSED_MAX 1024

DEFINE_SPINLOCK(dcache_lock);
static struct hlist_head dentry_hashtable[D_HASH_SIZE];
static LIST_HEAD(dentry_lru);
static unsigned long nr_dentries, nr_unused;

static u32 full_name_hash(const char *name, u32 len)
{
	u32 h = 2166136261u; /* FNV-1a */

	for (u32 i = 0; i < len; i++)
		h = (h ^ (u8)name[i]) * 16777619u;
	return h;
}

void d_hash_name(const struct dentry *parent, struct qstr *name)
{
	if (parent && parent->d_op && parent->d_op->d_hash)
		name->hash = parent->d_op->d_hash(parent, name->name, name->len);
	else
		name->hash = full_name_hash(name->name, name->len);
}

static struct hlist_head *d_bucket(const struct dentry *parent, u32 hash)
{
	unsigned long h = hash ^ ((unsigned long)parent >> 4);

	return &dentry_hashtable[(h ^ (h >> D_HASH_BITS)) & (D_HASH_SIZE - 1)];
}

static bool d_name_matches(const struct dentry *d, const struct qstr *name)
{
	if (d->d_name.hash != name->hash)
		return false;
	if (d->d_parent->d_op && d->d_parent->d_op->d_compare)
		return d->d_parent->d_op->d_compare(d, d->d_name.len, d->d_name.name, name) == 0;
	return d->d_name.len == name->len && memcmp(d->d_name.name, name->name, name->len) == 0;
}

/* dcache_lock held: takes a reference, leaving the LRU if it was unused. */
static void __dget(struct dentry *d)
{
	if (d->d_count++ == 0) {
		list_del_init(&d->d_lru);
		nr_unused--;
	}
}

struct dentry *dget(struct dentry *d)
{
	if (d) {
		spin_lock(&dcache_lock);
		__dget(d);
		spin_unlock(&dcache_lock);
	}
	return d;
}

struct dentry *dget_parent(struct dentry *d)
{
	struct dentry *parent;

	spin_lock(&dcache_lock);
	parent = d->d_parent;
	__dget(parent);
	spin_unlock(&dcache_lock);
	return parent;
}

static struct dentry *__d_alloc(struct super_block *sb, const struct qstr *name)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);
	char *copy = kmalloc(name->len + 1, GFP_KERNEL);

	if (!d || !copy) {
		kfree(d);
		kfree(copy);
		return NULL;
	}
	memcpy(copy, name->name, name->len);
	copy[name->len] = '\0';
	d->d_name = (struct qstr){ .name = copy, .len = name->len, .hash = name->hash };
	d->d_count = 1;
	d->d_sb = sb;
	d->d_parent = d;
	INIT_HLIST_NODE(&d->d_hash);
	INIT_LIST_HEAD(&d->d_child);
	INIT_LIST_HEAD(&d->d_subdirs);
	INIT_LIST_HEAD(&d->d_lru);
	return d;
}

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = __d_alloc(parent->d_sb, name);

	if (!d)
		return NULL;
	d->d_op = parent->d_op;
	spin_lock(&dcache_lock);
	__dget(parent);
	d->d_parent = parent;
	list_add_tail(&d->d_child, &parent->d_subdirs);
	nr_dentries++;
	spin_unlock(&dcache_lock);
	return d;
}

struct dentry *d_alloc_name(struct dentry *parent, const char *name)
{
	struct qstr q = { .name = name, .len = (u32)strlen(name) };

	d_hash_name(parent, &q);
	return d_alloc(parent, &q);
}

struct dentry *d_make_root(struct inode *root_inode)
{
	static const struct qstr slash = { .name = "/", .len = 1 };
	struct dentry *d;

	if (!root_inode)
		return NULL;
	d = __d_alloc(root_inode->i_sb, &slash);
	if (!d) {
		iput(root_inode);
		return NULL;
	}
	d->d_inode = root_inode;
	spin_lock(&dcache_lock);
	nr_dentries++;
	spin_unlock(&dcache_lock);
	return d;
}

static void __d_rehash(struct dentry *d)
{
	hlist_add_head(&d->d_hash, d_bucket(d->d_parent, d->d_name.hash));
	d->d_flags |= DCACHE_HASHED;
}

static void __d_drop(struct dentry *d)
{
	if (d->d_flags & DCACHE_HASHED) {
		hlist_del_init(&d->d_hash);
		d->d_flags &= ~DCACHE_HASHED;
	}
}

void d_add(struct dentry *d, struct inode *inode)
{
	spin_lock(&dcache_lock);
	d->d_inode = inode;
	if (!(d->d_flags & DCACHE_HASHED))
		__d_rehash(d);
	spin_unlock(&dcache_lock);
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	spin_lock(&dcache_lock);
	d->d_inode = inode;
	spin_unlock(&dcache_lock);
}

void d_drop(struct dentry *d)
{
	spin_lock(&dcache_lock);
	__d_drop(d);
	spin_unlock(&dcache_lock);
}

struct dentry *d_lookup(struct dentry *parent, const struct qstr *name)
{
	struct hlist_node *pos;
	struct dentry *found = NULL;

	spin_lock(&dcache_lock);
	hlist_for_each(pos, d_bucket(parent, name->hash)) {
		struct dentry *d = hlist_entry(pos, struct dentry, d_hash);

		if (d->d_parent == parent && d_name_matches(d, name)) {
			__dget(d);
			found = d;
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}

/*
 * dcache_lock held, d_count 0 and unhashed: takes d out of the tree. Returns its parent,
 * whose reference the caller drops (NULL for a root), and leaves the inode to *inode.
 */
static struct dentry *__d_kill(struct dentry *d, struct inode **inode)
{
	struct dentry *parent = IS_ROOT(d) ? NULL : d->d_parent;

	list_del_init(&d->d_child);
	if (!list_empty(&d->d_lru)) {
		list_del_init(&d->d_lru);
		nr_unused--;
	}
	*inode = d->d_inode;
	d->d_inode = NULL;
	nr_dentries--;
	return parent;
}

static void d_free(struct dentry *d)
{
	kfree(d->d_name.name);
	kfree(d);
}

/* Frees the oldest unused dentries while there are too many (dcache_lock held: dropped). */
static struct dentry *d_lru_victim(void)
{
	struct dentry *d;

	if (nr_unused <= DCACHE_UNUSED_MAX)
		return NULL;
	d = list_first_entry(&dentry_lru, struct dentry, d_lru);
	__d_drop(d);
	d->d_count++; /* dput below takes it back to 0 and kills it */
	list_del_init(&d->d_lru);
	nr_unused--;
	return d;
}

void dput(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		struct inode *inode;

		spin_lock(&dcache_lock);
		if (--d->d_count > 0) {
			spin_unlock(&dcache_lock);
			return;
		}
		if (d->d_flags & DCACHE_HASHED) {
			list_add_tail(&d->d_lru, &dentry_lru);
			nr_unused++;
			d = d_lru_victim();
			spin_unlock(&dcache_lock);
			continue;
		}
		parent = __d_kill(d, &inode);
		spin_unlock(&dcache_lock);
		if (inode)
			iput(inode);
		d_free(d);
		d = parent;
	}
}

void d_delete(struct dentry *d)
{
	struct inode *inode = NULL;

	spin_lock(&dcache_lock);
	if (d->d_count == 1) {
		/* Only the caller holds it: keep the name as a negative entry. */
		inode = d->d_inode;
		d->d_inode = NULL;
	} else {
		__d_drop(d);
	}
	spin_unlock(&dcache_lock);
	if (inode)
		iput(inode);
}

/* Swaps names and parents, so each keeps a valid parent reference (Linux's __d_move). */
void d_move(struct dentry *d, struct dentry *target)
{
	struct qstr name;
	struct dentry *parent;

	spin_lock(&dcache_lock);
	__d_drop(d);
	__d_drop(target);
	name = d->d_name;
	d->d_name = target->d_name;
	target->d_name = name;
	parent = d->d_parent;
	d->d_parent = target->d_parent;
	target->d_parent = parent;
	list_move_tail(&d->d_child, &d->d_parent->d_subdirs);
	list_move_tail(&target->d_child, &target->d_parent->d_subdirs);
	__d_rehash(d);
	spin_unlock(&dcache_lock);
}

bool is_subdir(struct dentry *d, struct dentry *ancestor)
{
	bool found = false;

	spin_lock(&dcache_lock);
	for (;;) {
		if (d == ancestor) {
			found = true;
			break;
		}
		if (IS_ROOT(d))
			break;
		d = d->d_parent;
	}
	spin_unlock(&dcache_lock);
	return found;
}

void d_set_mounted(struct dentry *d, bool mounted)
{
	spin_lock(&dcache_lock);
	if (mounted)
		d->d_flags |= DCACHE_MOUNTED;
	else
		d->d_flags &= ~DCACHE_MOUNTED;
	spin_unlock(&dcache_lock);
}

void d_make_persistent(struct dentry *d)
{
	spin_lock(&dcache_lock);
	__dget(d);
	d->d_flags |= DCACHE_PINNED;
	spin_unlock(&dcache_lock);
}

void d_make_discardable(struct dentry *d)
{
	bool pinned;

	spin_lock(&dcache_lock);
	pinned = d->d_flags & DCACHE_PINNED;
	d->d_flags &= ~DCACHE_PINNED;
	spin_unlock(&dcache_lock);
	if (pinned)
		dput(d);
}

/* dcache_lock held: a pinned child of d, or NULL. */
static struct dentry *pinned_child(struct dentry *d)
{
	struct dentry *child;

	list_for_each_entry(child, &d->d_subdirs, d_child)
		if (child->d_flags & DCACHE_PINNED)
			return child;
	return NULL;
}

/* Unpins a whole tree, leaves first, without recursion (trees may be deep). */
void d_unpin_tree(struct dentry *root)
{
	struct dentry *d = root, *child, *parent;

	for (;;) {
		spin_lock(&dcache_lock);
		child = pinned_child(d);
		parent = d->d_parent;
		spin_unlock(&dcache_lock);
		if (child) {
			d = child;
			continue;
		}
		if (d == root)
			break;
		d_make_discardable(d); /* the parent stays: it is pinned or is the root */
		d = parent;
	}
}

/* dcache_lock held: an unused dentry of sb, taken off the LRU and unhashed, or NULL. */
static struct dentry *unused_of_sb(struct super_block *sb)
{
	struct dentry *d;

	list_for_each_entry(d, &dentry_lru, d_lru) {
		if (d->d_sb == sb) {
			__d_drop(d);
			__dget(d);
			return d;
		}
	}
	return NULL;
}

void shrink_dcache_sb(struct super_block *sb)
{
	struct dentry *d;

	for (;;) {
		spin_lock(&dcache_lock);
		d = unused_of_sb(sb);
		spin_unlock(&dcache_lock);
		if (!d)
			return;
		dput(d); /* unhashed: freed, and its parent may become unused in turn */
	}
}

/* A path built right to left, ending at buf + size, starting at buf + pos: "/" when empty,
 * moved to the start of buf. Returns its length. Shared by dentry_path_raw and d_path. */
int path_buf_finish(char *buf, size_t size, size_t pos)
{
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (int)(size - pos - 1);
}

int dentry_path_raw(struct dentry *d, char *buf, size_t size)
{
	size_t pos = size;
	int ret = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	buf[--pos] = '\0';
	spin_lock(&dcache_lock);
	for (; !IS_ROOT(d); d = d->d_parent) {
		if (d->d_name.len + 1 > pos) {
			ret = -ENAMETOOLONG;
			break;
		}
		pos -= d->d_name.len;
		memcpy(buf + pos, d->d_name.name, d->d_name.len);
		buf[--pos] = '/';
	}
	spin_unlock(&dcache_lock);
	return ret ? ret : path_buf_finish(buf, size, pos);
}

void dcache_counts(unsigned long *total, unsigned long *unused)
{
	spin_lock(&dcache_lock);
	*total = nr_dentries;
	*unused = nr_unused;
	spin_unlock(&dcache_lock);
}
