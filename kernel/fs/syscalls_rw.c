/*
 * read, write, pread64, pwrite64, readv, writev and lseek on a process's fds. An fd is the
 * console, a pipe end or a VFS file; user bytes pass through a one-page kernel bounce buffer
 * with copy_from_user/copy_to_user, so a bad pointer is -EFAULT, never an oops, and a pipe
 * write of up to PIPE_BUF bytes reaches the pipe in one piece (atomic, as POSIX wants).
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/tty.h>
#include <keel/tty_jobctrl.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"

#define BOUNCE_SIZE 4096
#define IOV_MAX 1024

/* Canonical mode: the console gives one line, which ends in '\n' as a canonical read's does.
 * Ctrl-C typed while the process reads is SIGINT for its process group, as for a foreground
 * job on Linux. Either way a signal ends the read with -ERESTARTSYS: SA_RESTART reads again. */
static ssize_t console_read_line(char *kbuf, size_t n)
{
	ssize_t r = tty_read_line(console_tty(), kbuf, n);

	if (r == -EINTR && !signal_pending(current))
		kill_pgrp(current->pgrp, SIGINT); /* the Ctrl-C itself */
	if (r == -EINTR)
		return -ERESTARTSYS;
	if (r >= 0 && (size_t)r < n)
		kbuf[r++] = '\n';
	return r;
}

/* ICANON off: the bytes as they come, no echo, with POSIX's VMIN/VTIME: VMIN > 0 waits for
 * that many bytes (VTIME > 0: or until VTIME tenths pass after a byte without another); VMIN 0
 * waits VTIME tenths at most for any byte (VTIME 0: not at all). */
static ssize_t console_read_raw(char *kbuf, size_t n, unsigned int vmin, unsigned int vtime,
				bool nonblock)
{
	size_t want = vmin ? (vmin < n ? vmin : n) : 1, got = 0;
	bool timed;
	int r;

	for (;;) {
		timed = vtime && (got || !vmin); /* the VTIME timer runs now */
		r = tty_read_raw(console_tty(), kbuf + got, n - got,
				 nonblock ? 0 : timed ? vtime * 100 : vmin ? 1000 : 0);
		got += r > 0 ? (size_t)r : 0;
		if (got >= want)
			return (ssize_t)got;
		if (signal_pending(current))
			return got ? (ssize_t)got : -ERESTARTSYS;
		if (nonblock)
			return got ? (ssize_t)got : -EAGAIN;
		if (r <= 0 && (timed || !vmin))
			return (ssize_t)got; /* the timer ran out, or VMIN 0 VTIME 0 */
	}
}

/* Canonical mode with ECHO off (a password prompt): a line edited without echo; CR ends it as
 * NL does (ICRNL), DEL/BS erase a byte, Ctrl-U the line, Ctrl-D at its start is end of file. */
static ssize_t console_read_noecho(char *kbuf, size_t n)
{
	size_t len = 0;
	char c;

	while (len < n) {
		if (tty_read_raw(console_tty(), &c, 1, 1000) != 1) {
			if (signal_pending(current))
				return -ERESTARTSYS;
			continue;
		}
		if (c == '\r' || c == '\n') {
			kbuf[len++] = '\n';
			break;
		}
		if (c == 0x7f || c == '\b')
			len -= len > 0;
		else if (c == 0x15)
			len = 0;
		else if (c == 0x04 && !len)
			return 0;
		else if (c != 0x04)
			kbuf[len++] = c;
	}
	return (ssize_t)len;
}

static ssize_t console_read(unsigned int fd, char *kbuf, size_t n)
{
	unsigned int vmin, vtime;
	int ret = tty_check_read(); /* a background job gets SIGTTIN */

	if (ret)
		return ret;
	if (console_raw_mode(&vmin, &vtime))
		return console_read_raw(kbuf, n, vmin, vtime,
					console_fd_flags(fd) & O_NONBLOCK);
	if (!console_echo())
		return console_read_noecho(kbuf, n);
	return console_read_line(kbuf, n);
}

/* Streams (pipes, sockets) bypass vfs_read/vfs_write: no superblock, size or position to
 * lock. */
