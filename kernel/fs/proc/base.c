/*
 * The per-process part of /proc (Linux's fs/proc/base.c and fd.c): a directory /proc/PID for
 * every task, /proc/self naming the caller's, and in each directory the files of array.c,
 * the symlinks cwd and exe, and fd/ with a symlink per open descriptor.
 *
 * These names are made at lookup and never cached: the dentries stay unhashed (each walk
 * asks again, as Linux's pid_revalidate would), so a directory goes with its process and a
 * new process's appears at once, with nothing to flush at exit. What a file or link shows is
 * read from the task with preemption off, so the task, its files and its address space
 * cannot change or go away meanwhile (one CPU; see array.c).
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/kernel.h>
#include <keel/mm_user.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include "fs/internal.h"
#include "fs/proc/internal.h"
#include "sched/sched.h"

#define PROC_SELF_POS 0x10000000LL /* root readdir: "self", then the pids after it */
#define PROC_PID_POS (PROC_SELF_POS + 1)
#define PROC_FD_POS 2              /* fd/ readdir: fd N at N + 2 */

struct pid_entry {
	const char *name;
	umode_t mode;
	int (*show)(struct seq_file *m, struct task_struct *t);     /* regular files */
	int (*link)(struct task_struct *t, char *buf, size_t size); /* symlinks: the target */
};

/* i_private of every inode made here. */
struct proc_pid_inode {
	pid_t pid;
	const struct pid_entry *entry; /* files: what to show */
	char link[];                   /* symlinks: the target (i_link) */
};

static const struct inode_operations proc_pid_dir_iops, proc_fd_dir_iops;
static const struct inode_operations proc_pid_link_iops, proc_pid_file_iops;
static const struct file_operations proc_pid_dir_fops, proc_fd_dir_fops, proc_pid_file_fops;

/* The task with pid while it exists (zombies too), not the idle task; preemption off. */
static struct task_struct *proc_pid_task(pid_t pid)
{
	struct task_struct *t = pid > 0 ? find_task_by_pid(pid) : NULL;

	if (!t || t->exit_state == EXIT_DEAD || (t->flags & PF_EXITING && !t->exit_state))
		return NULL;
	return t;
}

static bool pid_alive(pid_t pid)
{
	bool alive;

	preempt_disable();
	alive = proc_pid_task(pid) != NULL;
	preempt_enable();
	return alive;
}

/* A decimal name without sign or leading zero, as a number; -1 otherwise. */
static long name_to_number(const char *name)
{
	long n = 0;

	if (!*name || (*name == '0' && name[1]))
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || n > 100000000)
			return -1;
		n = n * 10 + (*name - '0');
	}
	return n;
}

static struct inode *pid_inode(struct super_block *sb, pid_t pid, umode_t mode,
			       const struct pid_entry *entry, const char *link)
{
	size_t n = link ? strlen(link) + 1 : 0;
	struct proc_pid_inode *pi = kzalloc(sizeof(*pi) + n, GFP_KERNEL);
	struct inode *inode = pi ? new_inode(sb) : NULL;

	if (!inode) {
		kfree(pi);
		return NULL;
	}
	pi->pid = pid;
	pi->entry = entry;
	inode_init_owner(inode, NULL, mode);
	inode->i_private = pi;
	if (S_ISLNK(mode)) {
		memcpy(pi->link, link, n);
		inode->i_link = pi->link;
		inode->i_op = &proc_pid_link_iops;
	} else if (!S_ISDIR(mode)) {
		inode->i_op = &proc_pid_file_iops;
		inode->i_fop = &proc_pid_file_fops;
	}
	return inode;
}

static struct inode *pid_dir_inode(struct super_block *sb, pid_t pid, bool fd_dir)
{
	struct inode *inode = pid_inode(sb, pid, S_IFDIR | (fd_dir ? 0500 : 0555), NULL, NULL);

	if (inode) {
		inode->i_op = fd_dir ? &proc_fd_dir_iops : &proc_pid_dir_iops;
		inode->i_fop = fd_dir ? &proc_fd_dir_fops : &proc_pid_dir_fops;
		set_nlink(inode, 2);
	}
	return inode;
}

bool proc_pid_evict_inode(struct inode *inode)
{
	const struct inode_operations *op = inode->i_op;

	if (op != &proc_pid_dir_iops && op != &proc_fd_dir_iops && op != &proc_pid_link_iops &&
	    op != &proc_pid_file_iops)
		return false;
	kfree(inode->i_private);
	inode->i_private = NULL;
	inode->i_link = NULL;
	return true;
}

/* Gives the lookup's dentry its inode without hashing it: never cached (see the top). */
static struct dentry *proc_splice(struct dentry *dentry, struct inode *inode)
{
	if (!inode)
		return ERR_PTR(-ENOMEM);
	d_instantiate(dentry, inode);
	return dget(dentry);
}

