/*
 * /proc entries (Linux's <linux/proc_fs.h>): the kernel and modules publish generated text
 * files under /proc. The proc filesystem is built in, registered as "proc" and mounted at
 * /proc at boot (kernel/fs/proc/).
 *
 * Most files are a show function (<keel/seq_file.h>) that prints the whole file when it is
 * opened: proc_create_single. Files needing their own read/write use proc_create with a
 * struct proc_ops.
 *
 * Lifetime: a module removes its entries in its exit (remove_proc_entry). One it forgot is
 * removed when the module is unloaded (with a warning), so a later read cannot call freed
 * code. An open proc_create file holds its module (rmmod says EBUSY meanwhile); a
 * proc_create_single file holds nothing once open, its text being made at open.
 *
 * Context: all of these sleep (task context, no spinlock held).
 */
#ifndef KEEL_PROC_FS_H
#define KEEL_PROC_FS_H

#include <keel/fs.h>
#include <keel/list.h>
#include <keel/seq_file.h>

struct module;

/*
 * One /proc name (Linux's struct proc_dir_entry); only the proc core (kernel/fs/proc/) touches
 * the fields. Defined here rather than kept private so that modules and the kernel compute
 * the same symbol-version CRCs for the functions taking it. Its dentry in the proc
 * superblock is pinned while the entry exists; the entry itself lives while listed or an
 * inode points at it (refcount), so a file open across remove_proc_entry still finds its
 * show function's data. Fields other than refcount and removed never change after
 * creation.
 */
struct proc_dir_entry {
	char *name;
	umode_t mode;                     /* S_IFREG/S_IFDIR and permission bits */
	struct proc_dir_entry *parent;    /* NULL: /proc itself */
	const struct proc_ops *proc_ops;  /* proc_create files */
	int (*single_show)(struct seq_file *m, void *v); /* proc_create_single files */
	void *data;
	struct module *owner;  /* the module holding the code above, NULL for built-in code */
	unsigned long creator; /* who called proc_create or proc_mkdir: finds leftovers */
	struct dentry *dentry; /* its name in the proc superblock (pinned) */
	struct list_head list; /* proc_entries (proc_lock) */
	int refcount;          /* the list's and the inode's (pde_ref_lock) */
	bool removed;          /* off the list: opens fail with ENOENT (proc_lock) */
};

/* Operations of a proc_create file (Linux's struct proc_ops); NULL members: EINVAL. */
struct proc_ops {
	int (*proc_open)(struct inode *inode, struct file *file);
	ssize_t (*proc_read)(struct file *file, char *buf, size_t len, loff_t *pos);
	ssize_t (*proc_write)(struct file *file, const char *buf, size_t len, loff_t *pos);
	loff_t (*proc_lseek)(struct file *file, loff_t offset, int whence);
	int (*proc_release)(struct inode *inode, struct file *file);
};

/*
 * Creates /proc/[parent/]name as a file whose text show prints when it is opened (data is
 * m->private). mode: permission bits (0 means 0444). parent NULL is /proc itself. Returns the
 * entry, or NULL when name is empty, contains '/', is taken (EEXIST), proc is not mounted or
 * memory is short (each reported in one line). Linux: proc_create_single_data; the _single
 * form passes data NULL (Linux: proc_create_single).
 */
struct proc_dir_entry *proc_create_single_data(const char *name, umode_t mode,
					       struct proc_dir_entry *parent,
					       int (*show)(struct seq_file *m, void *v),
					       void *data);
static inline struct proc_dir_entry *proc_create_single(const char *name, umode_t mode,
							struct proc_dir_entry *parent,
							int (*show)(struct seq_file *m,
								    void *v))
{
	return proc_create_single_data(name, mode, parent, show, NULL);
}

/*
 * Creates /proc/[parent/]name with its own operations; data is reached with pde_data(inode).
 * The same results and failures as proc_create_single_data. Linux: proc_create_data,
 * proc_create.
 */
struct proc_dir_entry *proc_create_data(const char *name, umode_t mode,
					struct proc_dir_entry *parent,
					const struct proc_ops *proc_ops, void *data);
static inline struct proc_dir_entry *proc_create(const char *name, umode_t mode,
						 struct proc_dir_entry *parent,
						 const struct proc_ops *proc_ops)
{
	return proc_create_data(name, mode, parent, proc_ops, NULL);
}

/* Creates the directory /proc/[parent/]name. NULL on the same failures. Linux: proc_mkdir. */
struct proc_dir_entry *proc_mkdir(const char *name, struct proc_dir_entry *parent);

/*
 * Removes /proc/[parent/]name, and everything below it when it is a directory (Linux warns
 * and leaves the children dangling; here they go too). A name that does not exist (never
 * made, or already removed) is reported in one line and ignored. Files already open keep
 * working until closed. Linux: remove_proc_entry; proc_remove takes the entry itself (NULL
 * ignored).
 */
void remove_proc_entry(const char *name, struct proc_dir_entry *parent);
void proc_remove(struct proc_dir_entry *entry);

/* The data given to proc_create_data, from a proc file's inode. Linux: pde_data. */
void *pde_data(const struct inode *inode);

/*
 * For the module loader (not exported): removes the entries whose show function or proc_ops
 * lie in [start, end), a module's memory, after its exit ran; returns how many there were.
 */
unsigned int proc_release_range(unsigned long start, unsigned long end);
/* Boot: registers "proc", mounts it on /proc and creates the kernel's files. */
void proc_root_init(void);

#endif
