/* Host test of the VFS core over ramfs: path lookup, mounts, the dcache's references, ramfs. */
/* UNIT_SOURCES: kernel/fs/dcache.c kernel/fs/inode.c kernel/fs/namei.c kernel/fs/namei_ops.c kernel/fs/rename.c kernel/fs/open.c kernel/fs/read_write.c kernel/fs/readdir.c kernel/fs/stat.c kernel/fs/libfs.c kernel/fs/ramfs.c kernel/fs/super.c kernel/fs/namespace.c kernel/fs/filesystems.c */
#include "vfs_fakes.h"

static int write_file(const char *path, const char *data, unsigned int flags)
{
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT | flags, 0644);
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	n = vfs_write(f, data, strlen(data));
	fput(f);
	return n < 0 ? (int)n : 0;
}

static loff_t size_of(const char *path)
{
	struct kstat st;

	return vfs_stat(path, &st) ? -1 : st.size;
}

static void test_basic_errors(void)
{
	CHECK_INT(vfs_mkdir("/d", 0755), 0);
	CHECK_INT(vfs_mkdir("/d", 0755), -EEXIST);
	CHECK_INT(write_file("/d/f", "hello", O_TRUNC), 0);
	CHECK_INT(write_file("/d/f", "x", O_EXCL), -EEXIST);
	CHECK_STR(read_file("/d/f"), "hello");
	CHECK_STR(read_file("//d/./f"), "hello");
	CHECK_STR(read_file("/d/../d/f"), "hello");
	CHECK_STR(read_file("/../../d/f"), "hello");
	CHECK(IS_ERR(vfs_open("/d/nope", O_RDONLY, 0)));
	CHECK_INT(size_of("/d/nope"), -1);
	CHECK_INT(vfs_mkdir("/d/f/x", 0755), -ENOTDIR);
	CHECK_INT(PTR_ERR(vfs_open("/d/f/", O_RDONLY, 0)), -ENOTDIR);
	CHECK_INT(PTR_ERR(vfs_open("/d", O_WRONLY, 0)), -EISDIR);
	CHECK_INT(PTR_ERR(vfs_open("/d/f", O_RDONLY | O_DIRECTORY, 0)), -ENOTDIR);
	CHECK_INT(vfs_rmdir("/d"), -ENOTEMPTY);
	CHECK_INT(vfs_rmdir("/d/f"), -ENOTDIR);
	CHECK_INT(vfs_unlink("/d"), -EISDIR);
	CHECK_INT(vfs_unlink("/d/nope"), -ENOENT);
	CHECK_INT(vfs_rmdir("/"), -EBUSY);
	CHECK_INT(vfs_mkdir("", 0755), -ENOENT);
}

static void test_name_lengths(void)
{
	static char path[PATH_MAX + 8];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[1 + NAME_MAX] = '\0';
	CHECK_INT(size_of(path), -1);
	CHECK_INT(write_file(path, "max", 0), 0); /* a 255-byte name is fine */
	CHECK_INT(vfs_unlink(path), 0);
	path[1 + NAME_MAX] = 'a';
	path[2 + NAME_MAX] = '\0';
	CHECK_INT(write_file(path, "x", 0), -ENAMETOOLONG);
	CHECK_INT(vfs_mkdir(path, 0755), -ENAMETOOLONG);
	/* 4095 bytes of "/a/a/a...": walkable length, 4096: too long */
	for (int i = 0; i < PATH_MAX; i++)
		path[i] = i % 2 ? 'a' : '/';
	path[PATH_MAX - 1] = '\0';
	CHECK_INT(vfs_mkdir(path, 0755), -ENOENT);
	path[PATH_MAX - 1] = 'a';
	path[PATH_MAX] = '\0';
	CHECK_INT(vfs_mkdir(path, 0755), -ENAMETOOLONG);
}

