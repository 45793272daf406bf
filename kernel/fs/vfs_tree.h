/* The VFS's in-memory directory tree, shared by the VFS calls and the initrd loader. */
#ifndef KEEL_FS_VFS_TREE_H
#define KEEL_FS_VFS_TREE_H

#include <keel/types.h>

struct vfs_node {
	char *name;            /* kmalloc'd; "" for the root */
	u32 mode;              /* POSIX mode bits including the file type */
	const void *data;      /* regular files: the bytes, in place in the initrd */
	u64 size;
	struct vfs_node *parent;
	struct vfs_node *children; /* directories: sorted by name */
	struct vfs_node *next;     /* next sibling */
};

struct vfs_node *vfs_root(void);
/* Resolves path (absolute; relative ones start at /) to a node; -ENOENT, -ENOTDIR. */
int vfs_lookup(const char *path, struct vfs_node **out);
/*
 * Adds a directory (data NULL) or a regular file at path, creating the directories it implies.
 * A later file replaces an earlier one of the same name. 0, -ENOMEM, -ENOTDIR, -EISDIR, -EINVAL.
 */
int vfs_tree_add(const char *path, u32 mode, const void *data, u64 size);

#endif