ssize_t fd_object_read(unsigned int fd, struct fd *f, char *kbuf, size_t n)
{
	if (f->console)
		return console_read(fd, kbuf, n);
	if (f->file->f_mode & FMODE_STREAM)
		return f->file->f_op->read(f->file, kbuf, n, NULL);
	return vfs_read(f->file, kbuf, n);
}

ssize_t fd_object_write(unsigned int fd, struct fd *f, const char *kbuf, size_t n)
{
	(void)fd;
	if (f->console) {
		int ret = tty_check_write(); /* TOSTOP: a background job gets SIGTTOU */

		if (ret)
			return ret;
		console_write(kbuf, n);
		return n;
	}
	if (f->file->f_mode & FMODE_STREAM)
		return f->file->f_op->write(f->file, kbuf, n, NULL);
	return vfs_write(f->file, kbuf, n);
}

/* Writes n user bytes in bounce-buffer chunks; a short write ends the loop. */
static ssize_t write_user(unsigned int fd, struct fd *f, const char __user *buf, size_t n)
{
	char *kbuf;
	size_t done = 0;
	ssize_t r = 0;

	if (!access_ok(buf, n))
		return -EFAULT;
	kbuf = kmalloc(BOUNCE_SIZE, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	while (done < n) {
		size_t chunk = n - done < BOUNCE_SIZE ? n - done : BOUNCE_SIZE;

		r = copy_from_user(kbuf, buf + done, chunk) ? -EFAULT : 0;
		if (!r)
			r = fd_object_write(fd, f, kbuf, chunk);
		if (r <= 0)
			break;
		done += r;
		if ((size_t)r < chunk)
			break;
	}
	kfree(kbuf);
	return done ? (ssize_t)done : r;
}

/* Regular files fill the whole buffer, chunk by chunk, as Linux's reads do; the console (a
 * line at most) and pipes (what is there) give one chunk per call, a short read. */
static ssize_t read_user(unsigned int fd, struct fd *f, char __user *buf, size_t n)
{
	bool whole = !f->console && !(f->file->f_mode & FMODE_STREAM);
	size_t done = 0;
	ssize_t r = 0;
	char *kbuf;

	if (!access_ok(buf, n))
		return -EFAULT;
	kbuf = kmalloc(BOUNCE_SIZE, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	while (done < n) {
		size_t chunk = n - done < BOUNCE_SIZE ? n - done : BOUNCE_SIZE;

		r = fd_object_read(fd, f, kbuf, chunk);
		if (r > 0 && copy_to_user(buf + done, kbuf, r))
			r = -EFAULT;
		if (r <= 0)
			break;
		done += r;
		if (!whole || (size_t)r < chunk)
			break;
	}
	kfree(kbuf);
	return done ? (ssize_t)done : r;
}

long sys_write(ul fd, ul buf, ul count)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	ret = write_user(fd, &f, (const char __user *)buf, count);
	fdput(f);
	return ret;
}

long sys_read(ul fd, ul buf, ul count)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	ret = read_user(fd, &f, (char __user *)buf, count);
	fdput(f);
	return ret;
}

struct iovec_user {
	unsigned long iov_base, iov_len;
};

/* readv/writev: one iovec at a time; a short transfer ends the call. */
static long do_rw_vec(ul fd, ul iov, ul iovcnt, bool write)
{
	struct iovec_user v;
	struct fd f;
	long total = 0, r = fdget_file(fd, &f, true);

	if (r)
		return r;
	if (iovcnt > IOV_MAX)
		r = -EINVAL;
	for (unsigned long i = 0; !r && i < iovcnt; i++) {
		if (copy_from_user(&v, (void __user *)(iov + i * sizeof(v)), sizeof(v))) {
			r = -EFAULT;
			break;
		}
		r = write ? write_user(fd, &f, (const char __user *)v.iov_base, v.iov_len)
			  : read_user(fd, &f, (char __user *)v.iov_base, v.iov_len);
		if (r < 0)
			break;
		total += r;
		r = (size_t)r < v.iov_len ? 1 : 0; /* short: stop */
	}
	fdput(f);
	return total ? total : (r < 0 ? r : 0);
}

long sys_writev(ul fd, ul iov, ul iovcnt)
{
	return do_rw_vec(fd, iov, iovcnt, true);
}

