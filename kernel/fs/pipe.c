/*
 * Anonymous pipes (Linux's fs/pipe.c): pipe(2) and pipe2(2) make two files sharing a
 * pipe_inode_info, a 64 KiB ring buffer with wait queues for blocked readers and writers.
 * Reads sleep while the pipe is empty and give 0 (end of file) once no writer is left; writes
 * sleep while it is full, write up to PIPE_BUF bytes in one piece, and fail with EPIPE once no
 * reader is left. O_NONBLOCK turns each sleep into -EAGAIN; a signal into -ERESTARTSYS (EINTR, or
 * the call again under SA_RESTART, as Linux's pipe_read/pipe_write).
 */
#include <keel/errno.h>
#include <keel/sched.h>
#include <keel/sched/signal.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include <keel/wait.h>
#include "fs/fs_syscalls.h"

#define PIPE_SIZE 65536
#define PIPE_BUF 4096

struct pipe_inode_info {
	struct inode inode;     /* what fstat describes (S_IFIFO); belongs to no superblock */
	struct mutex mutex;     /* buf, head, len, readers, writers */
	char *buf;
	size_t head, len;       /* the oldest byte's index and the bytes held */
	int readers, writers;   /* open ends */
	wait_queue_head_t rd_wait, wr_wait;
};

static const struct file_operations pipefifo_fops;

bool is_pipe(const struct file *f)
{
	return f && f->f_op == &pipefifo_fops;
}

static size_t ring_copy_out(struct pipe_inode_info *p, char *buf, size_t n)
{
	size_t first;

	n = n < p->len ? n : p->len;
	first = PIPE_SIZE - p->head < n ? PIPE_SIZE - p->head : n;
	memcpy(buf, p->buf + p->head, first);
	memcpy(buf + first, p->buf, n - first);
	p->head = (p->head + n) % PIPE_SIZE;
	p->len -= n;
	return n;
}

static size_t ring_copy_in(struct pipe_inode_info *p, const char *buf, size_t n)
{
	size_t tail = (p->head + p->len) % PIPE_SIZE, first;

	n = n < PIPE_SIZE - p->len ? n : PIPE_SIZE - p->len;
	first = PIPE_SIZE - tail < n ? PIPE_SIZE - tail : n;
	memcpy(p->buf + tail, buf, first);
	memcpy(p->buf, buf + first, n - first);
	p->len += n;
	return n;
}

/* Sleeps until cond(p) holds (checked with the mutex dropped); 0 or -ERESTARTSYS. */
static int pipe_wait(struct pipe_inode_info *p, wait_queue_head_t *wq,
		     bool (*cond)(struct pipe_inode_info *p))
{
	int ret;

	mutex_unlock(&p->mutex);
	ret = wait_event_interruptible(*wq, cond(p));
	mutex_lock(&p->mutex);
	return ret ? -ERESTARTSYS : 0;
}

static bool readable(struct pipe_inode_info *p)
{
	return p->len || !p->writers;
}

static ssize_t pipe_read(struct file *f, char *buf, size_t n, loff_t *pos)
{
	struct pipe_inode_info *p = f->private_data;
	ssize_t ret = 0;

	(void)pos;
	if (!(f->f_mode & FMODE_READ))
		return -EBADF; /* the write end */
	mutex_lock(&p->mutex);
	while (!p->len && p->writers && !ret) {
		ret = (f->f_flags & O_NONBLOCK) ? -EAGAIN : pipe_wait(p, &p->rd_wait, readable);
	}
	if (!ret)
		ret = (ssize_t)ring_copy_out(p, buf, n);
	mutex_unlock(&p->mutex);
	if (ret > 0)
		wake_up_interruptible_all(&p->wr_wait);
	return ret;
}

static bool writable(struct pipe_inode_info *p)
{
	return p->len < PIPE_SIZE || !p->readers;
}

/* Room for the next piece: all of it when it is at most PIPE_BUF (atomic), else a byte. */
static bool room_for(struct pipe_inode_info *p, size_t left)
{
	size_t need = left <= PIPE_BUF ? left : 1;

	return PIPE_SIZE - p->len >= need;
}

/* A write to a pipe nobody reads is SIGPIPE for the writer, once <keel/sched/signal.h> has
 * it (the signal work defines SIGPIPE); until then the writer sees only EPIPE. */
static void pipe_sigpipe(void)
{
#ifdef SIGPIPE
	send_sig(SIGPIPE, current, 0);
#endif
}

