/* Host unit test for the proc filesystem over the VFS core: entries made and removed, reads
 * through vfs_open at odd sizes and offsets, a file open across its removal, double removal,
 * proc_ops files holding their module, and a module's leftovers removed by address range. */
/* UNIT_SOURCES: kernel/fs/dcache.c kernel/fs/inode.c kernel/fs/namei.c kernel/fs/namei_ops.c kernel/fs/rename.c kernel/fs/open.c kernel/fs/read_write.c kernel/fs/readdir.c kernel/fs/stat.c kernel/fs/libfs.c kernel/fs/ramfs.c kernel/fs/super.c kernel/fs/namespace.c kernel/fs/filesystems.c kernel/fs/seq_file.c kernel/fs/proc/generic.c kernel/fs/proc/inode.c */
#include "vfs_fakes.h"
#include <keel/proc_fs.h>
#include "fs/internal.h"

/* Code "inside a module": the fake module's memory is this array's address range. */
static struct module fake_mod;
static char fake_mod_mem[64];
struct module *__module_address(unsigned long addr)
{
	unsigned long start = (unsigned long)fake_mod_mem;

	return addr >= start && addr < start + sizeof(fake_mod_mem) ? &fake_mod : NULL;
}

void proc_create_kernel_files(void) {}

/* The per-process part of the root (base.c, which needs tasks) is left out: the root then
 * behaves as the plain dcache directory this test is about. */
struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	return simple_lookup(dir, dentry, flags);
}

int proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	return dcache_readdir(file, ctx);
}

bool proc_pid_evict_inode(struct inode *inode)
{
	return false;
}

/* The whole of a (small) file, read in 5-byte steps: proc files have no size to go by. */
static const char *slurp(const char *path)
{
	static char buf[256];
	struct file *f = vfs_open(path, O_RDONLY, 0);
	size_t total = 0;
	ssize_t n;

	if (IS_ERR(f))
		return "(error)";
	while (total < sizeof(buf) - 5 && (n = vfs_read(f, buf + total, 5)) > 0)
		total += (size_t)n;
	buf[total] = '\0';
	fput(f);
	return buf;
}

/* Heap blocks other than the dcache's (a dentry and its name each), which keeps negative
 * entries for the names looked up after removal. */
static long blocks_outside_dcache(void)
{
	unsigned long total, unused;

	dcache_counts(&total, &unused);
	return heap_blocks - 2 * (long)total;
}

static int shows;
static int hello_show(struct seq_file *m, void *v)
{
	shows++;
	seq_printf(m, "hello %s\n", m->private ? (const char *)m->private : "world");
	return 0;
}

static int big_show(struct seq_file *m, void *v)
{
	for (int i = 0; i < 1000; i++)
		seq_printf(m, "%4d: %s\n", i, "a line of a long generated proc file");
	return 0;
}

static char stored[32];
static ssize_t ops_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	size_t size = strlen(stored), n;

	if (*pos >= (loff_t)size)
		return 0;
	n = len < size - (size_t)*pos ? len : size - (size_t)*pos;
	memcpy(buf, stored + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static ssize_t ops_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	size_t n = len < sizeof(stored) - 1 ? len : sizeof(stored) - 1;

	memcpy(stored, buf, n);
	stored[n] = '\0';
	return (ssize_t)len;
}

static const struct proc_ops rw_ops = { .proc_read = ops_read, .proc_write = ops_write };

