/* Host unit test for character device numbers (kernel/fs/char_dev.c): taken majors, dynamic
 * majors, overlapping regions and cdevs, unregistering what was never registered, chrdev_open
 * dispatching to the cdev of i_rdev, and /proc/devices' character lines. */
/* UNIT_SOURCES: kernel/fs/char_dev.c kernel/fs/seq_file.c */
#define VFS_FAKES_REAL_CHRDEV
#include "vfs_fakes.h"
#include <keel/cdev.h>
#include <keel/seq_file.h>
#include "fs/proc/internal.h"

struct module *__module_address(unsigned long addr) { return NULL; }

static int opened;
static int fake_open(struct inode *inode, struct file *file)
{
	opened++;
	return 0;
}

static struct module fake_owner;
static const struct file_operations fops_a = { .owner = &fake_owner, .open = fake_open };
static const struct file_operations fops_b = { .open = fake_open };

static char devices_text[1024];
static int devices_show(struct seq_file *m, void *v)
{
	chrdev_show(m);
	return 0;
}

static const char *devices(void)
{
	struct seq_file m = { 0 };

	CHECK_INT(seq_fill(&m, devices_show, NULL), 0);
	memcpy(devices_text, m.buf, m.count);
	devices_text[m.count] = '\0';
	seq_release_buf(&m);
	return devices_text;
}

static void test_register_and_busy(void)
{
	CHECK_INT(register_chrdev(1, "mem", &fops_a), 0);
	CHECK_INT(register_chrdev(1, "other", &fops_b), -EBUSY);
	CHECK_INT(register_chrdev_region(MKDEV(1, 200), 1, "inside"), -EBUSY);
	CHECK_INT(register_chrdev(CHRDEV_MAJOR_MAX, "big", &fops_b), -EINVAL);
	CHECK_INT(register_chrdev(4, NULL, &fops_b), -EINVAL);
	CHECK_INT(register_chrdev(4, "tty", NULL), -EINVAL);
	CHECK_STR(devices(), "  1 mem\n");
	unregister_chrdev(1, "not-mem"); /* wrong name: refused, reported */
	CHECK(strstr(unit_last_msg, "not registered") != NULL);
	unregister_chrdev(77, "never");
	CHECK(strstr(unit_last_msg, "not registered") != NULL);
	unregister_chrdev(1, "mem");
	CHECK_STR(devices(), "");
	unregister_chrdev(1, "mem"); /* twice */
	CHECK(strstr(unit_last_msg, "not registered") != NULL);
}

static void test_dynamic_and_regions(void)
{
	dev_t dev;
	int a = register_chrdev(0, "dyn_a", &fops_b), b = register_chrdev(0, "dyn_b", &fops_b);

	CHECK_INT(a, 254);
	CHECK_INT(b, 253);
	CHECK_INT(alloc_chrdev_region(&dev, 3, 2, "region"), 0);
	CHECK_UINT(MAJOR(dev), 252);
	CHECK_UINT(MINOR(dev), 3);
	CHECK_INT(alloc_chrdev_region(&dev, 0, 0, "empty"), -EINVAL);
	CHECK_STR(devices(), "252 region\n253 dyn_b\n254 dyn_a\n");
	unregister_chrdev_region(MKDEV(252, 3), 1); /* not the range claimed */
	CHECK(strstr(unit_last_msg, "not registered") != NULL);
	unregister_chrdev_region(MKDEV(254, 0), 256); /* register_chrdev's: use unregister_chrdev */
	CHECK(strstr(unit_last_msg, "register_chrdev") != NULL);
	unregister_chrdev_region(MKDEV(252, 3), 2);
	unregister_chrdev(a, "dyn_a");
	unregister_chrdev(b, "dyn_b");
	CHECK_STR(devices(), "");
}

static void test_cdev_map_and_open(void)
{
	struct cdev c1, c2;
	struct inode inode = { .i_rdev = MKDEV(10, 5) };
	struct file file = { .f_op = &def_chr_fops };

	cdev_init(&c1, &fops_a);
	cdev_init(&c2, &fops_b);
	CHECK_INT(cdev_add(&c1, MKDEV(10, 4), 4), 0);
	CHECK_INT(cdev_add(&c2, MKDEV(10, 7), 1), -EBUSY);
	CHECK_INT(cdev_add(&c2, MKDEV(10, 8), 0), -EINVAL);
	CHECK_INT(cdev_add(&c2, MKDEV(10, 8), 1), 0);
	opened = 0;
	CHECK_INT(chrdev_open(&inode, &file), 0);
	CHECK(file.f_op == &fops_a && opened == 1 && fake_owner.refs == 1);
	fake_owner.refs--; /* what fput would drop */
	inode.i_rdev = MKDEV(10, 9);
	CHECK_INT(chrdev_open(&inode, &file), -ENXIO);
	cdev_del(&c1);
	inode.i_rdev = MKDEV(10, 5);
	CHECK_INT(chrdev_open(&inode, &file), -ENXIO);
	cdev_del(&c1); /* twice */
	CHECK(strstr(unit_last_msg, "not added") != NULL);
	cdev_del(&c2);
}

static void test_release_range(void)
{
	static const char name[] = "leftover";
	unsigned long start = (unsigned long)name, end = start + sizeof(name);

	CHECK_INT(register_chrdev(42, name, &fops_b), 0);
	CHECK_UINT(chrdev_release_range(start, end), 1);
	CHECK_STR(devices(), "");
	CHECK_UINT(chrdev_release_range(start, end), 0);
}

int main(void)
{
	test_register_and_busy();
	test_dynamic_and_regions();
	test_cdev_map_and_open();
	test_release_range();
	CHECK_INT(lock_errors, 0);
	CHECK_INT(heap_blocks, 0);
	return unit_summary();
}
