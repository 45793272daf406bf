/*
 * The mount table: which superblock's tree is grafted on which directory. A vfsmount joins a
 * superblock's root to a mount point (a dentry in the parent mount); path walks cross it
 * downwards (lookup_mnt) and upwards on "..". A mount is busy while anything holds a path in
 * it (open files, a working directory, a walk in progress: mnt_count above the table's own
 * reference) or a mount sits below it; umount then says EBUSY.
 *
 * Locking: namespace_sem (a mutex) serialises mount and umount; mount_lock (a spinlock)
 * covers the list, mnt_count and the fields walks read, so lookup_mnt never sleeps.
 */
#define pr_fmt(fmt) "VFS: " fmt

#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include "fs/internal.h"

static DEFINE_MUTEX(namespace_sem);
DEFINE_SPINLOCK(mount_lock);
static LIST_HEAD(mount_list);
static struct vfsmount *root_mnt;

struct vfsmount *mntget(struct vfsmount *mnt)
{
	if (mnt) {
		spin_lock(&mount_lock);
		mnt->mnt_count++;
		spin_unlock(&mount_lock);
	}
	return mnt;
}

/* The last reference to a detached mount: its superblock loses one mount. */
static void cleanup_mnt(struct vfsmount *mnt)
{
	struct super_block *sb = mnt->mnt_sb;

	dput(mnt->mnt_root);
	kfree(mnt->mnt_devname);
	kfree(mnt);
	if (--sb->s_active == 0)
		deactivate_super(sb);
}

void mntput(struct vfsmount *mnt)
{
	int left;

	if (!mnt)
		return;
	spin_lock(&mount_lock);
	left = --mnt->mnt_count;
	spin_unlock(&mount_lock);
	if (!left)
		cleanup_mnt(mnt);
}

