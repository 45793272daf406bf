/*
 * The module system calls busybox's insmod, rmmod and modprobe make: init_module (an image in
 * user memory), finit_module (an open .ko file) and delete_module. They run the loader the
 * shell's insmod and rmmod use (load_module, load_module_file, delete_module), with the same
 * parameter string ("name=value ..."), then load drivers for devices a new module made
 * appear, as insmod does. Only root exists, so there is no EPERM.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/slab.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "fs/internal.h"
#include "module/module.h"

#define MODULE_ARGS_MAX 4096
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2

/* The parameter string, a kmalloc'd copy (freed by the caller); ERR_PTR on failure. */
static char *copy_module_args(ul uargs)
{
	char *args = kmalloc(MODULE_ARGS_MAX, GFP_KERNEL);
	long len;

	if (!args)
		return ERR_PTR(-ENOMEM);
	len = uargs ? strncpy_from_user(args, (const char __user *)uargs, MODULE_ARGS_MAX) : 0;
	if (len < 0 || len == MODULE_ARGS_MAX) {
		kfree(args);
		return ERR_PTR(len < 0 ? len : -E2BIG);
	}
	args[len] = '\0';
	return args;
}

long sys_init_module(ul umod, ul len, ul uargs)
{
	struct module *mod;
	char *args, *image;
	long ret;

	if (!len || len > KERNEL_READ_FILE_MAX)
		return len ? -EFBIG : -ENOEXEC;
	args = copy_module_args(uargs);
	if (IS_ERR(args))
		return PTR_ERR(args);
	image = kmalloc(len, GFP_KERNEL);
	ret = !image ? -ENOMEM : copy_from_user(image, (const void __user *)umod, len) ? -EFAULT
		: load_module(image, len, "init_module", args, &mod);
	if (!ret)
		module_autoload_flush();
	kfree(image);
	kfree(args);
	return ret;
}

/* finit_module: the fd's file is loaded through its name, as the shell's insmod loads one. */
long sys_finit_module(ul fd, ul uargs, ul flags)
{
	struct module *mod;
	struct fd f;
	char *args, *path;
	long ret;

	if (flags & ~(ul)(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC))
		return -EINVAL;
	ret = fdget_file(fd, &f, false);
	if (ret)
		return ret;
	if (!f.file->f_path.dentry || !S_ISREG(file_inode(f.file)->i_mode) ||
	    !(f.file->f_mode & FMODE_READ)) {
		fdput(f);
		return -EBADF; /* Linux: a pipe, directory or write-only fd is EBADF here */
	}
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = path ? d_path(&f.file->f_path, path, PATH_MAX) : -ENOMEM;
	fdput(f);
	args = ret >= 0 ? copy_module_args(uargs) : NULL;
	if (IS_ERR(args))
		ret = PTR_ERR(args);
	else if (ret >= 0)
		ret = load_module_file(path, args, &mod);
	if (!ret)
		module_autoload_flush();
	if (!IS_ERR(args))
		kfree(args);
	kfree(path);
	return ret;
}

/* delete_module: -ENOENT when not loaded, -EWOULDBLOCK (EAGAIN) while used, as Linux answers
 * since it stopped waiting for users; flags (O_NONBLOCK|O_TRUNC) change nothing. */
long sys_delete_module(ul uname, ul flags)
{
	char name[MODULE_NAME_LEN];
	long len = strncpy_from_user(name, (const char __user *)uname, sizeof(name));
	long ret;

	(void)flags;
	if (len < 0)
		return len;
	if ((size_t)len == sizeof(name))
		return -ENOENT; /* longer than any module name */
	ret = delete_module(name);
	return ret == -EBUSY ? -EAGAIN : ret;
}
