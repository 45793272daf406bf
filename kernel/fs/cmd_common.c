/* Helpers for the shell's file commands: error lines, sorted directory listings, path joins. */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"

int fs_cmd_error(const char *cmd, const char *what, int err)
{
	shell_print_error(cmd, what, shell_strerror(err));
	return SHELL_FAILED;
}

struct dirlist_ctx {
	struct dir_context ctx;
	struct dirlist *list;
	int err;
};

static bool dirlist_add(struct dir_context *ctx, const char *name, int len, loff_t pos,
			u64 ino, unsigned int type)
{
	struct dirlist_ctx *d = container_of(ctx, struct dirlist_ctx, ctx);
	struct dirlist *l = d->list;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (l->count == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 32;
		char **names = krealloc(l->names, cap * sizeof(*names), GFP_KERNEL);

		if (!names)
			goto nomem;
		l->names = names;
		l->cap = cap;
	}
	l->names[l->count] = kmalloc((size_t)len + 1, GFP_KERNEL);
	if (!l->names[l->count])
		goto nomem;
	memcpy(l->names[l->count], name, (size_t)len);
	l->names[l->count++][len] = '\0';
	return true;
nomem:
	d->err = -ENOMEM;
	return false;
}

static void dirlist_sort(struct dirlist *l)
{
	for (unsigned int i = 1; i < l->count; i++) {
		char *name = l->names[i];
		unsigned int j = i;

		for (; j > 0 && strcmp(l->names[j - 1], name) > 0; j--)
			l->names[j] = l->names[j - 1];
		l->names[j] = name;
	}
}

int dirlist_read(const char *path, struct dirlist *list)
{
	struct dirlist_ctx d = { .ctx.actor = dirlist_add, .list = list };
	struct file *f = vfs_open(path, O_RDONLY | O_DIRECTORY, 0);
	int ret;

	memset(list, 0, sizeof(*list));
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	ret = vfs_iterate(f, &d.ctx);
	fput(f);
	if (!ret)
		ret = d.err;
	if (ret)
		dirlist_free(list);
	else
		dirlist_sort(list);
	return ret;
}

void dirlist_free(struct dirlist *list)
{
	for (unsigned int i = 0; i < list->count; i++)
		kfree(list->names[i]);
	kfree(list->names);
	memset(list, 0, sizeof(*list));
}

char *path_join(const char *dir, const char *name, int *err)
{
	size_t a = strlen(dir), b = strlen(name);
	bool slash = a && dir[a - 1] != '/';
	char *p;

	if (a + slash + b >= PATH_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	p = kmalloc(a + slash + b + 1, GFP_KERNEL);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(p, dir, a);
	if (slash)
		p[a] = '/';
	memcpy(p + a + slash, name, b + 1);
	return p;
}

const char *path_basename(const char *path, size_t *len)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*len = end - start;
	return path + start;
}
