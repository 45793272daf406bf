/*
 * Opening and closing fds and copying them: openat (and open, creat through it), close, dup,
 * dup2, dup3 and fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL). The fd
 * table itself is kernel/process/files.c (<keel/fdtable.h>).
 */
#include <keel/errno.h>
#include <keel/kdev_t.h>
#include "fs/fs_syscalls.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define SETFL_MASK (O_APPEND | O_NONBLOCK)
#define O_LARGEFILE 0100000
/* What a file's f_flags keep: the access mode and the flags F_GETFL reports. */
#define OPEN_KEEP_MASK (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW)

/* /dev/console and /dev/tty (5:1, 5:0) become console fds like 0-2, so a process that opens
 * its terminal gets the termios and window size ioctls, raw reads and poll that those have. */
static struct fd open_console_alias(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!S_ISCHR(inode->i_mode) || MAJOR(inode->i_rdev) != 5 || MINOR(inode->i_rdev) > 1)
		return (struct fd){ .file = file };
	fput(file);
	return (struct fd){ .console = true };
}

/* Linux's do_sys_openat2: the name resolved against dfd, then an fd for the file. */
static long do_sys_openat2(long dfd, ul upath, unsigned int flags, umode_t mode)
{
	char *name = getname_at(dfd, upath, false);
	struct file *file;
	int fd;

	if (IS_ERR(name))
		return PTR_ERR(name);
	fd = get_unused_fd_flags(0, flags & O_CLOEXEC);
	if (fd < 0)
		goto put_name;
	file = vfs_open(name, flags & ~(O_CLOEXEC | O_LARGEFILE), mode & ~current_umask());
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto put_name;
	}
	file->f_flags &= OPEN_KEEP_MASK;
	fd_install(fd, open_console_alias(file));
put_name:
	putname(name);
	return fd;
}

long sys_openat(ul dfd, ul path, ul flags, ul mode)
{
	return do_sys_openat2((long)dfd, path, (unsigned int)flags, (umode_t)mode & S_IALLUGO);
}

long sys_open(ul path, ul flags, ul mode)
{
	return sys_openat((ul)AT_FDCWD, path, flags, mode);
}

long sys_creat(ul path, ul mode)
{
	return sys_openat((ul)AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(ul fd)
{
	return fd > 0x7fffffffUL ? -EBADF : close_fd((unsigned int)fd);
}

/* F_DUPFD and dup: another fd >= start for the same open file. */
static long dupfd(ul oldfd, unsigned int start, bool cloexec)
{
	struct fd f;
	long ret = fdget_file(oldfd, &f, true);

	if (ret)
		return ret;
	ret = get_unused_fd_flags(start, cloexec);
	if (ret >= 0) {
		fd_install((unsigned int)ret, f);
		return ret; /* the table keeps fdget's reference */
	}
	fdput(f);
	return ret;
}

long sys_dup(ul fd)
{
	return dupfd(fd, 0, false);
}

long sys_dup3(ul oldfd, ul newfd, ul flags)
{
	struct fd f;
	long ret;

	if (flags & ~(ul)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	ret = fdget_file(oldfd, &f, true);
	if (ret)
		return ret;
	ret = newfd >= fd_limit() ? -EBADF
				       : replace_fd((unsigned int)newfd, f, flags & O_CLOEXEC);
	fdput(f);
	return ret;
}

long sys_dup2(ul oldfd, ul newfd)
{
	struct fd f;

	if (oldfd == newfd) { /* Linux: newfd when oldfd is valid, else EBADF */
		if (fdget_file(oldfd, &f, true))
			return -EBADF;
		fdput(f);
		return (long)newfd;
	}
	return sys_dup3(oldfd, newfd, 0);
}

static long fcntl_getfl(ul fd)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	ret = f.console ? O_RDWR | console_fd_flags(fd) : f.file->f_flags & OPEN_KEEP_MASK;
	fdput(f);
	return ret | O_LARGEFILE; /* 64-bit Linux always reports it */
}

static long fcntl_setfl(ul fd, ul arg)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	if (f.console)
		console_fd_set_flags(fd, arg & SETFL_MASK);
	else
		f.file->f_flags = (f.file->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	fdput(f);
	return 0;
}

long sys_fcntl(ul fd, ul cmd, ul arg)
{
	if (fd > 0x7fffffffUL)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= fd_limit())
			return get_close_on_exec(fd) < 0 ? -EBADF : -EINVAL;
		return dupfd(fd, (unsigned int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return get_close_on_exec(fd);
	case F_SETFD:
		return set_close_on_exec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return fcntl_getfl(fd);
	case F_SETFL:
		return fcntl_setfl(fd, arg);
	default:
		return get_close_on_exec(fd) < 0 ? -EBADF : -EINVAL;
	}
}
