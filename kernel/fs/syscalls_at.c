/*
 * What the path and fd system calls share: copying a user path in (PATH_MAX, EFAULT,
 * ENAMETOOLONG), resolving a dirfd-relative name, and looking an fd's file up. A dirfd name
 * becomes "<the directory's absolute name>/<name>": the VFS resolves it from the root like any
 * absolute path, so no vfs_*_at twin of each call is needed (and the two-directory calls,
 * renameat and linkat, work the same way).
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "fs/internal.h"

void putname(char *name)
{
	kfree(name);
}

static char *getname(ul upath, bool empty_ok)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!name)
		return ERR_PTR(-ENOMEM);
	len = strncpy_from_user(name, (const char __user *)upath, PATH_MAX);
	if (len < 0 || len == PATH_MAX || (len == 0 && !empty_ok)) {
		kfree(name);
		return ERR_PTR(len < 0 ? len : len ? -ENAMETOOLONG : -ENOENT);
	}
	return name;
}

int fdget_file(ul fd, struct fd *f, bool console_ok)
{
	int ret = fd > 0x7fffffffUL ? -EBADF : fdget((unsigned int)fd, f);

	if (!ret && f->console && !console_ok)
		return -EBADF;
	return ret;
}

/* "<dir>/<name>" into a new PATH_MAX buffer; dir must be a directory file's path. */
static char *prefix_dir(const struct path *dir, const char *name)
{
	char *full = kmalloc(PATH_MAX, GFP_KERNEL);
	int len;

	if (!full)
		return ERR_PTR(-ENOMEM);
	len = d_path(dir, full, PATH_MAX);
	if (len >= 0 && (size_t)len + 1 + strlen(name) >= PATH_MAX)
		len = -ENAMETOOLONG;
	if (len < 0) {
		kfree(full);
		return ERR_PTR(len);
	}
	if (len > 1)
		full[len++] = '/';
	strlcpy(full + len, name, PATH_MAX - len);
	return full;
}

char *getname_at(long dfd, ul upath, bool empty_ok)
{
	char *name = getname(upath, empty_ok);
	struct fd f = { 0 };
	char *full;
	int ret;

	/* An empty name (AT_EMPTY_PATH) names dfd itself, whatever it is: the caller uses it. */
	if (IS_ERR(name) || !name[0] || name[0] == '/' || (int)dfd == AT_FDCWD)
		return name;
	ret = fdget_file((unsigned int)dfd, &f, true);
	if (!ret && (!f.file || !f.file->f_path.dentry || !d_is_dir(f.file->f_path.dentry)))
		ret = -ENOTDIR;
	full = ret ? ERR_PTR(ret) : prefix_dir(&f.file->f_path, name);
	fdput(f);
	putname(name);
	return full;
}
