/*
 * Creating and removing /proc entries. Each entry is a pinned dentry in the single proc
 * superblock (like a ramfs file), so lookups and readdir are the dcache's (libfs); the entry
 * list exists to find a module's leftovers at unload and to refuse a second removal.
 *
 * Locking: proc_lock (a mutex) covers proc_entries and every entry's removed flag; the
 * directory's i_rwsem is taken inside it around the dcache changes. Refcounts have their
 * own spinlock (pde_ref_lock): an entry's last reference may go inside proc_lock.
 */
#define pr_fmt(fmt) "proc: " fmt

#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include "fs/internal.h"
#include "fs/proc/internal.h"
#include "module/module.h"

DEFINE_MUTEX(proc_lock);
static LIST_HEAD(proc_entries);
/* Entries' refcounts: a spinlock, since the last iput (under proc_lock, from removal) drops
 * one. */
static DEFINE_SPINLOCK(pde_ref_lock);

void pde_get(struct proc_dir_entry *pde)
{
	spin_lock(&pde_ref_lock);
	pde->refcount++;
	spin_unlock(&pde_ref_lock);
}

void pde_put(struct proc_dir_entry *pde)
{
	bool last;

	spin_lock(&pde_ref_lock);
	last = --pde->refcount == 0;
	spin_unlock(&pde_ref_lock);
	if (last) {
		kfree(pde->name);
		kfree(pde);
	}
}

static struct dentry *pde_parent_dentry(struct proc_dir_entry *parent)
{
	return parent ? parent->dentry : proc_sb->s_root;
}

/* proc_lock held: links pde's inode under its parent's dentry as a pinned name. */
static int pde_attach(struct proc_dir_entry *pde)
{
	struct dentry *dir = pde_parent_dentry(pde->parent);
	struct qstr name = { .name = pde->name, .len = (u32)strlen(pde->name) };
	struct inode *inode;
	struct dentry *d;
	int ret = 0;

	inode_lock(dir->d_inode);
	d = lookup_one_locked(dir, &name);
	if (IS_ERR(d)) {
		ret = (int)PTR_ERR(d);
		goto unlock;
	}
	inode = d_is_negative(d) ? proc_get_inode(proc_sb, pde) : NULL;
	if (!inode) {
		ret = d_is_negative(d) ? -ENOMEM : -EEXIST;
		goto put;
	}
	d_instantiate(d, inode);
	d_make_persistent(d);
	if (S_ISDIR(pde->mode))
		inc_nlink(dir->d_inode);
	pde->dentry = d;
put:
	dput(d);
unlock:
	inode_unlock(dir->d_inode);
	return ret;
}

