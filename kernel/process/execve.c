/*
 * execve(2) from user space (Linux's do_execveat_common): the path, argv and envp are copied
 * out of user memory into one kernel buffer under exec's limits (-E2BIG past
 * MAX_ARG_STRLEN_TOTAL bytes or MAX_ARG_STRINGS strings, -EFAULT on a bad pointer), then
 * kernel_execve() replaces the image; it fails without touching the old one. A vfork parent
 * is released once the child no longer borrows its address space.
 */
#include <keel/binfmts.h>
#include <keel/completion.h>
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "process/thread.h"

#define PATH_MAX 4096

/* Kernel copies of a user string vector: pointers into buf, NULL-terminated. */
struct user_strings {
	char **vec;
	char *buf;   /* shared by argv and envp; room for MAX_ARG_STRLEN_TOTAL bytes */
	size_t used; /* bytes of buf taken */
};

/* The number of pointers before the NULL in user vector uvec (NULL: 0). */
static long count_user_vector(const char __user *const __user *uvec)
{
	const char __user *p;
	long n = 0;

	if (!uvec)
		return 0;
	for (;; n++) {
		if (n > MAX_ARG_STRINGS)
			return -E2BIG;
		if (copy_from_user(&p, uvec + n, sizeof(p)))
			return -EFAULT;
		if (!p)
			return n;
	}
}

/* Copies the strings of uvec into s->buf, pointed to by a fresh NULL-terminated s->vec. */
static int copy_strings(struct user_strings *s, const char __user *const __user *uvec)
{
	long n = count_user_vector(uvec), len;
	const char __user *p;

	if (n < 0)
		return n;
	s->vec = kcalloc(n + 1, sizeof(char *), GFP_KERNEL);
	if (!s->vec)
		return -ENOMEM;
	for (long i = 0; i < n; i++) {
		if (copy_from_user(&p, uvec + i, sizeof(p)))
			return -EFAULT;
		len = strncpy_from_user(s->buf + s->used, p, MAX_ARG_STRLEN_TOTAL - s->used);
		if (len < 0)
			return len;
		if ((size_t)len >= MAX_ARG_STRLEN_TOTAL - s->used)
			return -E2BIG;
		s->vec[i] = s->buf + s->used;
		s->used += len + 1;
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Runs the exec with the copied strings; names the task after the program on success. */
static long exec_copied(const char *path, struct user_strings *argv, struct user_strings *envp)
{
	long err = kernel_execve(path, argv->vec, envp->vec);
	struct completion *vfork = current->vfork_done;

	if (err)
		return err;
	de_thread(); /* the other threads die; this one becomes the leader */
	current->robust_list = 0;
	strlcpy(current->comm, base_name(path), sizeof(current->comm));
	flush_signal_handlers(current); /* the old image's handlers are gone */
	if (current->files)
		files_close_on_exec(current->files); /* FD_CLOEXEC, O_CLOEXEC */
	if (vfork) {
		current->vfork_done = NULL; /* the parent's address space is its own again */
		complete(vfork);
	}
	return 0;
}

long sys_execve(unsigned long filename, unsigned long uargv, unsigned long uenvp)
{
	struct user_strings argv = { 0 }, envp = { 0 };
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	char *buf = kmalloc(MAX_ARG_STRLEN_TOTAL, GFP_KERNEL);
	long err = -ENOMEM;

	if (!path || !buf)
		goto out_free;
	err = strncpy_from_user(path, (const char __user *)filename, PATH_MAX);
	if (err >= 0 && err == PATH_MAX)
		err = -ENAMETOOLONG;
	if (err < 0)
		goto out_free;
	argv.buf = envp.buf = buf;
	err = copy_strings(&argv, (const char __user *const __user *)uargv);
	envp.used = argv.used;
	if (!err)
		err = copy_strings(&envp, (const char __user *const __user *)uenvp);
	if (!err)
		err = exec_copied(path, &argv, &envp);
out_free:
	kfree(argv.vec);
	kfree(envp.vec);
	kfree(buf);
	kfree(path);
	return err;
}