long sys_readv(ul fd, ul iov, ul iovcnt)
{
	return do_rw_vec(fd, iov, iovcnt, false);
}

/* A file that can seek: not the console, not a pipe (-ESPIPE, as Linux). */
static int seekable_file(ul fd, struct fd *f)
{
	int ret = fdget_file(fd, f, true);

	if (!ret && (f->console || (f->file->f_mode & FMODE_STREAM))) {
		fdput(*f);
		ret = -ESPIPE;
	}
	return ret;
}

/* pread64/pwrite64: the transfer at pos, leaving the file position where it was. */
static long do_positional(ul fd, ul buf, ul count, ul pos, bool write)
{
	struct fd f;
	loff_t saved;
	long ret = seekable_file(fd, &f);

	if (ret)
		return ret;
	if ((long)pos < 0) {
		fdput(f);
		return -EINVAL;
	}
	mutex_lock(&f.file->f_pos_lock);
	saved = f.file->f_pos;
	f.file->f_pos = (loff_t)pos;
	mutex_unlock(&f.file->f_pos_lock);
	ret = write ? write_user(fd, &f, (const char __user *)buf, count)
		    : read_user(fd, &f, (char __user *)buf, count);
	mutex_lock(&f.file->f_pos_lock);
	f.file->f_pos = saved;
	mutex_unlock(&f.file->f_pos_lock);
	fdput(f);
	return ret;
}

long sys_pread64(ul fd, ul buf, ul count, ul pos)
{
	return do_positional(fd, buf, count, pos, false);
}

long sys_pwrite64(ul fd, ul buf, ul count, ul pos)
{
	return do_positional(fd, buf, count, pos, true);
}

long sys_lseek(ul fd, ul offset, ul whence)
{
	struct fd f;
	long ret = seekable_file(fd, &f);

	if (ret)
		return ret;
	ret = vfs_llseek(f.file, (loff_t)offset, (int)whence);
	fdput(f);
	return ret;
}

/* One sendfile chunk: in's bytes at *pos (advanced) into out. Bytes moved, 0 at end, -errno. */
static ssize_t sendfile_chunk(struct fd *in, ul out_fd, struct fd *out, loff_t *pos,
			      char *kbuf, size_t n)
{
	ssize_t r, w;

	mutex_lock(&in->file->f_pos_lock);
	in->file->f_pos = *pos;
	mutex_unlock(&in->file->f_pos_lock);
	r = vfs_read(in->file, kbuf, n);
	if (r <= 0)
		return r;
	w = fd_object_write((unsigned int)out_fd, out, kbuf, (size_t)r);
	if (w > 0)
		*pos += w;
	return w;
}

/* sendfile(2): in must be a regular file (as Linux wants something it can map); with offset
 * the file position stays and *offset advances, else the file position does. */
long sys_sendfile(ul out_fd, ul in_fd, ul uoffset, ul count)
{
	struct fd in, out;
	loff_t pos, saved;
	size_t done = 0;
	ssize_t r = 0;
	char *kbuf;
	long ret = fdget_file(in_fd, &in, false);

	if (ret)
		return ret;
	ret = fdget_file(out_fd, &out, true);
	if (ret)
		goto put_in;
	ret = -EINVAL;
	if (!S_ISREG(file_inode(in.file)->i_mode))
		goto put_out;
	ret = -EFAULT;
	saved = in.file->f_pos;
	pos = saved;
	if (uoffset && copy_from_user(&pos, (const void __user *)uoffset, sizeof(pos)))
		goto put_out;
	ret = -ENOMEM;
	kbuf = kmalloc(BOUNCE_SIZE, GFP_KERNEL);
	if (!kbuf)
		goto put_out;
	while (done < count) {
		r = sendfile_chunk(&in, out_fd, &out, &pos, kbuf,
				   count - done < BOUNCE_SIZE ? count - done : BOUNCE_SIZE);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	kfree(kbuf);
	in.file->f_pos = uoffset ? saved : pos;
	ret = done ? (long)done : r;
	if (uoffset && copy_to_user((void __user *)uoffset, &pos, sizeof(pos)))
		ret = -EFAULT;
put_out:
	fdput(out);
put_in:
	fdput(in);
	return ret;
}