void path_get(const struct path *path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(const struct path *path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

int mnt_want_write(struct vfsmount *mnt)
{
	if ((mnt->mnt_flags & MNT_READONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY))
		return -EROFS;
	return 0;
}

struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *dentry)
{
	struct vfsmount *m, *found = NULL;

	spin_lock(&mount_lock);
	list_for_each_entry(m, &mount_list, mnt_list) {
		if (m->mnt_parent == parent && m->mnt_mountpoint == dentry) {
			m->mnt_count++;
			found = m;
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

struct vfsmount *vfs_root_mount(void)
{
	return root_mnt;
}

static int prepend(char *buf, size_t *pos, const char *s, size_t len)
{
	if (len > *pos)
		return -ENAMETOOLONG;
	*pos -= len;
	memcpy(buf + *pos, s, len);
	return 0;
}

/* Builds the name from the end of buf backwards (both locks held). */
static int __d_path(struct dentry *d, struct vfsmount *mnt, char *buf, size_t *pos)
{
	for (;;) {
		if (d == mnt->mnt_root || IS_ROOT(d)) {
			if (mnt->mnt_parent == mnt || d != mnt->mnt_root)
				return 0;
			d = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		if (prepend(buf, pos, d->d_name.name, d->d_name.len) ||
		    prepend(buf, pos, "/", 1))
			return -ENAMETOOLONG;
		d = d->d_parent;
	}
}

int d_path(const struct path *path, char *buf, size_t size)
{
	size_t pos = size;
	int ret;

	if (size < 2)
		return -ENAMETOOLONG;
	buf[--pos] = '\0';
	spin_lock(&mount_lock);
	spin_lock(&dcache_lock);
	ret = __d_path(path->dentry, path->mnt, buf, &pos);
	spin_unlock(&dcache_lock);
	spin_unlock(&mount_lock);
	return ret ? ret : path_buf_finish(buf, size, pos);
}

int mnt_path(struct vfsmount *mnt, char *buf, size_t size)
{
	struct path p = { mnt, mnt->mnt_root };

	return d_path(&p, buf, size);
}

static struct vfsmount *alloc_mnt(struct dentry *root, const char *dev_name, int flags)
{
	struct vfsmount *mnt = kzalloc(sizeof(*mnt), GFP_KERNEL);

	if (!mnt)
		return NULL;
	mnt->mnt_devname = kstrdup(dev_name ? dev_name : "none", GFP_KERNEL);
	if (!mnt->mnt_devname) {
		kfree(mnt);
		return NULL;
	}
	mnt->mnt_root = root;
	mnt->mnt_sb = root->d_sb;
	mnt->mnt_flags = (flags & MS_RDONLY) ? MNT_READONLY : 0;
	mnt->mnt_count = 1; /* the table's */
	mnt->mnt_parent = mnt;
	root->d_sb->s_active++;
	return mnt;
}

struct probe {
	const char *dev_name;
	int flags;
	void *data;
	struct file_system_type *types[16];
	unsigned int count;
};

static void collect_dev_type(struct file_system_type *t, void *arg)
{
	struct probe *p = arg;

	if ((t->fs_flags & FS_REQUIRES_DEV) && p->count < ARRAY_SIZE(p->types) &&
	    try_module_get(t->owner))
		p->types[p->count++] = t;
}

/* mount without -t: each disk filesystem type in turn; -EINVAL when none recognised it. */
static struct dentry *probe_mount(struct probe *p, struct file_system_type **found)
{
	struct dentry *root = ERR_PTR(-EINVAL);

	for_each_filesystem(collect_dev_type, p);
	for (unsigned int i = 0; i < p->count; i++) {
		if (!*found) {
			root = p->types[i]->mount(p->types[i], p->flags | SB_SILENT, p->dev_name,
						  p->data);
			if (!IS_ERR(root)) {
				*found = p->types[i];
				continue;
			}
			if (PTR_ERR(root) != -EINVAL) /* a real error (no device...) ends probing */
				*found = ERR_PTR(PTR_ERR(root));
		}
		put_filesystem(p->types[i]);
	}
	if (IS_ERR(*found))
		*found = NULL;
	return root;
}

/* The new superblock's root, with the type's module reference kept by the superblock. */
static struct dentry *mount_fs(const char *type, const char *dev_name, int flags, void *data)
{
	struct file_system_type *t = NULL;
	struct probe p = { .dev_name = dev_name, .flags = flags, .data = data };
	struct dentry *root;

	if (!type) {
		/* the superblock names the type, whose module then loads as with -t */
		type = fs_probe_type(dev_name);
		t = type ? get_fs_type(type) : NULL;
		if (!t)
			return probe_mount(&p, &t);
	} else {
		t = get_fs_type(type);
	}
	if (!t)
		return ERR_PTR(-ENODEV);
	root = t->mount(t, flags, dev_name, data);
	if (IS_ERR(root))
		put_filesystem(t);
	return root;
}

static int graft(struct vfsmount *mnt, struct path *mp)
{
	mnt->mnt_parent = mp->mnt; /* not counted: umount refuses a parent with submounts */
	mnt->mnt_mountpoint = dget(mp->dentry);
	d_set_mounted(mp->dentry, true);
	spin_lock(&mount_lock);
	list_add_tail(&mnt->mnt_list, &mount_list);
	spin_unlock(&mount_lock);
	return 0;
}

/*
 * Probing (no type) a /dev path that is missing or not a block device would end in "nothing
 * recognised it"; the path's own error (-ENOENT, -ENOTBLK) says more.
 */
static int mount_check_dev_path(const char *type, const char *dev_name)
{
	dev_t dev;

	if (type || !dev_name || dev_name[0] != '/')
		return 0;
	return lookup_bdev(dev_name, &dev);
}

int do_mount(const char *dev_name, const char *dir, const char *type, unsigned long flags,
	     void *data)
{
	struct super_block *sb;
	struct vfsmount *mnt;
	struct dentry *root;
	struct path mp;
	int ret = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);

	if (ret)
		return ret;
	mutex_lock(&namespace_sem);
	ret = -EBUSY; /* no stacking: one filesystem per directory */
	if (d_mountpoint(mp.dentry) || mp.dentry == mp.mnt->mnt_root)
		goto unlock;
	ret = mount_check_dev_path(type, dev_name);
	if (ret)
		goto unlock;
	root = mount_fs(type, dev_name, (int)flags, data);
	ret = PTR_ERR(root);
	if (IS_ERR(root))
		goto unlock;
	ret = -ENOMEM;
	mnt = alloc_mnt(root, dev_name, (int)flags);
	if (!mnt)
		goto put_root;
	ret = graft(mnt, &mp);
	goto unlock;
put_root:
	/* no vfsmount holds the superblock: drop it as the last umount would */
	sb = root->d_sb;
	dput(root);
	deactivate_super(sb);
unlock:
	mutex_unlock(&namespace_sem);
	path_put(&mp);
	return ret;
}

/* mount_lock held: true when a mount sits below mnt. */
static bool has_submounts(struct vfsmount *mnt)
{
	struct vfsmount *m;

	list_for_each_entry(m, &mount_list, mnt_list)
		if (m->mnt_parent == mnt && m != mnt)
			return true;
	return false;
}

/* Takes mnt out of the table when only the table and the caller (2) hold it. */
static int detach_if_idle(struct vfsmount *mnt)
{
	int ret = 0;

	spin_lock(&mount_lock);
	if (mnt->mnt_count > 2 || has_submounts(mnt))
		ret = -EBUSY;
	else
		list_del_init(&mnt->mnt_list);
	spin_unlock(&mount_lock);
	return ret;
}

int do_umount(const char *dir)
{
	struct dentry *mountpoint;
	struct path p;
	int ret = kern_path(dir, LOOKUP_FOLLOW, &p);

	if (ret)
		return ret;
	mutex_lock(&namespace_sem);
	ret = -EINVAL;
	if (p.dentry != p.mnt->mnt_root)
		goto unlock;
	ret = -EBUSY;
	if (p.mnt == root_mnt)
		goto unlock;
	ret = detach_if_idle(p.mnt);
	if (ret)
		goto unlock;
	mountpoint = p.mnt->mnt_mountpoint;
	d_set_mounted(mountpoint, false);
	p.mnt->mnt_mountpoint = NULL;
	dput(mountpoint);
	path_put(&p);
	mntput(p.mnt); /* the table's reference: the superblock goes */
	mutex_unlock(&namespace_sem);
	return 0;
unlock:
	mutex_unlock(&namespace_sem);
	path_put(&p);
	return ret;
}

int iterate_mounts(int (*fn)(struct vfsmount *mnt, void *arg), void *arg)
{
	struct vfsmount *m;
	int ret = 0;

	mutex_lock(&namespace_sem);
	list_for_each_entry(m, &mount_list, mnt_list) {
		ret = fn(m, arg);
		if (ret)
			break;
	}
	mutex_unlock(&namespace_sem);
	return ret;
}

struct show_state {
	char *buf;
	size_t size, len;
};

static int show_one(struct vfsmount *mnt, void *arg)
{
	struct show_state *s = arg;
	char path[256];
	bool ro = (mnt->mnt_flags & MNT_READONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY);
	int n;

	if (mnt_path(mnt, path, sizeof(path)) < 0)
		strlcpy(path, "(too long)", sizeof(path));
	n = snprintf(s->buf + min(s->len, s->size), s->size - min(s->len, s->size),
		     "%s %s %s %s 0 0\n", mnt->mnt_devname, path, mnt->mnt_sb->s_type->name,
		     ro ? "ro" : "rw");
	s->len += (size_t)n;
	return 0;
}

int mounts_show(char *buf, size_t size)
{
	struct show_state s = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	iterate_mounts(show_one, &s);
	return (int)s.len;
}

/* Mounts a fresh instance of type as the namespace root (boot only). */
int mount_root(const char *type)
{
	struct dentry *root = mount_fs(type, "rootfs", 0, NULL);
	struct fs_struct *fs = current_fs();

	if (IS_ERR(root))
		return (int)PTR_ERR(root);
	root_mnt = alloc_mnt(root, "rootfs", 0);
	if (!root_mnt)
		return -ENOMEM;
	list_add_tail(&root_mnt->mnt_list, &mount_list);
	fs->root = (struct path){ mntget(root_mnt), dget(root) };
	fs->pwd = (struct path){ mntget(root_mnt), dget(root) };
	return 0;
}
