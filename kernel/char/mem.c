/*
 * The memory character devices (Linux's drivers/char/mem.c), major 1 with Linux's minors:
 * /dev/null (3: reads end at once, writes vanish), /dev/zero (5: zeros), /dev/full (7: zeros,
 * writes fail with ENOSPC), /dev/random (8) and /dev/urandom (9: the PRNG of random.c).
 */
#define pr_fmt(fmt) "mem: " fmt

#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "char/mem.h"
#include "tty/tty_dev.h"

static ssize_t read_null(struct file *file, char *buf, size_t len, loff_t *pos)
{
	return 0;
}

static ssize_t write_null(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	return (ssize_t)len;
}

static ssize_t read_zero(struct file *file, char *buf, size_t len, loff_t *pos)
{
	memset(buf, 0, len);
	return (ssize_t)len;
}

static ssize_t write_full(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	return -ENOSPC;
}

static ssize_t read_random(struct file *file, char *buf, size_t len, loff_t *pos)
{
	get_random_bytes(buf, len);
	return (ssize_t)len;
}

/* Positions mean nothing on these devices: seeking always "works" and stays at 0. */
static loff_t null_lseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos = 0;
}

static const struct file_operations null_fops = {
	.llseek = null_lseek, .read = read_null, .write = write_null,
};
static const struct file_operations zero_fops = {
	.llseek = null_lseek, .read = read_zero, .write = write_null,
};
static const struct file_operations full_fops = {
	.llseek = null_lseek, .read = read_zero, .write = write_full,
};
static const struct file_operations random_fops = {
	.llseek = null_lseek, .read = read_random, .write = write_null,
};

static const struct memdev {
	const char *name;
	unsigned int minor;
	umode_t mode;
	const struct file_operations *fops;
} devlist[] = {
	{ "null", 3, 0666, &null_fops },
	{ "zero", 5, 0666, &zero_fops },
	{ "full", 7, 0666, &full_fops },
	{ "random", 8, 0666, &random_fops },
	{ "urandom", 9, 0666, &random_fops },
};

/* One open for the major: picks the minor's operations (Linux's memory_open). */
static int memory_open(struct inode *inode, struct file *file)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(devlist); i++) {
		if (devlist[i].minor == MINOR(inode->i_rdev)) {
			file->f_op = devlist[i].fops; /* built in: no module reference to move */
			return 0;
		}
	}
	return -ENXIO;
}

static const struct file_operations memory_fops = {
	.open = memory_open,
};

void mem_devices_init(void)
{
	int ret;

	random_init();
	ret = register_chrdev(MEM_MAJOR, "mem", &memory_fops);
	if (ret) {
		pr_err("cannot register major %u: %s\n", MEM_MAJOR, errno_name(ret));
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(devlist); i++)
		devtmpfs_create_node(devlist[i].name, S_IFCHR | devlist[i].mode,
				     MKDEV(MEM_MAJOR, devlist[i].minor));
}

void chr_dev_init(void)
{
	mem_devices_init();
	tty_dev_init();
}
