/*
 * The tty character devices (Linux's tty_io.c, in small): /dev/ttyS<N> (4:64+N) for each
 * registered serial tty, and /dev/console (5:1) for the console tty. Writes go to the tty's
 * driver (tty_write: a write to /dev/ttyS0 comes out on COM1), reads take a line through
 * its discipline (tty_read_line: they block until a line is typed). An open file holds the
 * tty's driver module, so the tty cannot be unregistered under it.
 */
#define pr_fmt(fmt) "tty: " fmt

#include <keel/cdev.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/tty.h>
#include "tty/tty_dev.h"

#define TTY_MAJOR 4
#define TTYS_MINOR_BASE 64
#define TTYS_COUNT 32
#define TTYAUX_MAJOR 5
#define TTY_MINOR 0 /* /dev/tty */
#define CONSOLE_MINOR 1

static struct cdev ttys_cdev, console_cdev;

/* "ttyS<N>", N < TTYS_COUNT: N, else -1. */
static int ttys_index(const char *name)
{
	int n = 0;
	const char *p = name + 4;

	if (strncmp(name, "ttyS", 4) || !*p)
		return -1;
	for (; *p >= '0' && *p <= '9' && n < TTYS_COUNT; p++)
		n = n * 10 + (*p - '0');
	return *p || n >= TTYS_COUNT ? -1 : n;
}

static struct tty_struct *tty_of_dev(dev_t dev)
{
	char name[TTY_NAME_MAX];

	if (MAJOR(dev) == TTYAUX_MAJOR)
		return console_tty();
	snprintf(name, sizeof(name), "ttyS%u", MINOR(dev) - TTYS_MINOR_BASE);
	return tty_find(name);
}

static int tty_open(struct inode *inode, struct file *file)
{
	struct tty_struct *tty = tty_of_dev(inode->i_rdev);

	if (!tty || !try_module_get(tty->owner))
		return -ENXIO;
	file->private_data = tty;
	return 0;
}

static int tty_release(struct inode *inode, struct file *file)
{
	struct tty_struct *tty = file->private_data;

	module_put(tty->owner);
	return 0;
}

static ssize_t tty_file_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	return tty_read_line(file->private_data, buf, len);
}

/*
 * The console tty writes through console_write, which a shell redirection (`> file`) diverts
 * for its task: /dev/console output must reach the consoles, not the redirection writing it.
 */
static ssize_t tty_file_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	struct tty_struct *tty = file->private_data;
	struct console_sink *sink = NULL;
	bool console = tty == console_tty();
	int ret;

	if (console)
		sink = console_set_sink(NULL);
	ret = tty_write(tty, buf, len);
	if (console)
		console_set_sink(sink);
	return ret < 0 ? ret : (ssize_t)len;
}

/* A terminal has no positions: seeking is refused, as on Linux. */
static loff_t tty_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

static const struct file_operations tty_fops = {
	.open = tty_open,
	.release = tty_release,
	.read = tty_file_read,
	.write = tty_file_write,
	.llseek = tty_llseek,
};

void tty_devnode_add(struct tty_struct *tty)
{
	int n = ttys_index(tty->name);

	if (n >= 0)
		devtmpfs_create_node(tty->name, S_IFCHR | 0660,
				     MKDEV(TTY_MAJOR, TTYS_MINOR_BASE + n));
}

void tty_devnode_remove(struct tty_struct *tty)
{
	if (ttys_index(tty->name) >= 0)
		devtmpfs_delete_node(tty->name);
}

static void tty_devnode_add_one(struct tty_struct *tty, void *arg)
{
	tty_devnode_add(tty);
}

void tty_dev_init(void)
{
	int ret = register_chrdev_region(MKDEV(TTY_MAJOR, TTYS_MINOR_BASE), TTYS_COUNT, "ttyS");

	if (!ret)
		ret = register_chrdev_region(MKDEV(TTYAUX_MAJOR, TTY_MINOR), 2, "/dev/console");
	cdev_init(&ttys_cdev, &tty_fops);
	cdev_init(&console_cdev, &tty_fops);
	if (!ret)
		ret = cdev_add(&ttys_cdev, MKDEV(TTY_MAJOR, TTYS_MINOR_BASE), TTYS_COUNT);
	if (!ret)
		ret = cdev_add(&console_cdev, MKDEV(TTYAUX_MAJOR, TTY_MINOR), 2);
	if (ret) {
		pr_err("cannot register the tty devices: %s\n", errno_name(ret));
		return;
	}
	devtmpfs_create_node("console", S_IFCHR | 0600, MKDEV(TTYAUX_MAJOR, CONSOLE_MINOR));
	/* /dev/tty, "the process's controlling terminal": always the console here. */
	devtmpfs_create_node("tty", S_IFCHR | 0666, MKDEV(TTYAUX_MAJOR, TTY_MINOR));
	tty_for_each(tty_devnode_add_one, NULL); /* serial ttys registered before /dev was up */
}