/* A symlink inode whose target link() computes now from pid's task; -ENOENT without one. */
static struct dentry *proc_link_lookup(struct dentry *dentry, pid_t pid, umode_t mode,
				       int (*link)(struct task_struct *, char *, size_t, long),
				       long arg)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	struct task_struct *t;
	struct dentry *res;
	int ret = -ENOENT;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	preempt_disable();
	t = proc_pid_task(pid);
	if (t)
		ret = link(t, buf, PATH_MAX, arg);
	preempt_enable();
	res = ret < 0 ? ERR_PTR(ret) :
			proc_splice(dentry, pid_inode(dentry->d_sb, pid, S_IFLNK | mode, NULL, buf));
	kfree(buf);
	return res;
}

/* ---- the links ---------------------------------------------------------------------------- */

static int path_link(const struct path *path, char *buf, size_t size)
{
	return path->dentry ? d_path(path, buf, size) : -ENOENT;
}

static int cwd_link(struct task_struct *t, char *buf, size_t size)
{
	return path_link(&task_fs(t)->pwd, buf, size);
}

static int exe_link(struct task_struct *t, char *buf, size_t size)
{
	if (!t->mm || !t->mm->exe_path)
		return -ENOENT;
	return strlcpy(buf, t->mm->exe_path, size) < size ? 0 : -ENAMETOOLONG;
}

/* fd/N: the file's path; a pipe "pipe:[ino]" and the console /dev/console, as Linux. */
static int fd_link(struct task_struct *t, char *buf, size_t size, long fd)
{
	struct file *file;
	int ret = task_fd_peek(t, (unsigned int)fd, &file);

	if (ret < 0)
		return -ENOENT;
	if (!ret)
		return strlcpy(buf, "/dev/console", size) < size ? 0 : -ENAMETOOLONG;
	if (file->f_path.dentry)
		return d_path(&file->f_path, buf, size);
	snprintf(buf, size, "%s:[%lu]", S_ISFIFO(file->f_inode->i_mode) ? "pipe" : "anon_inode",
		 file->f_inode->i_ino);
	return 0;
}

static int entry_link(struct task_struct *t, char *buf, size_t size, long entry)
{
	return ((const struct pid_entry *)entry)->link(t, buf, size);
}

static const struct pid_entry pid_entries[] = {
	{ "cmdline", S_IFREG | 0444, proc_pid_cmdline, NULL },
	{ "comm", S_IFREG | 0444, proc_pid_comm, NULL },
	{ "cwd", S_IFLNK | 0777, NULL, cwd_link },
	{ "environ", S_IFREG | 0400, proc_pid_environ, NULL },
	{ "exe", S_IFLNK | 0777, NULL, exe_link },
	{ "fd", S_IFDIR | 0500, NULL, NULL },
	{ "maps", S_IFREG | 0444, proc_pid_maps, NULL },
	{ "stat", S_IFREG | 0444, proc_pid_stat, NULL },
	{ "statm", S_IFREG | 0444, proc_pid_statm, NULL },
	{ "status", S_IFREG | 0444, proc_pid_status, NULL },
};

static pid_t inode_pid(const struct inode *inode)
{
	return ((struct proc_pid_inode *)inode->i_private)->pid;
}

/* ---- /proc/PID/ ----------------------------------------------------------------------------- */

static struct dentry *proc_pid_lookup(struct inode *dir, struct dentry *dentry,
				      unsigned int flags)
{
	pid_t pid = inode_pid(dir);
	const struct pid_entry *e = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(pid_entries); i++)
		if (!strcmp(dentry->d_name.name, pid_entries[i].name))
			e = &pid_entries[i];
	if (!e || !pid_alive(pid))
		return ERR_PTR(-ENOENT);
	if (S_ISLNK(e->mode))
		return proc_link_lookup(dentry, pid, 0777, entry_link, (long)e);
	if (S_ISDIR(e->mode))
		return proc_splice(dentry, pid_dir_inode(dentry->d_sb, pid, true));
	return proc_splice(dentry, pid_inode(dentry->d_sb, pid, e->mode, e, NULL));
}

static int proc_pid_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	for (; ctx->pos - 2 < (loff_t)ARRAY_SIZE(pid_entries); ctx->pos++) {
		const struct pid_entry *e = &pid_entries[ctx->pos - 2];

		if (!dir_emit(ctx, e->name, (int)strlen(e->name), 0x1000 + (u64)ctx->pos,
			      fs_umode_to_dtype(e->mode)))
			break;
	}
	return 0;
}

/* Emits the entry named n at position base + n (ino ino_base + n); false when the caller's
 * buffer is full (the position then stays on it for the next call). */
static bool emit_number(struct dir_context *ctx, int n, loff_t base, u64 ino_base,
			unsigned int type)
{
	char name[12];
	int len = snprintf(name, sizeof(name), "%d", n);

	ctx->pos = base + n;
	if (!dir_emit(ctx, name, len, ino_base + (u64)n, type))
		return false;
	ctx->pos++;
	return true;
}

/* ---- /proc/PID/fd/ -------------------------------------------------------------------------- */

static struct dentry *proc_fd_lookup(struct inode *dir, struct dentry *dentry,
				     unsigned int flags)
{
	long fd = name_to_number(dentry->d_name.name);

	if (fd < 0 || fd >= NR_OPEN_DEFAULT)
		return ERR_PTR(-ENOENT);
	return proc_link_lookup(dentry, inode_pid(dir), 0700, fd_link, fd);
}

