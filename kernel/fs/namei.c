/*
 * Path lookup: turns "/a/b/../c" into a (mount, dentry) pair, one component at a time. Each
 * step asks the dcache first and the directory's ->lookup (with its i_rwsem held) on a miss,
 * crosses into mounts on the way down and out of them on "..", and follows symbolic links by
 * rewriting the rest of the path as "<target>/<rest>" (at most MAXSYMLINKS per walk: ELOOP).
 * Names over NAME_MAX bytes, or paths (also after rewriting) over PATH_MAX - 1, give
 * ENAMETOOLONG. No lock is held between steps; each step holds references on where it is.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

void follow_mounts(struct path *path)
{
	while (d_mountpoint(path->dentry)) {
		struct vfsmount *child = lookup_mnt(path->mnt, path->dentry);

		if (!child)
			break;
		dput(path->dentry);
		mntput(path->mnt);
		path->mnt = child;
		path->dentry = dget(child->mnt_root);
	}
}

/* ".." : up one directory, out of a mount to its mount point, never above the root. */
static void follow_dotdot(struct nameidata *nd)
{
	struct path *p = &nd->path;

	for (;;) {
		if (p->dentry == nd->root.dentry && p->mnt == nd->root.mnt)
			return;
		if (p->dentry != p->mnt->mnt_root) {
			struct dentry *parent = dget_parent(p->dentry);

			dput(p->dentry);
			p->dentry = parent;
			return;
		}
		if (p->mnt->mnt_parent == p->mnt)
			return; /* the namespace's root */
		struct path up = { mntget(p->mnt->mnt_parent), dget(p->mnt->mnt_mountpoint) };

		path_put(p);
		*p = up;
	}
}

/* dir's i_rwsem held: the child called name, from the dcache or the filesystem. */
struct dentry *lookup_one_locked(struct dentry *dir, struct qstr *name)
{
	struct inode *inode = dir->d_inode;
	struct dentry *d, *res;

	d_hash_name(dir, name);
	d = d_lookup(dir, name);
	if (d)
		return d;
	if (!inode->i_op || !inode->i_op->lookup)
		return ERR_PTR(-ENOTDIR);
	d = d_alloc(dir, name);
	if (!d)
		return ERR_PTR(-ENOMEM);
	res = inode->i_op->lookup(inode, d, 0);
	if (res) {
		dput(d);
		return res;
	}
	if (!(d->d_flags & DCACHE_HASHED))
		d_add(d, NULL);
	return d;
}

static struct dentry *lookup_one(struct dentry *dir, struct qstr *name)
{
	struct dentry *d;

	d_hash_name(dir, name);
	d = d_lookup(dir, name);
	if (d)
		return d;
	inode_lock(dir->d_inode);
	d = lookup_one_locked(dir, name);
	inode_unlock(dir->d_inode);
	return d;
}

static int nd_set_rest(struct nameidata *nd, const char *first, const char *second)
{
	size_t a = strlen(first), b = second ? strlen(second) : 0;
	char *buf;

	if (a + 1 + b >= PATH_MAX)
		return -ENAMETOOLONG;
	buf = kmalloc(a + b + 2, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, first, a);
	buf[a] = '/';
	memcpy(buf + a + 1, second ? second : "", b + 1);
	if (!second)
		buf[a] = '\0';
	kfree(nd->buf);
	nd->buf = buf;
	nd->rest = buf;
	return 0;
}

static const char *get_link(struct dentry *d)
{
	struct inode *inode = d->d_inode;

	if (inode->i_link)
		return inode->i_link;
	if (inode->i_op && inode->i_op->get_link)
		return inode->i_op->get_link(d, inode);
	return ERR_PTR(-EINVAL);
}

/* The walk met symlink d (still holding it) with rest left to walk after it. */
static int follow_link(struct nameidata *nd, struct dentry *d, const char *rest)
{
	const char *target;
	int ret;

	if (++nd->total_links > MAXSYMLINKS)
		return -ELOOP;
	target = get_link(d);
	if (IS_ERR(target))
		return (int)PTR_ERR(target);
	if (!*target)
		return -ENOENT;
	ret = nd_set_rest(nd, target, *rest ? rest : NULL);
	if (ret)
		return ret;
	if (*target == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
	}
	return 0;
}