static bool pde_name_ok(const char *name, struct proc_dir_entry *parent)
{
	size_t len = name ? strnlen(name, NAME_MAX + 1) : 0;

	if (!len || len > NAME_MAX || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	return !parent || (S_ISDIR(parent->mode) && !parent->removed);
}

static struct proc_dir_entry *pde_alloc(const char *name, umode_t mode,
					struct proc_dir_entry *parent, unsigned long code)
{
	struct proc_dir_entry *pde = kzalloc(sizeof(*pde), GFP_KERNEL);

	if (!pde)
		return NULL;
	pde->name = kstrdup(name, GFP_KERNEL);
	if (!pde->name) {
		kfree(pde);
		return NULL;
	}
	pde->mode = mode;
	pde->parent = parent;
	pde->owner = code ? __module_address(code) : NULL;
	pde->refcount = 1; /* the list's */
	return pde;
}

/* Publishes a filled-in entry; on failure it is freed and the reason reported. */
static struct proc_dir_entry *pde_register(struct proc_dir_entry *pde)
{
	int ret = -ENOENT;

	mutex_lock(&proc_lock);
	if (proc_sb && pde_name_ok(pde->name, pde->parent))
		ret = pde_attach(pde);
	if (!ret)
		list_add_tail(&pde->list, &proc_entries);
	mutex_unlock(&proc_lock);
	if (!ret)
		return pde;
	pr_err("cannot create /proc/%s%s%s: %s\n", pde->parent ? pde->parent->name : "",
	       pde->parent ? "/" : "", pde->name, errno_name(ret));
	kfree(pde->name);
	kfree(pde);
	return NULL;
}

static struct proc_dir_entry *proc_create_common(const char *name, umode_t mode,
						 struct proc_dir_entry *parent,
						 unsigned long code, unsigned long creator)
{
	struct proc_dir_entry *pde;

	if (!name || !*name) {
		pr_err("cannot create an entry without a name\n");
		return NULL;
	}
	if (!(mode & S_IALLUGO))
		mode |= S_ISDIR(mode) ? 0555 : 0444;
	pde = pde_alloc(name, mode, parent, code);
	if (pde)
		pde->creator = creator;
	return pde;
}

#define CALLER ((unsigned long)__builtin_return_address(0))

struct proc_dir_entry *proc_create_single_data(const char *name, umode_t mode,
					       struct proc_dir_entry *parent,
					       int (*show)(struct seq_file *m, void *v),
					       void *data)
{
	struct proc_dir_entry *pde;

	if (!show)
		return NULL;
	pde = proc_create_common(name, S_IFREG | (mode & S_IALLUGO), parent,
				 (unsigned long)show, CALLER);
	if (!pde)
		return NULL;
	pde->single_show = show;
	pde->data = data;
	return pde_register(pde);
}
EXPORT_SYMBOL_GPL(proc_create_single_data);

struct proc_dir_entry *proc_create_data(const char *name, umode_t mode,
					struct proc_dir_entry *parent,
					const struct proc_ops *proc_ops, void *data)
{
	struct proc_dir_entry *pde;

	if (!proc_ops)
		return NULL;
	pde = proc_create_common(name, S_IFREG | (mode & S_IALLUGO), parent,
				 (unsigned long)proc_ops, CALLER);
	if (!pde)
		return NULL;
	pde->proc_ops = proc_ops;
	pde->data = data;
	return pde_register(pde);
}
EXPORT_SYMBOL_GPL(proc_create_data);

struct proc_dir_entry *proc_mkdir(const char *name, struct proc_dir_entry *parent)
{
	struct proc_dir_entry *pde = proc_create_common(name, S_IFDIR | 0555, parent, 0, CALLER);

	return pde ? pde_register(pde) : NULL;
}
EXPORT_SYMBOL_GPL(proc_mkdir);

/*
 * proc_lock held: unpins pde's name and unhashes it rather than leaving a negative dentry
 * (d_delete would): a negative child would keep a removed directory's dentry, inode and
 * entry alive. Open files keep the inode (and so pde) alive until closed.
 */
static void pde_detach(struct proc_dir_entry *pde)
{
	struct dentry *d = dget(pde->dentry);
	struct inode *dir = d->d_parent->d_inode;

	inode_lock(dir);
	if (S_ISDIR(pde->mode)) {
		drop_nlink(d->d_inode);
		drop_nlink(dir);
	}
	simple_unlink(dir, d);
	d_drop(d);
	inode_unlock(dir);
	dput(d);
	pde->removed = true;
	list_del(&pde->list);
}

/* proc_lock held: the listed entry called name under parent, or NULL. */
static struct proc_dir_entry *pde_find(const char *name, struct proc_dir_entry *parent)
{
	struct proc_dir_entry *pde;

	list_for_each_entry(pde, &proc_entries, list)
		if (pde->parent == parent && !strcmp(pde->name, name))
			return pde;
	return NULL;
}

/* proc_lock held: removes pde and, first, everything below it. */
static void pde_remove_tree(struct proc_dir_entry *pde)
{
	struct proc_dir_entry *child;
	bool again = true;

	while (again) {
		again = false;
		list_for_each_entry(child, &proc_entries, list) {
			if (child->parent == pde) {
				pde_remove_tree(child);
				again = true; /* the list changed under the walk */
				break;
			}
		}
	}
	pde_detach(pde);
	pde_put(pde); /* the list's; the inode's goes at eviction */
}

void remove_proc_entry(const char *name, struct proc_dir_entry *parent)
{
	struct proc_dir_entry *pde;

	mutex_lock(&proc_lock);
	pde = name && (!parent || !parent->removed) ? pde_find(name, parent) : NULL;
	if (pde)
		pde_remove_tree(pde);
	mutex_unlock(&proc_lock);
	if (!pde)
		pr_warn("remove_proc_entry: /proc/%s%s%s: no such entry\n",
			parent ? parent->name : "", parent ? "/" : "", name ? name : "(null)");
}
EXPORT_SYMBOL_GPL(remove_proc_entry);

void proc_remove(struct proc_dir_entry *pde)
{
	if (pde)
		remove_proc_entry(pde->name, pde->parent);
}
EXPORT_SYMBOL_GPL(proc_remove);

static bool pde_in_range(const struct proc_dir_entry *pde, unsigned long start,
			 unsigned long end)
{
	unsigned long code = pde->single_show ? (unsigned long)pde->single_show :
						(unsigned long)pde->proc_ops;

	return (code >= start && code < end) || (pde->creator >= start && pde->creator < end);
}

unsigned int proc_release_range(unsigned long start, unsigned long end)
{
	struct proc_dir_entry *pde;
	unsigned int n = 0;
	bool again = true;

	mutex_lock(&proc_lock);
	while (again) {
		again = false;
		list_for_each_entry(pde, &proc_entries, list) {
			if (pde_in_range(pde, start, end)) {
				pr_warn("/proc/%s was left behind by its module: removed\n",
					pde->name);
				pde_remove_tree(pde);
				n++;
				again = true;
				break;
			}
		}
	}
	mutex_unlock(&proc_lock);
	return n;
}
