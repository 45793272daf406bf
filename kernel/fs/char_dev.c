/*
 * Character devices (Linux's fs/char_dev.c): the claimed number ranges (/proc/devices), the
 * map from numbers to cdevs, and chrdev_open, which every character device node opens
 * through, whichever filesystem holds the node.
 *
 * Locking: chrdevs_lock (a mutex) covers both lists. chrdev_open pins the driver's module
 * under it, so a cdev_del or an unload racing with an open is safe.
 */
#define pr_fmt(fmt) "chrdev: " fmt

#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/seq_file.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/proc/internal.h"
#include "module/module.h"

#define CHRDEV_DYN_FIRST 254

struct char_device_struct {
	unsigned int major, baseminor, minorct;
	char *name;
	unsigned long name_addr;  /* where the caller's name was: finds a module's leftovers */
	struct cdev *cdev;        /* register_chrdev's own cdev */
	struct list_head list;
};

static DEFINE_MUTEX(chrdevs_lock);
static LIST_HEAD(chrdev_regions);
static LIST_HEAD(cdev_map);

static bool ranges_overlap(dev_t a, unsigned int na, dev_t b, unsigned int nb)
{
	return a < b + nb && b < a + na;
}

/* chrdevs_lock held: whether any claimed range overlaps [from, from + count). */
static bool region_taken(dev_t from, unsigned int count)
{
	struct char_device_struct *cd;

	list_for_each_entry(cd, &chrdev_regions, list)
		if (ranges_overlap(MKDEV(cd->major, cd->baseminor), cd->minorct, from, count))
			return true;
	return false;
}

static bool range_ok(dev_t from, unsigned int count)
{
	return count && MAJOR(from) && MAJOR(from) < CHRDEV_MAJOR_MAX &&
	       MINOR(from) + (u64)count <= MINORMASK + 1ULL;
}

/* chrdevs_lock held. */
static struct char_device_struct *region_add(dev_t from, unsigned int count, const char *name)
{
	struct char_device_struct *cd;

	if (region_taken(from, count))
		return ERR_PTR(-EBUSY);
	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (cd)
		cd->name = kstrdup(name ? name : "", GFP_KERNEL);
	if (!cd || !cd->name) {
		kfree(cd);
		return ERR_PTR(-ENOMEM);
	}
	cd->major = MAJOR(from);
	cd->baseminor = MINOR(from);
	cd->minorct = count;
	cd->name_addr = (unsigned long)name;
	list_add_tail(&cd->list, &chrdev_regions);
	return cd;
}

static void region_free(struct char_device_struct *cd)
{
	list_del(&cd->list);
	kfree(cd->name);
	kfree(cd);
}

int register_chrdev_region(dev_t from, unsigned int count, const char *name)
{
	struct char_device_struct *cd;

	if (!range_ok(from, count))
		return -EINVAL;
	mutex_lock(&chrdevs_lock);
	cd = region_add(from, count, name);
	mutex_unlock(&chrdevs_lock);
	return IS_ERR(cd) ? (int)PTR_ERR(cd) : 0;
}
EXPORT_SYMBOL_GPL(register_chrdev_region);

/* chrdevs_lock held: a major without any range, from 254 down to 234; 0 when none. */
static unsigned int find_dynamic_major(void)
{
	for (unsigned int major = CHRDEV_DYN_FIRST; major >= CHRDEV_MAJOR_DYN_END; major--)
		if (!region_taken(MKDEV(major, 0), MINORMASK + 1))
			return major;
	return 0;
}

/* chrdevs_lock held: claims count minors of a free dynamic major. */
static struct char_device_struct *region_add_dynamic(unsigned int baseminor,
						     unsigned int count, const char *name)
{
	unsigned int major = find_dynamic_major();

	if (!major)
		return ERR_PTR(-EBUSY);
	return region_add(MKDEV(major, baseminor), count, name);
}

int alloc_chrdev_region(dev_t *dev, unsigned int baseminor, unsigned int count,
			const char *name)
{
	struct char_device_struct *cd;

	if (!dev || !range_ok(MKDEV(1, baseminor), count))
		return -EINVAL;
	mutex_lock(&chrdevs_lock);
	cd = region_add_dynamic(baseminor, count, name);
	mutex_unlock(&chrdevs_lock);
	if (IS_ERR(cd))
		return (int)PTR_ERR(cd);
	*dev = MKDEV(cd->major, cd->baseminor);
	return 0;
}
EXPORT_SYMBOL_GPL(alloc_chrdev_region);