static void test_symlinks(void)
{
	char name[32], target[32], buf[64];
	struct kstat st;

	CHECK_INT(vfs_mkdir("/s", 0755), 0);
	CHECK_INT(write_file("/s/file", "data", 0), 0);
	CHECK_INT(vfs_symlink("file", "/s/rel"), 0);
	CHECK_INT(vfs_symlink("/s", "/s/abs"), 0);
	CHECK_INT(vfs_symlink("nowhere", "/s/dangling"), 0);
	CHECK_STR(read_file("/s/rel"), "data");
	CHECK_STR(read_file("/s/abs/abs/abs/rel"), "data");
	CHECK_INT(vfs_lstat("/s/rel", &st), 0);
	CHECK(S_ISLNK(st.mode) && st.size == 4);
	CHECK_INT(vfs_readlink("/s/rel", buf, sizeof(buf)), 4);
	CHECK_INT(vfs_readlink("/s/file", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(vfs_stat("/s/dangling", &st), -ENOENT);
	CHECK_INT(vfs_lstat("/s/dangling", &st), 0);
	CHECK_INT(vfs_symlink("loop2", "/s/loop1"), 0);
	CHECK_INT(vfs_symlink("loop1", "/s/loop2"), 0);
	CHECK_INT(vfs_stat("/s/loop1", &st), -ELOOP);
	CHECK_INT(PTR_ERR(vfs_open("/s/loop1/x", O_RDONLY, 0)), -ELOOP);
	CHECK_INT(PTR_ERR(vfs_open("/s/rel", O_RDONLY | O_NOFOLLOW, 0)), -ELOOP);
	/* a chain of exactly MAXSYMLINKS links resolves; one more is ELOOP */
	for (int i = 1; i <= MAXSYMLINKS + 1; i++) {
		snprintf(name, sizeof(name), "/s/c%d", i);
		snprintf(target, sizeof(target), i == 1 ? "file" : "c%d", i - 1);
		CHECK_INT(vfs_symlink(target, name), 0);
	}
	snprintf(name, sizeof(name), "/s/c%d", MAXSYMLINKS);
	CHECK_INT(vfs_stat(name, &st), 0);
	snprintf(name, sizeof(name), "/s/c%d", MAXSYMLINKS + 1);
	CHECK_INT(vfs_stat(name, &st), -ELOOP);
	/* differs from Linux (which creates the target): O_CREAT does not follow a dangling link */
	CHECK_INT(write_file("/s/dangling", "made", 0), -ENOENT);
	CHECK_INT(vfs_symlink("x", "/s/dangling"), -EEXIST);
}

static void test_ramfs_data(void)
{
	static char big[10000];
	struct file *f;
	char buf[16];

	memset(big, 'z', sizeof(big) - 1);
	CHECK_INT(write_file("/big", big, 0), 0);
	CHECK_INT(size_of("/big"), sizeof(big) - 1);
	CHECK(read_file("/big") && strlen(read_file("/big")) == sizeof(big) - 1);
	CHECK_INT(vfs_truncate("/big", 5000), 0);
	CHECK_INT(vfs_truncate("/big", 9000), 0); /* grows with zeros */
	f = vfs_open("/big", O_RDONLY, 0);
	CHECK(!IS_ERR(f));
	CHECK_INT(vfs_llseek(f, 4998, SEEK_SET), 4998);
	CHECK_INT(vfs_read(f, buf, 4), 4);
	CHECK(buf[0] == 'z' && buf[1] == 'z' && buf[2] == 0 && buf[3] == 0);
	CHECK_INT(vfs_llseek(f, -1, SEEK_SET), -EINVAL);
	CHECK_INT(vfs_write(f, "x", 1), -EBADF);
	fput(f);
	CHECK_INT(write_file("/app", "ab", 0), 0);
	CHECK_INT(write_file("/app", "cd", O_APPEND), 0);
	CHECK_STR(read_file("/app"), "abcd");
	CHECK_INT(write_file("/app", "X", O_TRUNC), 0);
	CHECK_STR(read_file("/app"), "X");
	/* an unlinked file stays readable while open */
	f = vfs_open("/app", O_RDONLY, 0);
	CHECK_INT(vfs_unlink("/app"), 0);
	CHECK_INT(size_of("/app"), -1);
	CHECK_INT(vfs_read(f, buf, sizeof(buf)), 1);
	fput(f);
	CHECK_INT(vfs_unlink("/big"), 0);
}

static void test_links_and_renames(void)
{
	struct kstat st;

	CHECK_INT(vfs_mkdir("/r", 0755), 0);
	CHECK_INT(write_file("/r/a", "A", 0), 0);
	CHECK_INT(vfs_link("/r/a", "/r/b"), 0);
	CHECK_INT(vfs_stat("/r/a", &st), 0);
	CHECK_INT(st.nlink, 2);
	CHECK_INT(vfs_link("/r", "/r2"), -EPERM);
	CHECK_INT(vfs_rename("/r/a", "/r/c"), 0);
	CHECK_STR(read_file("/r/c"), "A");
	CHECK_INT(size_of("/r/a"), -1);
	CHECK_INT(write_file("/r/d", "D", 0), 0);
	CHECK_INT(vfs_rename("/r/d", "/r/c"), 0); /* replaces c */
	CHECK_STR(read_file("/r/c"), "D");
	CHECK_INT(vfs_stat("/r/b", &st), 0);
	CHECK_INT(st.nlink, 1);
	CHECK_INT(vfs_mkdir("/r/sub", 0755), 0);
	CHECK_INT(vfs_mkdir("/r/sub/inner", 0755), 0);
	CHECK_INT(vfs_rename("/r/sub", "/r/sub/inner/x"), -EINVAL);
	CHECK_INT(vfs_rename("/r/c", "/r/sub"), -EISDIR);
	CHECK_INT(vfs_rename("/r/sub", "/r/c"), -ENOTDIR);
	CHECK_INT(vfs_mkdir("/r/empty", 0755), 0);
	CHECK_INT(vfs_rename("/r/empty", "/r/sub"), -ENOTEMPTY);
	CHECK_INT(vfs_rename("/r/sub", "/moved"), 0);
	CHECK_INT(vfs_stat("/moved/inner", &st), 0);
	CHECK_INT(vfs_stat("/r", &st), 0);
	CHECK_INT(st.nlink, 3); /* ".", "..": its own, and empty's */
	CHECK_INT(vfs_rename("/nope", "/x"), -ENOENT);
}

struct names {
	struct dir_context ctx;
	char list[512];
};

static bool add_name(struct dir_context *ctx, const char *name, int len, loff_t pos, u64 ino,
		     unsigned int type)
{
	struct names *n = (struct names *)ctx;

	size_t at = strlen(n->list);

	if (at + (size_t)len + 2 > sizeof(n->list))
		return false;
	memcpy(n->list + at, name, (size_t)len);
	memcpy(n->list + at + len, " ", 2);
	return true;
}

static const char *list_dir(const char *path)
{
	static struct names n;
	struct file *f = vfs_open(path, O_RDONLY | O_DIRECTORY, 0);

	memset(&n, 0, sizeof(n));
	n.ctx.actor = add_name;
	if (IS_ERR(f))
		return "error";
	vfs_iterate(f, &n.ctx);
	fput(f);
	return n.list;
}

static void test_mounts(void)
{
	struct file *f;
	char buf[64];

	CHECK_INT(vfs_mkdir("/mnt", 0755), 0);
	CHECK_INT(write_file("/mnt/under", "hidden", 0), 0);
	CHECK_INT(do_mount("none", "/mnt", "nosuchfs", 0, NULL), -ENODEV);
	CHECK(requested_modules == 1); /* asked for fs-nosuchfs */
	CHECK_INT(do_mount("none", "/mnt", "ramfs", 0, NULL), 0);
	CHECK_INT(do_mount("none", "/mnt", "ramfs", 0, NULL), -EBUSY);
	CHECK_STR(list_dir("/mnt"), ". .. ");
	CHECK_INT(write_file("/mnt/top", "top", 0), 0);
	CHECK_INT(vfs_mkdir("/mnt/sub", 0755), 0);
	CHECK_STR(read_file("/mnt/sub/../top"), "top");
	CHECK_STR(read_file("/mnt/../mnt/top"), "top");
	CHECK_INT(vfs_rename("/mnt/top", "/top"), -EXDEV);
	CHECK_INT(vfs_link("/mnt/top", "/top"), -EXDEV);
	CHECK_INT(vfs_rmdir("/mnt"), -EBUSY);
	CHECK_INT(mounts_show(buf, sizeof(buf)), (int)strlen(buf));
	CHECK_STR(buf, "rootfs / ramfs rw 0 0\nnone /mnt ramfs rw 0 0\n");
	/* busy: an open file, a working directory, a submount */
	f = vfs_open("/mnt/top", O_RDONLY, 0);
	CHECK_INT(do_umount("/mnt"), -EBUSY);
	fput(f);
	CHECK_INT(vfs_chdir("/mnt/sub"), 0);
	CHECK_INT(vfs_getcwd(buf, sizeof(buf)), 8);
	CHECK_STR(buf, "/mnt/sub");
	CHECK_STR(read_file("../top"), "top");
	CHECK_INT(do_umount("/mnt"), -EBUSY);
	CHECK_INT(vfs_chdir("../.."), 0);
	CHECK_INT(vfs_getcwd(buf, sizeof(buf)), 1);
	CHECK_INT(do_mount("none", "/mnt/sub", "ramfs", MS_RDONLY, NULL), 0);
	CHECK_INT(write_file("/mnt/sub/x", "x", 0), -EROFS);
	CHECK_INT(vfs_mkdir("/mnt/sub/x", 0755), -EROFS);
	CHECK_INT(do_umount("/mnt"), -EBUSY);
	CHECK_INT(do_umount("/mnt/sub"), 0);
	CHECK_INT(do_umount("/mnt/sub"), -EINVAL);
	CHECK_INT(do_umount("/mnt"), 0);
	CHECK_INT(do_umount("/"), -EBUSY);
	CHECK_STR(read_file("/mnt/under"), "hidden");
	CHECK_INT(vfs_unlink("/mnt/under"), 0);
}

static void test_references(void)
{
	unsigned long total, unused, total2, unused2;
	long blocks = heap_blocks;

	/* a mount and umount cycle with files in it gives every byte back */
	CHECK_INT(do_mount("none", "/mnt", "ramfs", 0, NULL), 0);
	CHECK_INT(vfs_mkdir("/mnt/a", 0755), 0);
	CHECK_INT(write_file("/mnt/a/f", "f", 0), 0);
	CHECK_INT(vfs_symlink("a/f", "/mnt/l"), 0);
	CHECK_INT(size_of("/mnt/a/nope"), -1); /* a negative dentry */
	CHECK_INT(do_umount("/mnt"), 0);
	CHECK_INT(heap_blocks, blocks);
	CHECK_STR(unit_last_msg, unit_last_msg); /* no "busy inodes" report: checked below */
	CHECK(!strstr(unit_last_msg, "busy inodes"));
	/* lookups of missing names leave unused negative dentries, reused on the next lookup */
	dcache_counts(&total, &unused);
	CHECK_INT(size_of("/neg"), -1);
	dcache_counts(&total2, &unused2);
	CHECK_INT(total2, total + 1);
	CHECK_INT(unused2, unused + 1);
	CHECK_INT(size_of("/neg"), -1);
	dcache_counts(&total, &unused);
	CHECK_INT(total, total2);
	CHECK_INT(write_file("/neg", "now", 0), 0);
	dcache_counts(&total, &unused);
	CHECK_INT(unused, unused2 - 1); /* positive now: pinned, off the LRU */
}

/* ramfs device nodes: mode and i_rdev kept, the device's fops on open, other types refused. */
static void test_mknod(void)
{
	struct kstat st;
	struct file *f;

	CHECK_INT(vfs_mknod("/null", S_IFCHR | 0666, MKDEV(1, 3)), 0);
	CHECK_INT(vfs_mknod("/null", S_IFCHR | 0666, MKDEV(1, 3)), -EEXIST);
	CHECK_INT(vfs_mknod("/disk", S_IFBLK | 0660, MKDEV(3, 1)), 0);
	CHECK_INT(vfs_mknod("/fifo", S_IFIFO | 0644, 0), 0);
	CHECK_INT(vfs_mknod("/file", S_IFREG | 0644, 0), -EINVAL);
	CHECK_INT(vfs_mknod("/nope/x", S_IFCHR | 0666, 0), -ENOENT);
	CHECK_INT(vfs_stat("/null", &st), 0);
	CHECK(S_ISCHR(st.mode) && st.rdev == MKDEV(1, 3) && st.size == 0);
	CHECK_INT(vfs_stat("/disk", &st), 0);
	CHECK(S_ISBLK(st.mode) && MAJOR(st.rdev) == 3 && MINOR(st.rdev) == 1);
	f = vfs_open("/null", O_RDWR, 0);
	CHECK(!IS_ERR(f) && f->f_op == &def_chr_fops);
	if (!IS_ERR(f))
		fput(f);
	CHECK_INT(PTR_ERR(vfs_open("/fifo", O_RDONLY, 0)), -ENXIO);
	CHECK_INT(vfs_unlink("/null"), 0);
	CHECK_INT(vfs_unlink("/disk"), 0);
	CHECK_INT(vfs_unlink("/fifo"), 0);
}

int main(void)
{
	CHECK_INT(init_ramfs_fs(), 0);
	CHECK_INT(mount_root("ramfs"), 0);
	test_basic_errors();
	test_name_lengths();
	test_symlinks();
	test_ramfs_data();
	test_links_and_renames();
	test_mounts();
	test_references();
	test_mknod();
	CHECK_INT(lock_errors, 0);
	CHECK_INT(spin_held, 0);
	return unit_summary();
}
