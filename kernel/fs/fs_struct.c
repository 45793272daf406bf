/*
 * Each task's root and working directory (Linux's fs_struct). Kernel threads and the shell
 * share init_fs until processes arrive; a task with its own (task->fs) uses that instead.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/sched.h>
#include "fs/internal.h"

static struct fs_struct init_fs;

struct fs_struct *current_fs(void)
{
	struct fs_struct *fs = current->fs;

	return fs ? fs : &init_fs;
}