static void test_single_files(void)
{
	struct proc_dir_entry *dir;
	struct file *f;
	char buf[8];
	struct kstat st;

	CHECK(proc_create_single("hello", 0, NULL, hello_show) != NULL);
	CHECK(proc_create_single("hello", 0, NULL, hello_show) == NULL); /* EEXIST */
	CHECK(proc_create_single("a/b", 0, NULL, hello_show) == NULL);
	CHECK(proc_create_single("", 0, NULL, hello_show) == NULL);
	dir = proc_mkdir("drv", NULL);
	CHECK(dir != NULL);
	CHECK(proc_create_single_data("name", 0, dir, hello_show, "drv") != NULL);
	CHECK_STR(slurp("/proc/hello"), "hello world\n");
	CHECK_STR(slurp("/proc/drv/name"), "hello drv\n");
	CHECK_INT(vfs_stat("/proc/hello", &st), 0);
	CHECK(st.size == 0 && S_ISREG(st.mode) && (st.mode & 0777) == 0444);
	CHECK_INT(vfs_stat("/proc/drv", &st), 0);
	CHECK(S_ISDIR(st.mode));
	/* Odd sizes and offsets, and the text made once, at open. */
	shows = 0;
	f = vfs_open("/proc/hello", O_RDONLY, 0);
	CHECK(!IS_ERR(f));
	CHECK_INT(vfs_read(f, buf, 3), 3);
	CHECK(!memcmp(buf, "hel", 3));
	CHECK_INT(vfs_llseek(f, 6, SEEK_SET), 6);
	CHECK_INT(vfs_read(f, buf, 8), 6);
	CHECK(!memcmp(buf, "world\n", 6));
	CHECK_INT(vfs_read(f, buf, 8), 0);
	CHECK_INT(vfs_llseek(f, -1, SEEK_SET), -EINVAL);
	CHECK_INT(vfs_llseek(f, 1000, SEEK_SET), 1000);
	CHECK_INT(vfs_read(f, buf, 8), 0);
	CHECK_INT(vfs_write(f, "x", 1), -EBADF);
	CHECK_INT(shows, 1);
	/* Removed while open: the open file still reads its text; the name is gone. */
	remove_proc_entry("hello", NULL);
	CHECK_INT(vfs_llseek(f, 0, SEEK_SET), 0);
	CHECK_INT(vfs_read(f, buf, 5), 5);
	fput(f);
	CHECK(IS_ERR(vfs_open("/proc/hello", O_RDONLY, 0)));
	remove_proc_entry("hello", NULL); /* twice: reported, nothing else */
	CHECK(strstr(unit_last_msg, "no such entry") != NULL);
	remove_proc_entry("drv", NULL); /* with its child */
	CHECK(IS_ERR(vfs_open("/proc/drv/name", O_RDONLY, 0)));
	remove_proc_entry("name", NULL);
}

static int write_file(const char *path, const char *data, unsigned int flags)
{
	struct file *f = vfs_open(path, O_WRONLY | flags, 0);
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	n = vfs_write(f, data, strlen(data));
	fput(f);
	return n < 0 ? (int)n : 0;
}

static void test_big_and_writable(void)
{
	static char text[64 * 1024];
	size_t total = 0, line = strlen(" 999: a line of a long generated proc file\n");
	struct file *f;
	ssize_t n;

	CHECK(proc_create_single("big", 0, NULL, big_show) != NULL);
	f = vfs_open("/proc/big", O_RDONLY, 0);
	CHECK(!IS_ERR(f));
	while (!IS_ERR(f) && (n = vfs_read(f, text + total, 997)) > 0) /* odd-sized reads */
		total += (size_t)n;
	if (!IS_ERR(f))
		fput(f);
	CHECK_UINT(total, 1000 * line);
	CHECK(total == 1000 * line && !strncmp(text + 999 * line, " 999: a line", 12));
	remove_proc_entry("big", NULL);
	CHECK(proc_create("rw", 0644, NULL, &rw_ops) != NULL);
	CHECK_INT(write_file("/proc/rw", "stored text", O_TRUNC), 0);
	CHECK_STR(slurp("/proc/rw"), "stored text");
	remove_proc_entry("rw", NULL);
}

/* A "module's" proc_ops: held while open; its forgotten entries removed by range. */
static void test_module_entries(void)
{
	struct proc_ops *mod_ops = (struct proc_ops *)fake_mod_mem;
	unsigned long start = (unsigned long)fake_mod_mem, end = start + sizeof(fake_mod_mem);
	struct file *f;

	BUILD_BUG_ON(sizeof(*mod_ops) > sizeof(fake_mod_mem));
	mod_ops->proc_read = ops_read;
	CHECK(proc_create("modfile", 0, NULL, mod_ops) != NULL);
	f = vfs_open("/proc/modfile", O_RDONLY, 0);
	CHECK(!IS_ERR(f) && fake_mod.refs == 1);
	fput(f);
	CHECK_INT(fake_mod.refs, 0);
	CHECK_UINT(proc_release_range(start, end), 1);
	CHECK(strstr(unit_last_msg, "left behind") != NULL);
	CHECK(IS_ERR(vfs_open("/proc/modfile", O_RDONLY, 0)));
	CHECK_UINT(proc_release_range(start, end), 0);
}

int main(void)
{
	long blocks;

	CHECK_INT(init_ramfs_fs(), 0);
	CHECK_INT(mount_root("ramfs"), 0);
	CHECK_INT(vfs_mkdir("/proc", 0755), 0);
	proc_root_init();
	blocks = blocks_outside_dcache();
	test_single_files();
	test_big_and_writable();
	test_module_entries();
	CHECK_INT(blocks_outside_dcache(), blocks); /* removed entries leave nothing behind */
	CHECK_INT(lock_errors, 0);
	CHECK_INT(spin_held, 0);
	return unit_summary();
}
