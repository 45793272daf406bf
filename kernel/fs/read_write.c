/*
 * Reading, writing and seeking open files, and reading a whole file for the kernel (modules,
 * /etc/rc), within the writer's RLIMIT_FSIZE. A regular file's i_rwsem is held across ->write, so appends and size changes do
 * not interleave; f_pos_lock serialises users of one struct file.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

ssize_t vfs_read(struct file *f, void *buf, size_t len)
{
	ssize_t ret;
	loff_t pos;

	if (!f || !(f->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->f_inode->i_mode))
		return -EISDIR;
	if (!f->f_op || !f->f_op->read)
		return -EINVAL;
	if (len > (size_t)LONG_MAX)
		len = (size_t)LONG_MAX;
	mutex_lock(&f->f_pos_lock);
	pos = f->f_pos;
	ret = f->f_op->read(f, buf, len, &pos);
	if (ret > 0)
		f->f_pos = pos;
	mutex_unlock(&f->f_pos_lock);
	return ret;
}

int file_size_limit_check(struct inode *inode, loff_t pos, size_t *len)
{
	u64 limit = current ? rlimit(RLIMIT_FSIZE) : RLIM_INFINITY;

	if (!S_ISREG(inode->i_mode) || limit == RLIM_INFINITY)
		return 0;
	if ((u64)pos >= limit) {
		kill_process(current, SIGXFSZ);
		return -EFBIG;
	}
	if (len && *len > limit - (u64)pos)
		*len = (size_t)(limit - (u64)pos);
	return 0;
}

static ssize_t write_locked(struct file *f, const void *buf, size_t len)
{
	struct inode *inode = f->f_inode;
	loff_t pos = (f->f_flags & O_APPEND) ? inode->i_size : f->f_pos;
	ssize_t ret;

	if (len && file_size_limit_check(inode, pos, &len))
		return -EFBIG;
	if (pos >= inode->i_sb->s_maxbytes)
		return -EFBIG;
	if ((loff_t)len > inode->i_sb->s_maxbytes - pos)
		len = (size_t)(inode->i_sb->s_maxbytes - pos);
	ret = f->f_op->write(f, buf, len, &pos);
	if (ret > 0) {
		f->f_pos = pos;
		inode->i_mtime = inode->i_ctime = current_time(inode);
	}
	return ret;
}

ssize_t vfs_write(struct file *f, const void *buf, size_t len)
{
	ssize_t ret;

	if (!f || !(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op || !f->f_op->write)
		return -EINVAL;
	if (len > (size_t)LONG_MAX)
		len = (size_t)LONG_MAX;
	mutex_lock(&f->f_pos_lock);
	inode_lock(f->f_inode);
	ret = write_locked(f, buf, len);
	inode_unlock(f->f_inode);
	mutex_unlock(&f->f_pos_lock);
	return ret;
}

loff_t generic_file_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->f_pos; break;
	case SEEK_END: base = f->f_inode->i_size; break;
	default: return -EINVAL;
	}
	if ((offset > 0 && base > MAX_LFS_FILESIZE - offset) || base + offset < 0)
		return -EINVAL;
	f->f_pos = base + offset;
	return f->f_pos;
}

loff_t vfs_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t ret;

	if (!f)
		return -EBADF;
	mutex_lock(&f->f_pos_lock);
	if (f->f_op && f->f_op->llseek)
		ret = f->f_op->llseek(f, offset, whence);
	else
		ret = generic_file_llseek(f, offset, whence);
	mutex_unlock(&f->f_pos_lock);
	return ret;
}

int vfs_fsync(struct file *f)
{
	if (!f)
		return -EBADF;
	if (!f->f_op || !f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, 0, MAX_LFS_FILESIZE, 0);
}

int noop_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	return 0;
}

static int read_all(struct file *f, char *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = vfs_read(f, buf + done, size - done);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO; /* the file shrank while we read it */
		done += (size_t)n;
	}
	return 0;
}

int kernel_read_file_from_path(const char *path, void **data, size_t *size, size_t max_size)
{
	struct file *f = vfs_open(path, O_RDONLY, 0);
	loff_t len;
	char *buf;
	int ret;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	len = f->f_inode->i_size;
	ret = -EISDIR;
	if (S_ISDIR(f->f_inode->i_mode))
		goto put_file;
	ret = -EFBIG;
	if (len < 0 || (u64)len > max_size || (u64)len >= (u64)LONG_MAX)
		goto put_file;
	ret = -ENOMEM;
	buf = kmalloc((size_t)len + 1, GFP_KERNEL);
	if (!buf)
		goto put_file;
	ret = read_all(f, buf, (size_t)len);
	if (ret) {
		kfree(buf);
		goto put_file;
	}
	buf[len] = '\0';
	*data = buf;
	*size = (size_t)len;
put_file:
	fput(f);
	return ret;
}