/* chrdevs_lock held: the range claimed exactly as [from, from + count), or NULL. */
static struct char_device_struct *region_find(dev_t from, unsigned int count)
{
	struct char_device_struct *cd;

	list_for_each_entry(cd, &chrdev_regions, list)
		if (MKDEV(cd->major, cd->baseminor) == from && cd->minorct == count)
			return cd;
	return NULL;
}

void unregister_chrdev_region(dev_t from, unsigned int count)
{
	struct char_device_struct *cd;
	const char *why = NULL;

	mutex_lock(&chrdevs_lock);
	cd = region_find(from, count);
	if (!cd)
		why = "not registered";
	else if (cd->cdev)
		why = "registered with register_chrdev";
	else
		region_free(cd);
	mutex_unlock(&chrdevs_lock);
	if (why)
		pr_warn("unregister_chrdev_region(%u:%u, %u): %s\n", MAJOR(from), MINOR(from),
			count, why);
}
EXPORT_SYMBOL_GPL(unregister_chrdev_region);

void cdev_init(struct cdev *cdev, const struct file_operations *fops)
{
	memset(cdev, 0, sizeof(*cdev));
	INIT_LIST_HEAD(&cdev->list);
	cdev->ops = fops;
}
EXPORT_SYMBOL_GPL(cdev_init);

/* chrdevs_lock held. */
static int cdev_map_add(struct cdev *cdev, dev_t dev, unsigned int count)
{
	struct cdev *c;

	list_for_each_entry(c, &cdev_map, list)
		if (ranges_overlap(c->dev, c->count, dev, count))
			return -EBUSY;
	cdev->dev = dev;
	cdev->count = count;
	list_add_tail(&cdev->list, &cdev_map);
	return 0;
}

int cdev_add(struct cdev *cdev, dev_t dev, unsigned int count)
{
	int ret;

	if (!cdev || !cdev->ops || !count || MINOR(dev) + (u64)count > MINORMASK + 1ULL)
		return -EINVAL;
	if (!cdev->owner)
		cdev->owner = cdev->ops->owner;
	if (!cdev->ops->owner && __module_address((unsigned long)cdev->ops)) {
		pr_err("cdev_add(%u:%u): file_operations without .owner = THIS_MODULE\n",
		       MAJOR(dev), MINOR(dev));
		return -EINVAL;
	}
	mutex_lock(&chrdevs_lock);
	ret = cdev_map_add(cdev, dev, count);
	mutex_unlock(&chrdevs_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(cdev_add);

/* chrdevs_lock held: whether cdev is in the map. */
static bool cdev_mapped(const struct cdev *cdev)
{
	struct cdev *c;

	list_for_each_entry(c, &cdev_map, list)
		if (c == cdev)
			return true;
	return false;
}

void cdev_del(struct cdev *cdev)
{
	bool found;

	mutex_lock(&chrdevs_lock);
	found = cdev && cdev_mapped(cdev);
	if (found)
		list_del_init(&cdev->list);
	mutex_unlock(&chrdevs_lock);
	if (!found)
		pr_warn("cdev_del of a cdev that is not added\n");
}
EXPORT_SYMBOL_GPL(cdev_del);

/* chrdevs_lock held: claims the 256 minors and maps them to a new cdev of fops. */
static int register_chrdev_locked(unsigned int major, const char *name,
				  const struct file_operations *fops, struct cdev *cdev)
{
	struct char_device_struct *cd;
	int ret;

	cd = major ? region_add(MKDEV(major, 0), 256, name) : region_add_dynamic(0, 256, name);
	if (IS_ERR(cd))
		return (int)PTR_ERR(cd);
	cdev_init(cdev, fops);
	cdev->owner = fops->owner;
	ret = cdev_map_add(cdev, MKDEV(cd->major, 0), 256);
	if (ret) {
		region_free(cd);
		return ret;
	}
	cd->cdev = cdev;
	return major ? 0 : (int)cd->major;
}

int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops)
{
	struct cdev *cdev;
	int ret;

	if (!fops || !name || major >= CHRDEV_MAJOR_MAX)
		return -EINVAL;
	if (!fops->owner && __module_address((unsigned long)fops)) {
		pr_err("register_chrdev(%u, %s): file_operations without .owner\n", major, name);
		return -EINVAL;
	}
	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev)
		return -ENOMEM;
	mutex_lock(&chrdevs_lock);
	ret = register_chrdev_locked(major, name, fops, cdev);
	mutex_unlock(&chrdevs_lock);
	if (ret < 0)
		kfree(cdev);
	return ret;
}
EXPORT_SYMBOL_GPL(register_chrdev);

