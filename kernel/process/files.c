/*
 * A process's file descriptor table (Linux's files_struct and fdtable): fixed slots holding a
 * VFS file or the console (fds 0, 1, 2 at start), each with a close-on-exec bit. The system
 * calls built on it live in kernel/fs/syscalls_*.c and use <keel/fdtable.h>.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/process.h>
#include <keel/slab.h>

struct fd_slot {
	struct file *file;  /* a VFS file, or NULL */
	bool console;       /* bound to the console tty instead */
	bool reserved;      /* handed out by get_unused_fd_flags, not installed yet */
	bool cloexec;       /* FD_CLOEXEC: closed by files_close_on_exec */
	unsigned int flags; /* console slots: O_APPEND/O_NONBLOCK as F_SETFL left them */
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

static void slot_clear(struct fd_slot *s)
{
	struct file *f = s->file;

	*s = (struct fd_slot){ 0 };
	fput(f); /* last: ->release may sleep, and the slot is already free */
}

void exit_files(struct task_struct *t)
{
	struct files_struct *files = t->files;

	if (!files)
		return;
	t->files = NULL;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++)
		slot_clear(&files->fd[i]);
	kfree(files);
}

static struct fd_slot *slot_lookup(unsigned int fd)
{
	struct fd_slot *s;

	if (!current->files || fd >= NR_OPEN_DEFAULT)
		return NULL;
	s = &current->files->fd[fd];
	return (s->file || s->console) ? s : NULL;
}

int fdget(unsigned int fd, struct fd *f)
{
	struct fd_slot *s = slot_lookup(fd);

	if (!s)
		return -EBADF;
	f->console = s->console;
	f->file = s->file ? get_file(s->file) : NULL;
	return 0;
}

void fdput(struct fd f)
{
	fput(f.file);
}

unsigned int fd_limit(void)
{
	return rlimit(RLIMIT_NOFILE) < NR_OPEN_DEFAULT ? (unsigned int)rlimit(RLIMIT_NOFILE)
						       : NR_OPEN_DEFAULT;
}

int get_unused_fd_flags(unsigned int start, bool cloexec)
{
	struct fd_slot *s;

	if (!current->files)
		return -EBADF;
	if (start >= NR_OPEN_DEFAULT)
		return -EINVAL;
	for (unsigned int i = start; i < fd_limit(); i++) {
		s = &current->files->fd[i];
		if (!s->file && !s->console && !s->reserved) {
			s->reserved = true;
			s->cloexec = cloexec;
			return (int)i;
		}
	}
	return -EMFILE;
}

void put_unused_fd(unsigned int fd)
{
	current->files->fd[fd] = (struct fd_slot){ 0 };
}

void fd_install(unsigned int fd, struct fd f)
{
	struct fd_slot *s = &current->files->fd[fd];

	s->reserved = false;
	s->file = f.file;
	s->console = f.console;
	s->flags = 0;
}

int close_fd(unsigned int fd)
{
	struct fd_slot *s = slot_lookup(fd);

	if (!s)
		return -EBADF;
	slot_clear(s);
	return 0;
}

int replace_fd(unsigned int newfd, struct fd f, bool cloexec)
{
	struct fd_slot *s;

	if (!current->files || newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	s = &current->files->fd[newfd];
	slot_clear(s);
	s->file = f.file ? get_file(f.file) : NULL;
	s->console = f.console;
	s->cloexec = cloexec;
	return (int)newfd;
}

int get_close_on_exec(unsigned int fd)
{
	struct fd_slot *s = slot_lookup(fd);

	return s ? s->cloexec : -EBADF;
}

int set_close_on_exec(unsigned int fd, bool on)
{
	struct fd_slot *s = slot_lookup(fd);

	if (!s)
		return -EBADF;
	s->cloexec = on;
	return 0;
}

unsigned int console_fd_flags(unsigned int fd)
{
	struct fd_slot *s = slot_lookup(fd);

	return s ? s->flags : 0;
}

void console_fd_set_flags(unsigned int fd, unsigned int flags)
{
	struct fd_slot *s = slot_lookup(fd);

	if (s)
		s->flags = flags;
}

void files_close_on_exec(struct files_struct *files)
{
	if (!files)
		return;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++)
		if (files->fd[i].cloexec && (files->fd[i].file || files->fd[i].console))
			slot_clear(&files->fd[i]);
}

struct files_struct *dup_fd(struct files_struct *oldf)
{
	struct files_struct *newf = kmalloc(sizeof(*newf), GFP_KERNEL);

	if (!newf)
		return NULL;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++) {
		newf->fd[i] = oldf->fd[i];
		newf->fd[i].reserved = false; /* an fd being opened is not the child's */
		if (newf->fd[i].file)
			get_file(newf->fd[i].file);
	}
	return newf;
}

int copy_files(struct task_struct *t)
{
	if (!current->files)
		return 0;
	t->files = dup_fd(current->files);
	return t->files ? 0 : -ENOMEM;
}

int task_fd_peek(struct task_struct *t, unsigned int fd, struct file **file)
{
	struct fd_slot *s;

	if (!t->files || fd >= NR_OPEN_DEFAULT)
		return -EBADF;
	s = &t->files->fd[fd];
	*file = s->file;
	if (s->file)
		return 1;
	return s->console ? 0 : -EBADF;
}