static ssize_t pipe_write(struct file *f, const char *buf, size_t n, loff_t *pos)
{
	struct pipe_inode_info *p = f->private_data;
	size_t done = 0;
	int err = 0;

	(void)pos;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF; /* the read end */
	mutex_lock(&p->mutex);
	while (done < n && !err) {
		if (!p->readers) {
			err = -EPIPE;
		} else if (!room_for(p, n - done)) {
			err = (f->f_flags & O_NONBLOCK) ? -EAGAIN
							: pipe_wait(p, &p->wr_wait, writable);
		} else {
			done += ring_copy_in(p, buf + done, n - done);
			wake_up_interruptible_all(&p->rd_wait);
		}
	}
	mutex_unlock(&p->mutex);
	if (err == -EPIPE && !done)
		pipe_sigpipe();
	return done ? (ssize_t)done : err;
}

static int pipe_release(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *p = f->private_data;
	bool last;

	(void)inode;
	mutex_lock(&p->mutex);
	if (f->f_mode & FMODE_READ)
		p->readers--;
	if (f->f_mode & FMODE_WRITE)
		p->writers--;
	last = !p->readers && !p->writers;
	mutex_unlock(&p->mutex);
	if (!last) {
		wake_up_interruptible_all(&p->rd_wait);
		wake_up_interruptible_all(&p->wr_wait);
		return 0;
	}
	kfree(p->buf);
	kfree(p);
	return 0;
}

static const struct file_operations pipefifo_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
};

unsigned int pipe_nread(struct file *f)
{
	struct pipe_inode_info *p = f->private_data;

	return (unsigned int)p->len;
}

/* Read without the mutex: poll may run with the task already marked as sleeping, and a
 * stale answer only means one more pass (every change wakes the queues it registered on). */
unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe_inode_info *p = f->private_data;
	unsigned int mask = 0;

	poll_wait(pt, &p->rd_wait);
	poll_wait(pt, &p->wr_wait);
	if ((f->f_mode & FMODE_READ) && READ_ONCE(p->len))
		mask |= POLLIN;
	if ((f->f_mode & FMODE_READ) && !READ_ONCE(p->writers))
		mask |= POLLHUP;
	if ((f->f_mode & FMODE_WRITE) && READ_ONCE(p->len) <= PIPE_SIZE - PIPE_BUF)
		mask |= POLLOUT;
	if ((f->f_mode & FMODE_WRITE) && !READ_ONCE(p->readers))
		mask |= POLLERR;
	return mask;
}

static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE, GFP_KERNEL);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	mutex_init(&p->mutex);
	init_waitqueue_head(&p->rd_wait);
	init_waitqueue_head(&p->wr_wait);
	p->inode.i_mode = S_IFIFO | 0600;
	p->inode.i_ino = get_next_ino();
	p->inode.i_mtime = current_time(NULL);
	p->readers = p->writers = 1;
	return p;
}

/* One end: a file without a path (fput's path_put ignores the NULL dentry and mount). */
static struct file *pipe_file(struct pipe_inode_info *p, unsigned int flags, bool write)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->f_inode = &p->inode;
	f->f_op = &pipefifo_fops;
	f->f_flags = (write ? O_WRONLY : O_RDONLY) | (flags & O_NONBLOCK);
	f->f_mode = (write ? FMODE_WRITE : FMODE_READ) | FMODE_STREAM;
	f->f_count = 1;
	mutex_init(&f->f_pos_lock);
	f->private_data = p;
	return f;
}

/* Both ends; on failure everything made is freed. */
static int create_pipe_files(struct file **res, unsigned int flags)
{
	struct pipe_inode_info *p = alloc_pipe_info();

	if (!p)
		return -ENOMEM;
	res[0] = pipe_file(p, flags, false);
	res[1] = res[0] ? pipe_file(p, flags, true) : NULL;
	if (res[1])
		return 0;
	kfree(res[0]);
	kfree(p->buf);
	kfree(p);
	return -ENOMEM;
}

long sys_pipe2(ul ufds, ul flags)
{
	struct file *files[2];
	int fd[2];
	long ret;

	if (flags & ~(ul)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	ret = create_pipe_files(files, (unsigned int)flags);
	if (ret)
		return ret;
	fd[0] = get_unused_fd_flags(0, flags & O_CLOEXEC);
	fd[1] = fd[0] < 0 ? fd[0] : get_unused_fd_flags(0, flags & O_CLOEXEC);
	ret = fd[1] < 0 ? fd[1] : 0;
	if (!ret && copy_to_user((void __user *)ufds, fd, sizeof(fd)))
		ret = -EFAULT;
	if (ret)
		goto put_fds;
	fd_install(fd[0], (struct fd){ .file = files[0] });
	fd_install(fd[1], (struct fd){ .file = files[1] });
	return 0;
put_fds:
	if (fd[0] >= 0)
		put_unused_fd(fd[0]);
	if (fd[1] >= 0 && fd[1] != fd[0])
		put_unused_fd(fd[1]);
	fput(files[0]);
	fput(files[1]);
	return ret;
}

long sys_pipe(ul ufds)
{
	return sys_pipe2(ufds, 0);
}
