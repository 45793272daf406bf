/*
 * Each task's root and working directory (Linux's fs_struct). Kernel threads and the shell
 * share init_fs until processes arrive; a task with its own (task->fs) uses that instead.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include "fs/internal.h"

static struct fs_struct init_fs = { .umask = 0022 }; /* Linux's default */

struct fs_struct *current_fs(void)
{
	struct fs_struct *fs = current->fs;

	return fs ? fs : &init_fs;
}

struct fs_struct *task_fs(struct task_struct *t)
{
	return t->fs ? t->fs : &init_fs;
}

int copy_fs_struct(struct task_struct *t)
{
	struct fs_struct *from = current_fs();
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return -ENOMEM;
	fs->root = from->root;
	fs->pwd = from->pwd;
	fs->umask = from->umask;
	path_get(&fs->root);
	path_get(&fs->pwd);
	t->fs = fs;
	return 0;
}

void exit_fs(struct task_struct *t)
{
	struct fs_struct *fs = t->fs;

	if (!fs)
		return;
	t->fs = NULL;
	path_put(&fs->root);
	path_put(&fs->pwd);
	kfree(fs);
}

void set_fs_pwd(const struct path *path)
{
	struct fs_struct *fs = current_fs();
	struct path old = fs->pwd;

	path_get(path);
	fs->pwd = *path;
	path_put(&old);
}