/* chrdevs_lock held: drops a register_chrdev range and its cdev. */
static void chrdev_region_drop(struct char_device_struct *cd)
{
	if (cd->cdev) {
		list_del_init(&cd->cdev->list);
		kfree(cd->cdev);
	}
	region_free(cd);
}

void unregister_chrdev(unsigned int major, const char *name)
{
	struct char_device_struct *cd = NULL;
	bool found = false;

	mutex_lock(&chrdevs_lock);
	if (major && major < CHRDEV_MAJOR_MAX)
		cd = region_find(MKDEV(major, 0), 256);
	if (cd && cd->cdev && name && !strcmp(cd->name, name)) {
		chrdev_region_drop(cd);
		found = true;
	}
	mutex_unlock(&chrdevs_lock);
	if (!found)
		pr_warn("unregister_chrdev(%u, %s): not registered\n", major, name ? name : "");
}
EXPORT_SYMBOL_GPL(unregister_chrdev);

/* chrdevs_lock held: the operations for dev with their module pinned, or NULL. */
static const struct file_operations *cdev_get_fops(dev_t dev)
{
	struct cdev *c;

	list_for_each_entry(c, &cdev_map, list)
		if (dev >= c->dev && dev - c->dev < c->count)
			return try_module_get(c->ops->owner) ? c->ops : NULL;
	return NULL;
}

int chrdev_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops;

	mutex_lock(&chrdevs_lock);
	fops = cdev_get_fops(inode->i_rdev);
	mutex_unlock(&chrdevs_lock);
	if (!fops)
		return -ENXIO;
	module_put(file->f_op->owner); /* the VFS's reference on def_chr_fops' (none) */
	file->f_op = fops;
	return fops->open ? fops->open(inode, file) : 0;
}
EXPORT_SYMBOL_GPL(chrdev_open);

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};

void chrdev_show(struct seq_file *m)
{
	struct char_device_struct *cd;

	mutex_lock(&chrdevs_lock);
	for (unsigned int major = 1; major < CHRDEV_MAJOR_MAX; major++)
		list_for_each_entry(cd, &chrdev_regions, list)
			if (cd->major == major)
				seq_printf(m, "%3u %s\n", major, cd->name);
	mutex_unlock(&chrdevs_lock);
}

static bool in_range(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

/* chrdevs_lock held: one leftover of the module at [start, end), removed; false if none. */
static bool chrdev_release_one(unsigned long start, unsigned long end)
{
	struct char_device_struct *cd;
	struct cdev *c;

	list_for_each_entry(cd, &chrdev_regions, list) {
		if (in_range((void *)cd->name_addr, start, end) ||
		    (cd->cdev && in_range(cd->cdev->ops, start, end))) {
			pr_warn("%u %s was left registered by its module: removed\n", cd->major,
				cd->name);
			chrdev_region_drop(cd);
			return true;
		}
	}
	list_for_each_entry(c, &cdev_map, list) {
		if (in_range(c->ops, start, end) || in_range(c, start, end)) {
			pr_warn("cdev %u:%u was left added by its module: removed\n",
				MAJOR(c->dev), MINOR(c->dev));
			list_del_init(&c->list);
			return true;
		}
	}
	return false;
}

unsigned int chrdev_release_range(unsigned long start, unsigned long end)
{
	unsigned int n = 0;

	mutex_lock(&chrdevs_lock);
	while (chrdev_release_one(start, end))
		n++;
	mutex_unlock(&chrdevs_lock);
	return n;
}
