/*
 * The in-memory tree behind the read-only VFS: path walking and node creation. Nodes are
 * kmalloc'd; file contents are never copied (they point into the initrd).
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/cpio.h"
#include "fs/vfs_tree.h"

#define VFS_DIR_MODE (CPIO_S_IFDIR | 0755)

static struct vfs_node root_node = { .name = "", .mode = VFS_DIR_MODE };

struct vfs_node *vfs_root(void)
{
	return &root_node;
}

static bool node_is_dir(const struct vfs_node *n)
{
	return (n->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

/* Splits the next path component off *path: returns its length (0 at the end), sets *start. */
static size_t next_component(const char **path, const char **start)
{
	const char *p = *path;
	size_t len;

	while (*p == '/')
		p++;
	len = strcspn(p, "/");
	*start = p;
	*path = p + len;
	return len;
}

static struct vfs_node *find_child(const struct vfs_node *dir, const char *name, size_t len)
{
	for (struct vfs_node *c = dir->children; c; c = c->next)
		if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
			return c;
	return NULL;
}

/* Steps from dir through one component; "." and ".." are resolved here. */
static int walk_component(struct vfs_node **dir, const char *name, size_t len)
{
	struct vfs_node *child;

	if (!node_is_dir(*dir))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if ((*dir)->parent)
			*dir = (*dir)->parent;
		return 0;
	}
	child = find_child(*dir, name, len);
	if (!child)
		return -ENOENT;
	*dir = child;
	return 0;
}

int vfs_lookup(const char *path, struct vfs_node **out)
{
	struct vfs_node *node = &root_node;
	const char *name;
	bool want_dir;
	size_t len;
	int ret;

	if (!path || !*path)
		return -ENOENT;
	/* "file/" names a directory, which the file is not. */
	want_dir = path[strlen(path) - 1] == '/';

	while ((len = next_component(&path, &name)) != 0) {
		ret = walk_component(&node, name, len);
		if (ret)
			return ret;
	}
	if (want_dir && !node_is_dir(node))
		return -ENOTDIR;
	*out = node;
	return 0;
}

static void insert_sorted(struct vfs_node *dir, struct vfs_node *child)
{
	struct vfs_node **pp = &dir->children;

	while (*pp && strcmp((*pp)->name, child->name) < 0)
		pp = &(*pp)->next;
	child->next = *pp;
	*pp = child;
	child->parent = dir;
}

static struct vfs_node *new_node(const char *name, size_t len, u32 mode)
{
	struct vfs_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->name = kmalloc(len + 1, GFP_KERNEL);
	if (!n->name) {
		kfree(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->mode = mode;
	return n;
}

/* Returns the child called name of dir, creating it with mode when missing. */
static int get_or_create(struct vfs_node *dir, const char *name, size_t len, u32 mode,
			 struct vfs_node **out)
{
	struct vfs_node *child = find_child(dir, name, len);

	if (!child) {
		child = new_node(name, len, mode);
		if (!child)
			return -ENOMEM;
		insert_sorted(dir, child);
	}
	*out = child;
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* Makes the final component of an added path a file, replacing an older file of that name. */
static int add_file(struct vfs_node *dir, const char *name, size_t len, u32 mode, const void *data,
		    u64 size)
{
	struct vfs_node *node;
	int ret = get_or_create(dir, name, len, mode, &node);

	if (ret)
		return ret;
	if (node_is_dir(node))
		return -EISDIR;
	node->mode = mode;
	node->data = data;
	node->size = size;
	return 0;
}

/* mode 0: a directory only implied by a longer path, which keeps any mode it already has. */
static int add_dir(struct vfs_node *dir, const char *name, size_t len, u32 mode,
		   struct vfs_node **out)
{
	int ret = get_or_create(dir, name, len, mode ? mode : VFS_DIR_MODE, out);

	if (ret)
		return ret;
	if (!node_is_dir(*out))
		return -ENOTDIR;
	if (mode)
		(*out)->mode = mode;
	return 0;
}

int vfs_tree_add(const char *path, u32 mode, const void *data, u64 size)
{
	bool is_dir = (mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
	struct vfs_node *dir = &root_node;
	const char *name, *next_name;
	size_t len, next_len;
	int ret;

	len = next_component(&path, &name);
	while (len) {
		next_len = next_component(&path, &next_name);
		if (is_dotdot(name, len))
			return -EINVAL; /* archives must not climb out of their root */
		if (!is_dot(name, len)) {
			if (!next_len && !is_dir)
				return add_file(dir, name, len, mode, data, size);
			ret = add_dir(dir, name, len, next_len ? 0 : mode, &dir);
			if (ret)
				return ret;
		}
		name = next_name;
		len = next_len;
	}
	/* Only "." or "/" was named: the root itself, which cannot become a file. */
	return is_dir ? 0 : -EINVAL;
}