/* The lowest open fd of pid's task >= from, or -1. */
static int next_open_fd(pid_t pid, int from)
{
	struct task_struct *t;
	struct file *file;
	int found = -1;

	preempt_disable();
	t = proc_pid_task(pid);
	for (int fd = from; t && fd < NR_OPEN_DEFAULT && found < 0; fd++)
		if (task_fd_peek(t, (unsigned int)fd, &file) >= 0)
			found = fd;
	preempt_enable();
	return found;
}

static int proc_fd_readdir(struct file *file, struct dir_context *ctx)
{
	pid_t pid = inode_pid(file_inode(file));
	int fd;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while ((fd = next_open_fd(pid, (int)(ctx->pos - PROC_FD_POS))) >= 0)
		if (!emit_number(ctx, fd, PROC_FD_POS, 0x2000, DT_LNK))
			break;
	return 0;
}

/* ---- the files ------------------------------------------------------------------------------- */

static int pid_file_show(struct seq_file *m, void *v)
{
	struct proc_pid_inode *pi = m->private;
	struct task_struct *t;
	int ret = -ESRCH;

	preempt_disable();
	t = proc_pid_task(pi->pid);
	if (t)
		ret = pi->entry->show(m, t);
	preempt_enable();
	return ret;
}

static int pid_file_open(struct inode *inode, struct file *file)
{
	return single_open(file, pid_file_show, inode->i_private);
}

/* ---- /proc itself: the pid directories and self ------------------------------------------------ */

static int self_link(struct task_struct *t, char *buf, size_t size, long unused)
{
	snprintf(buf, size, "%d", t->tgid); /* the process, whichever thread asks */
	return 0;
}

struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	const char *name = dentry->d_name.name;
	long pid;

	if (!strcmp(name, "self"))
		return proc_link_lookup(dentry, current->pid, 0777, self_link, 0);
	pid = name_to_number(name);
	if (pid < 0)
		return simple_lookup(dir, dentry, flags);
	if (!pid_alive((pid_t)pid))
		return ERR_PTR(-ENOENT); /* no negative dentry: the pid may come later */
	return proc_splice(dentry, pid_dir_inode(dentry->d_sb, (pid_t)pid, false));
}

struct next_pid_query {
	pid_t from, found;
};

static void next_pid_one(struct task_struct *t, void *ctx)
{
	struct next_pid_query *q = ctx;

	/* Processes only, as Linux lists them; a thread's tid still resolves by lookup. */
	if (t->pid == t->tgid && t->pid >= q->from && (!q->found || t->pid < q->found) &&
	    proc_pid_task(t->pid))
		q->found = t->pid;
}

/* The lowest pid >= from with a directory, or 0. */
static pid_t next_pid(pid_t from)
{
	struct next_pid_query q = { .from = from > 0 ? from : 1 };

	for_each_task(next_pid_one, &q);
	return q.found;
}

/* dcache_readdir's entries go to the caller's actor through this one, noting a full buffer. */
struct root_walk {
	struct dir_context ctx;
	struct dir_context *outer;
	bool full;
};

static bool root_forward(struct dir_context *c, const char *name, int len, loff_t pos, u64 ino,
			 unsigned int type)
{
	struct root_walk *w = container_of(c, struct root_walk, ctx);

	w->outer->pos = pos;
	w->full = !dir_emit(w->outer, name, len, ino, type);
	return !w->full;
}

/* ".", "..", the kernel's files (positions 2...), "self", then one directory per pid. */
int proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	pid_t pid;

	if (ctx->pos < PROC_SELF_POS) {
		struct root_walk w = { .ctx = { .actor = root_forward, .pos = ctx->pos },
				       .outer = ctx };

		dcache_readdir(file, &w.ctx);
		ctx->pos = w.full ? w.ctx.pos : PROC_SELF_POS;
		if (w.full)
			return 0;
	}
	if (ctx->pos == PROC_SELF_POS) {
		if (!dir_emit(ctx, "self", 4, 0x3000, DT_LNK))
			return 0;
		ctx->pos++;
	}
	while ((pid = next_pid((pid_t)(ctx->pos - PROC_PID_POS))) > 0)
		if (!emit_number(ctx, pid, PROC_PID_POS, 0x100000, DT_DIR))
			break;
	return 0;
}

static const struct inode_operations proc_pid_dir_iops = { .lookup = proc_pid_lookup };
static const struct inode_operations proc_fd_dir_iops = { .lookup = proc_fd_lookup };
/* Links keep their target in i_link, which the VFS reads first. The two tables exist to be
 * told apart from the pde inodes' at eviction. */
static const struct inode_operations proc_pid_link_iops = { .get_link = NULL };
static const struct inode_operations proc_pid_file_iops = { .setattr = NULL };

static const struct file_operations proc_pid_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate_shared = proc_pid_readdir,
};
static const struct file_operations proc_fd_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate_shared = proc_fd_readdir,
};
static const struct file_operations proc_pid_file_fops = {
	.open = pid_file_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