static bool may_lookup(struct nameidata *nd)
{
	struct inode *inode = nd->path.dentry->d_inode;

	return inode && S_ISDIR(inode->i_mode);
}

/* One step into name from nd->path; rest is what follows the component. */
static int walk_component(struct nameidata *nd, struct qstr *name, const char *rest,
			  bool last)
{
	struct dentry *d;
	int ret = 0;

	d = lookup_one(nd->path.dentry, name);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	if (d_is_negative(d)) {
		dput(d);
		return -ENOENT;
	}
	if (d_is_symlink(d) && (!last || (nd->flags & LOOKUP_FOLLOW) || nd->trailing_slash)) {
		ret = follow_link(nd, d, rest);
		dput(d);
		return ret;
	}
	dput(nd->path.dentry);
	nd->path.dentry = d;
	follow_mounts(&nd->path);
	nd->rest = rest;
	return 0;
}

static int classify(struct qstr *name)
{
	if (name->len == 1 && name->name[0] == '.')
		return LAST_DOT;
	if (name->len == 2 && name->name[0] == '.' && name->name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

/* Walks nd->rest; with want_parent, stops before the last component and describes it. */
static int link_path_walk(struct nameidata *nd)
{
	for (;;) {
		const char *p = nd->rest, *next;
		struct qstr name;
		bool last;
		int type, ret;

		while (*p == '/')
			p++;
		if (!*p) {
			nd->last_type = LAST_ROOT;
			return 0;
		}
		name.name = p;
		name.len = (u32)strcspn(p, "/");
		if (name.len > NAME_MAX)
			return -ENAMETOOLONG;
		next = p + name.len;
		last = !next[strspn(next, "/")];
		nd->trailing_slash = last && *next == '/';
		if (!may_lookup(nd))
			return -ENOTDIR;
		type = classify(&name);
		if (last && nd->want_parent) {
			nd->last = name;
			nd->last_type = type;
			nd->rest = next;
			return 0;
		}
		if (type == LAST_DOTDOT)
			follow_dotdot(nd);
		if (type != LAST_NORM) {
			nd->rest = next;
			continue;
		}
		ret = walk_component(nd, &name, next, last);
		if (ret)
			return ret;
	}
}

static int nd_start(struct nameidata *nd, const char *name, unsigned int flags)
{
	struct fs_struct *fs = current_fs();
	size_t len;

	memset(nd, 0, sizeof(*nd));
	if (!name)
		return -EFAULT;
	len = strnlen(name, PATH_MAX);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	nd->buf = kmalloc(len + 1, GFP_KERNEL);
	if (!nd->buf)
		return -ENOMEM;
	memcpy(nd->buf, name, len + 1);
	nd->rest = nd->buf;
	nd->flags = flags;
	nd->root = fs->root;
	path_get(&nd->root);
	nd->path = *name == '/' ? fs->root : fs->pwd;
	path_get(&nd->path);
	return 0;
}

void nd_cleanup(struct nameidata *nd)
{
	if (nd->path.dentry)
		path_put(&nd->path);
	if (nd->root.dentry)
		path_put(&nd->root);
	kfree(nd->buf);
	memset(nd, 0, sizeof(*nd));
}

int path_lookupat(struct nameidata *nd, const char *name, unsigned int flags)
{
	int ret = nd_start(nd, name, flags);

	if (!ret)
		ret = link_path_walk(nd);
	if (!ret && (nd->trailing_slash || (flags & LOOKUP_DIRECTORY)) && !d_is_dir(nd->path.dentry))
		ret = -ENOTDIR;
	return ret;
}

int path_parentat(struct nameidata *nd, const char *name)
{
	int ret = nd_start(nd, name, 0);

	if (ret)
		return ret;
	nd->want_parent = true;
	return link_path_walk(nd);
}

int kern_path(const char *name, unsigned int flags, struct path *path)
{
	struct nameidata nd;
	int ret = path_lookupat(&nd, name, flags);

	if (!ret) {
		*path = nd.path;
		nd.path.dentry = NULL; /* handed to the caller */
		nd.path.mnt = NULL;
	}
	nd_cleanup(&nd);
	return ret;
}
