/*
 * Character devices (Linux's <linux/cdev.h> and the chrdev part of <linux/fs.h>): a driver
 * claims a range of device numbers (register_chrdev_region, alloc_chrdev_region), attaches
 * its file_operations to them (cdev_init + cdev_add) and asks devtmpfs for a /dev node
 * (devtmpfs_create_node). Opening a node with that number, on any filesystem, reaches the
 * driver's open/read/write (chrdev_open, through def_chr_fops). register_chrdev does all of
 * it for 256 minors of one major, minus the node.
 *
 * Lifetime: an open file holds ops->owner (set .owner = THIS_MODULE: cdev_add refuses
 * operations in a module's memory without it), so rmmod says EBUSY while one is open. A
 * module's cdevs, regions and nodes left registered at unload are removed with a warning.
 *
 * Context: everything here sleeps (task context, no spinlock held).
 */
#ifndef KEEL_CDEV_H
#define KEEL_CDEV_H

#include <keel/fs.h>
#include <keel/kdev_t.h>
#include <keel/list.h>

#define CHRDEV_MAJOR_MAX 512          /* majors are below this (Linux's CHRDEV_MAJOR_MAX) */
#define CHRDEV_MAJOR_DYN_END 234      /* dynamic majors: 254 down to 234, then 511 to 384 */

struct cdev {
	struct module *owner;   /* the driver's module; cdev_add fills it from ops->owner */
	const struct file_operations *ops;
	dev_t dev;              /* first number (cdev_add) */
	unsigned int count;     /* how many numbers from dev */
	struct list_head list;  /* the cdev map (chrdevs_lock) */
};

/* Clears cdev and sets its operations. Never sleeps. Linux: cdev_init. */
void cdev_init(struct cdev *cdev, const struct file_operations *fops);
/*
 * Makes numbers [dev, dev + count) open cdev. 0, -EINVAL (count 0, range past the minor
 * space, ops in a module without .owner), -EBUSY (a number already has a cdev). Linux:
 * cdev_add.
 */
int cdev_add(struct cdev *cdev, dev_t dev, unsigned int count);
/* Removes cdev: new opens give -ENXIO; open files keep working. A cdev not added is
 * reported and ignored. Linux: cdev_del. */
void cdev_del(struct cdev *cdev);

/*
 * Claims [from, from + count) under name (listed in /proc/devices). 0, -EINVAL (count 0,
 * beyond the minor space, major 0 or >= CHRDEV_MAJOR_MAX), -EBUSY (overlaps a claimed range),
 * -ENOMEM. Linux: register_chrdev_region.
 */
int register_chrdev_region(dev_t from, unsigned int count, const char *name);
/* Claims count minors from baseminor on a free dynamic major, into *dev. 0, -EBUSY (no free
 * major), -EINVAL, -ENOMEM. Linux: alloc_chrdev_region. */
int alloc_chrdev_region(dev_t *dev, unsigned int baseminor, unsigned int count,
			const char *name);
/* Releases a range claimed above (exactly); another is reported and ignored. Linux:
 * unregister_chrdev_region. */
void unregister_chrdev_region(dev_t from, unsigned int count);

/*
 * Claims minors 0..255 of major (0: a free dynamic major) under name, with fops for all of
 * them. Returns the major when major was 0, else 0; -EBUSY (taken), -EINVAL, -ENOMEM.
 * Linux: register_chrdev.
 */
int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops);
/* Undoes register_chrdev(major, name); an unknown pair is reported and ignored. Linux:
 * unregister_chrdev. */
void unregister_chrdev(unsigned int major, const char *name);

/*
 * A node /dev/name (S_IFCHR or S_IFBLK in mode, with permission bits) for device dev in
 * devtmpfs, and its removal. Names are single components ("null", "hda1"). 0, -EEXIST,
 * -EINVAL (bad name or mode), -ENODEV (devtmpfs not mounted), -ENOENT (delete: no such
 * node, or not a device node), -ENOMEM. Linux: devtmpfs_create_node/devtmpfs_delete_node,
 * which device_create and device_destroy call.
 */
int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev);
int devtmpfs_delete_node(const char *name);

/* The file_operations open for a character device node (def_chr_fops): finds the cdev of
 * i_rdev and switches to its operations. -ENXIO when none. Linux: chrdev_open. */
int chrdev_open(struct inode *inode, struct file *file);

/* For the module loader (not exported): removes cdevs whose ops lie in [start, end) and the
 * regions whose names do; returns how many. */
unsigned int chrdev_release_range(unsigned long start, unsigned long end);
/* For the module loader (not exported): deletes the /dev nodes made by code in [start, end)
 * and not deleted; returns how many. */
unsigned int devtmpfs_release_range(unsigned long start, unsigned long end);
/* Boot: mounts devtmpfs on /dev, then registers the built-in devices (mem, tty). */
void devtmpfs_init(void);
void chr_dev_init(void);

#endif
