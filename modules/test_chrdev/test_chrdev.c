/*
 * Test module: a character device and /proc files from a module, for tests/test_devtmpfs.py
 * and tests/test_proc.py. It registers a chrdev (a dynamic major unless major= is given),
 * makes /dev/test_chrdev, and /proc/test_chrdev/{stats,echo}: reading the device gives a
 * fixed line, writes are counted (stats shows the counts), echo returns what was last
 * written through its own proc_ops. Parameters exercise the error paths: major=1 (a taken
 * major: init fails with EBUSY), double_remove=1 (exit removes its proc entry twice),
 * forget=1 (exit leaves everything registered: the unload must clean up, not crash).
 */
#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/module.h>
#include <keel/moduleparam.h>
#include <keel/printk.h>
#include <keel/proc_fs.h>
#include <keel/string.h>

#define DEV_NAME "test_chrdev"

static unsigned int major;
module_param(major, uint, 0444);
MODULE_PARM_DESC(major, "the major to claim (0: a dynamic one)");
static bool double_remove;
module_param(double_remove, bool, 0444);
MODULE_PARM_DESC(double_remove, "remove the proc entry twice at exit");
static bool forget;
module_param(forget, bool, 0444);
MODULE_PARM_DESC(forget, "leave the chrdev, node and proc entries registered at exit");

static const char dev_text[] = "hello from test_chrdev\n";
static unsigned long opens, bytes_written;
static char echo_buf[64];
static size_t echo_len;
static struct proc_dir_entry *proc_dir;

static int tc_open(struct inode *inode, struct file *file)
{
	opens++;
	return 0;
}

static ssize_t tc_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	size_t size = sizeof(dev_text) - 1, n;

	if (*pos < 0 || (u64)*pos >= size)
		return 0;
	n = min(len, size - (size_t)*pos);
	memcpy(buf, dev_text + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static ssize_t tc_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	bytes_written += len;
	return (ssize_t)len;
}

static const struct file_operations tc_fops = {
	.owner = THIS_MODULE,
	.open = tc_open,
	.read = tc_read,
	.write = tc_write,
};

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "major %u\nopens %lu\nwritten %lu\n", major, opens, bytes_written);
	return 0;
}

static ssize_t echo_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	size_t n;

	if (*pos < 0 || (u64)*pos >= echo_len)
		return 0;
	n = min(len, echo_len - (size_t)*pos);
	memcpy(buf, echo_buf + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static ssize_t echo_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	echo_len = min(len, sizeof(echo_buf));
	memcpy(echo_buf, buf, echo_len);
	return (ssize_t)len;
}

static const struct proc_ops echo_ops = {
	.proc_read = echo_read,
	.proc_write = echo_write,
};

static int tc_proc_init(void)
{
	proc_dir = proc_mkdir(DEV_NAME, NULL);
	if (!proc_dir)
		return -ENOMEM;
	if (!proc_create_single("stats", 0, proc_dir, stats_show) ||
	    !proc_create("echo", 0644, proc_dir, &echo_ops)) {
		remove_proc_entry(DEV_NAME, NULL);
		return -ENOMEM;
	}
	return 0;
}

static int __init test_chrdev_init(void)
{
	int ret = register_chrdev(major, DEV_NAME, &tc_fops);

	if (ret < 0) {
		pr_err("test_chrdev: register_chrdev(%u): %s\n", major, errno_name(ret));
		return ret;
	}
	if (!major)
		major = (unsigned int)ret;
	ret = tc_proc_init();
	if (ret)
		goto out_chrdev;
	ret = devtmpfs_create_node(DEV_NAME, S_IFCHR | 0666, MKDEV(major, 0));
	if (ret)
		goto out_proc;
	pr_info("test_chrdev: major %u, /dev/%s\n", major, DEV_NAME);
	return 0;

out_proc:
	remove_proc_entry(DEV_NAME, NULL);
out_chrdev:
	unregister_chrdev(major, DEV_NAME);
	return ret;
}

static void __exit test_chrdev_exit(void)
{
	if (forget)
		return;
	devtmpfs_delete_node(DEV_NAME);
	remove_proc_entry("stats", proc_dir);
	if (double_remove)
		remove_proc_entry("stats", proc_dir);
	remove_proc_entry(DEV_NAME, NULL);
	unregister_chrdev(major, DEV_NAME);
	if (double_remove)
		unregister_chrdev(major, DEV_NAME);
}

module_init(test_chrdev_init);
module_exit(test_chrdev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a character device and /proc files for the devtmpfs and proc tests");
