/*
 * Reading directories: vfs_iterate calls the filesystem's ->iterate_shared with the
 * directory's i_rwsem held, so the actor must not call back into the VFS on that directory
 * (collect the names, then stat them, as `ls` does).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include "fs/internal.h"

int vfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *inode;
	int ret;

	if (!f)
		return -EBADF;
	inode = f->f_inode;
	if (!S_ISDIR(inode->i_mode) || !f->f_op || !f->f_op->iterate_shared)
		return -ENOTDIR;
	inode_lock(inode);
	ctx->pos = f->f_pos;
	ret = f->f_op->iterate_shared(f, ctx);
	f->f_pos = ctx->pos;
	inode_unlock(inode);
	return ret;
}
