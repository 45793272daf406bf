/* The read-only VFS calls (open, read, stat, readdir) on top of the in-memory tree. */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/cpio.h"
#include "fs/vfs.h"
#include "fs/vfs_tree.h"

struct file {
	struct vfs_node *node;
	u64 pos;
};

static bool node_is_dir(const struct vfs_node *n)
{
	return (n->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

static void fill_stat(const struct vfs_node *n, struct vfs_stat *st)
{
	st->size = n->size;
	st->mode = n->mode;
	st->is_dir = node_is_dir(n);
}

int vfs_open(const char *path, struct file **out)
{
	struct vfs_node *node;
	struct file *f;
	int ret = vfs_lookup(path, &node);

	if (ret)
		return ret;
	if (node_is_dir(node))
		return -EISDIR;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->node = node;
	*out = f;
	return 0;
}

ssize_t vfs_read(struct file *f, void *buf, size_t len)
{
	u64 left;

	if (!f)
		return -EBADF;
	left = f->node->size - f->pos;
	if (len > left)
		len = left;
	if (len > (size_t)LONG_MAX)
		len = (size_t)LONG_MAX;
	memcpy(buf, (const u8 *)f->node->data + f->pos, len);
	f->pos += len;
	return (ssize_t)len;
}

void vfs_close(struct file *f)
{
	kfree(f);
}

int vfs_stat(const char *path, struct vfs_stat *st)
{
	struct vfs_node *node;
	int ret = vfs_lookup(path, &node);

	if (ret)
		return ret;
	fill_stat(node, st);
	return 0;
}

int vfs_readdir(const char *path, int (*fn)(const char *name, const struct vfs_stat *st, void *arg),
		void *arg)
{
	struct vfs_node *dir;
	struct vfs_stat st;
	int ret = vfs_lookup(path, &dir);

	if (ret)
		return ret;
	if (!node_is_dir(dir))
		return -ENOTDIR;
	for (struct vfs_node *c = dir->children; c; c = c->next) {
		fill_stat(c, &st);
		ret = fn(c->name, &st, arg);
		if (ret)
			return ret; /* the callback asked to stop */
	}
	return 0;
}

int vfs_read_file(const char *path, void **data, size_t *size)
{
	struct vfs_node *node;
	char *buf;
	int ret = vfs_lookup(path, &node);

	if (ret)
		return ret;
	if (node_is_dir(node))
		return -EISDIR;
	if (node->size >= (u64)LONG_MAX)
		return -EFBIG;
	buf = kmalloc(node->size + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, node->data, node->size);
	buf[node->size] = '\0';
	*data = buf;
	*size = node->size;
	return 0;
}
