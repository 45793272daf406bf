/*
 * A process's file descriptors, reduced to what this slice needs: a fixed table whose slots
 * hold a VFS file or the console (fds 0, 1, 2 at start), and read(0)/write(1)/open(2)/
 * close(3)/writev(20)/ioctl(16) on them. User buffers pass through a small kernel bounce
 * buffer with copy_from_user/copy_to_user, so a bad pointer is -EFAULT, never an oops.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/stat.h>
#include <keel/tty.h>
#include <keel/uaccess.h>
#include "process/syscalls.h"

#define NR_OPEN_DEFAULT 32
#define BOUNCE_SIZE 256
#define PATH_MAX_USER 4096
#define IOV_MAX 1024
#define TIOCGWINSZ 0x5413

struct fd_slot {
	struct file *file; /* a VFS file, or NULL */
	bool console;      /* bound to the console tty instead */
};

struct files_struct {
	struct fd_slot fd[NR_OPEN_DEFAULT];
};

int files_init_console(struct task_struct *t)
{
	t->files = kzalloc(sizeof(*t->files), GFP_KERNEL);
	if (!t->files)
		return -ENOMEM;
	for (int i = 0; i < 3; i++)
		t->files->fd[i].console = true;
	return 0;
}

void exit_files(struct task_struct *t)
{
	struct files_struct *files = t->files;

	if (!files)
		return;
	t->files = NULL;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++)
		if (files->fd[i].file)
			fput(files->fd[i].file);
	kfree(files);
}

int copy_files(struct task_struct *t)
{
	struct files_struct *old = current->files;

	if (!old)
		return 0;
	t->files = kmalloc(sizeof(*t->files), GFP_KERNEL);
	if (!t->files)
		return -ENOMEM;
	*t->files = *old;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++)
		if (t->files->fd[i].file)
			get_file(t->files->fd[i].file); /* the child's fd is a new reference */
	return 0;
}

static struct fd_slot *fd_lookup(unsigned long fd)
{
	struct fd_slot *s;

	if (!current->files || fd >= NR_OPEN_DEFAULT)
		return NULL;
	s = &current->files->fd[fd];
	return (s->file || s->console) ? s : NULL;
}

/* One chunk (at most BOUNCE_SIZE bytes) from kbuf to the slot's file or the console. */
static ssize_t slot_write(struct fd_slot *s, const char *kbuf, size_t n)
{
	if (s->console) {
		console_write(kbuf, n);
		return n;
	}
	return vfs_write(s->file, kbuf, n);
}

/* The console gives one line, which ends in '\n' as a canonical-mode read's does; Ctrl-C
 * typed while the process reads is SIGINT for its process group, as for a foreground job on
 * Linux. Either way a signal ends the read with -ERESTARTSYS: SA_RESTART reads again. */
static ssize_t console_read(char *kbuf, size_t n)
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

static ssize_t slot_read(struct fd_slot *s, char *kbuf, size_t n)
{
	if (s->console)
		return console_read(kbuf, n);
	return vfs_read(s->file, kbuf, n);
}

/* Writes n user bytes in bounce-buffer chunks; a short write ends the loop. */
static ssize_t write_user(struct fd_slot *s, const char __user *buf, size_t n)
{
	char kbuf[BOUNCE_SIZE];
	size_t done = 0;
	ssize_t r;

	if (!access_ok(buf, n))
		return -EFAULT;
	while (done < n) {
		size_t chunk = n - done < BOUNCE_SIZE ? n - done : BOUNCE_SIZE;

		if (copy_from_user(kbuf, buf + done, chunk))
			return done ? (ssize_t)done : -EFAULT;
		r = slot_write(s, kbuf, chunk);
		if (r < 0)
			return done ? (ssize_t)done : r;
		done += r;
		if ((size_t)r < chunk)
			break;
	}
	return done;
}

long sys_write(unsigned long fd, unsigned long buf, unsigned long count)
{
	struct fd_slot *s = fd_lookup(fd);

	if (!s)
		return -EBADF;
	return write_user(s, (const char __user *)buf, count);
}

long sys_read(unsigned long fd, unsigned long buf, unsigned long count)
{
	struct fd_slot *s = fd_lookup(fd);
	char kbuf[BOUNCE_SIZE];
	ssize_t r;

	if (!s)
		return -EBADF;
	if (!access_ok((void __user *)buf, count))
		return -EFAULT;
	if (!count)
		return 0;
	/* One chunk per call: a short read is allowed, and the console gives a line at most. */
	r = slot_read(s, kbuf, count < BOUNCE_SIZE ? count : BOUNCE_SIZE);
	if (r > 0 && copy_to_user((void __user *)buf, kbuf, r))
		return -EFAULT;
	return r;
}

struct iovec_user {
	unsigned long iov_base, iov_len;
};

long sys_writev(unsigned long fd, unsigned long iov, unsigned long iovcnt)
{
	struct fd_slot *s = fd_lookup(fd);
	struct iovec_user v;
	ssize_t total = 0, r;

	if (!s)
		return -EBADF;
	if (iovcnt > IOV_MAX)
		return -EINVAL;
	for (unsigned long i = 0; i < iovcnt; i++) {
		if (copy_from_user(&v, (void __user *)(iov + i * sizeof(v)), sizeof(v)))
			return total ? total : -EFAULT;
		r = write_user(s, (const char __user *)v.iov_base, v.iov_len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < v.iov_len)
			break;
	}
	return total;
}

static int alloc_fd(void)
{
	for (int i = 0; i < NR_OPEN_DEFAULT; i++)
		if (!current->files->fd[i].file && !current->files->fd[i].console)
			return i;
	return -EMFILE;
}

long sys_open(unsigned long path, unsigned long flags, unsigned long mode)
{
	struct file *f;
	char *kpath;
	long len;
	int fd;

	if (!current->files)
		return -EBADF;
	kpath = kmalloc(PATH_MAX_USER, GFP_KERNEL);
	if (!kpath)
		return -ENOMEM;
	len = strncpy_from_user(kpath, (const char __user *)path, PATH_MAX_USER);
	fd = len < 0 ? (int)len : len == PATH_MAX_USER ? -ENAMETOOLONG : alloc_fd();
	if (fd >= 0) {
		f = vfs_open(kpath, flags, mode);
		if (IS_ERR(f))
			fd = PTR_ERR(f);
		else
			current->files->fd[fd].file = f;
	}
	kfree(kpath);
	return fd;
}

long sys_close(unsigned long fd)
{
	struct fd_slot *s = fd_lookup(fd);

	if (!s)
		return -EBADF;
	if (s->file)
		fput(s->file);
	s->file = NULL;
	s->console = false;
	return 0;
}

struct winsize_user {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* TIOCGWINSZ on the console (80x25, the VGA text size); nothing else is a terminal ioctl. */
long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg)
{
	struct fd_slot *s = fd_lookup(fd);
	struct winsize_user ws = { .ws_row = 25, .ws_col = 80 };

	if (!s)
		return -EBADF;
	if (!s->console || cmd != TIOCGWINSZ)
		return -ENOTTY;
	if (copy_to_user((void __user *)arg, &ws, sizeof(ws)))
		return -EFAULT;
	return 0;
}
