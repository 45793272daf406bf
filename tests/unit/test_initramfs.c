/*
 * Host test of unpacking the initrd's cpio archive into ramfs: files, directories, symlinks,
 * modes and mtimes land as packed; corrupt and hostile archives (names without a NUL, data
 * past the end, "../" names, huge sizes, long components, symlink targets with a NUL) are
 * refused whole with one message, and nothing is unpacked.
 */
/* UNIT_SOURCES: kernel/fs/dcache.c kernel/fs/inode.c kernel/fs/namei.c kernel/fs/namei_ops.c kernel/fs/rename.c kernel/fs/open.c kernel/fs/read_write.c kernel/fs/readdir.c kernel/fs/stat.c kernel/fs/libfs.c kernel/fs/ramfs.c kernel/fs/super.c kernel/fs/namespace.c kernel/fs/filesystems.c kernel/fs/initramfs.c kernel/fs/cpio.c */
#include "vfs_fakes.h"

struct archive {
	unsigned char buf[16384];
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* A member whose header claims name_size and data_size (real sizes come from name/data). */
static void add_raw(struct archive *a, const char *name, size_t name_size, unsigned int mode,
		    const char *data, size_t data_len, size_t data_size)
{
	char hdr[111];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1, mode, 0, 0, 1,
		 1234567, data_size, 0, 0, 0, 0, name_size, 0);
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += strlen(name) + 1;
	pad4(a);
	memcpy(a->buf + a->len, data, data_len);
	a->len += data_len;
	pad4(a);
}

static void add(struct archive *a, const char *name, unsigned int mode, const char *data)
{
	size_t len = data ? strlen(data) : 0;

	add_raw(a, name, strlen(name) + 1, mode, data ? data : "", len, len);
}

static void trailer(struct archive *a)
{
	add(a, "TRAILER!!!", 0, NULL);
}

static void build_sample(struct archive *a)
{
	a->len = 0;
	add(a, ".", 040755, NULL);
	add(a, "./etc", 040700, NULL);
	add(a, "./etc/motd", 0100644, "hello\n");
	add(a, "a/b/c.txt", 0100600, "deep"); /* parents implied */
	add(a, "etc/rc", 0100644, "old");
	add(a, "etc/rc", 0100755, "echo new"); /* a later member replaces */
	add(a, "etc/link", 0120777, "motd");
	add(a, "dev/console", 0020600, NULL); /* a device node: skipped */
	trailer(a);
}

static unsigned int entries(const char *path)
{
	struct kstat st;

	return vfs_stat(path, &st) ? 0 : st.nlink;
}

static void test_sample(void)
{
	static struct archive a;
	struct kstat st;
	char target[16];

	build_sample(&a);
	CHECK_INT(unpack_initramfs(a.buf, a.len), 0);
	CHECK_STR(read_file("/etc/motd"), "hello\n");
	CHECK_STR(read_file("/etc/rc"), "echo new");
	CHECK_STR(read_file("/a/b/c.txt"), "deep");
	CHECK_STR(read_file("/etc/link"), "hello\n");
	CHECK_INT(vfs_readlink("/etc/link", target, sizeof(target)), 4);
	CHECK_INT(vfs_stat("/etc", &st), 0);
	CHECK_UINT(st.mode, 040700);
	CHECK_INT(vfs_stat("/etc/rc", &st), 0);
	CHECK_UINT(st.mode, 0100755);
	CHECK_INT(st.mtime.tv_sec, 1234567);
	CHECK_INT(vfs_stat("/a/b", &st), 0);
	CHECK_UINT(st.mode, 040755);
	CHECK_INT(vfs_stat("/dev/console", &st), -ENOENT);
	if (!strstr(unit_last_msg, "4 files (21 bytes), 2 directories, 1 symlinks, some members skipped"))
		fprintf(stderr, "summary was: %s\n", unit_last_msg);
	CHECK(strstr(unit_last_msg, "4 files (21 bytes), 2 directories, 1 symlinks, some members skipped") != NULL);
}

/* Each hostile archive is refused with message, and nothing appears in the root. */
static void check_refused(struct archive *a, const char *why, const char *message)
{
	unsigned int before = entries("/");
	long blocks = heap_blocks;

	unit_last_msg[0] = '\0';
	CHECK(unpack_initramfs(a->buf, a->len) < 0);
	if (!strstr(unit_last_msg, message))
		fprintf(stderr, "%s: message was: %s\n", why, unit_last_msg);
	CHECK(strstr(unit_last_msg, message) != NULL);
	CHECK(strstr(unit_last_msg, "nothing unpacked") != NULL);
	CHECK_INT(entries("/"), before);
	CHECK_INT(heap_blocks, blocks);
	CHECK(read_file("/ok") == NULL); /* (leaves a negative dentry) */
}

static void test_hostile(void)
{
	static struct archive a;
	static char long_name[300];

	a.len = 0;
	add(&a, "ok", 0100644, "fine");
	add(&a, "../escape", 0100644, "x");
	trailer(&a);
	check_refused(&a, "dotdot", "climbs out of the archive");

	a.len = 0;
	add(&a, "x/../../y", 040755, NULL);
	trailer(&a);
	check_refused(&a, "dotdot in the middle", "climbs out");

	a.len = 0;
	add(&a, "ok", 0100644, "fine");
	add_raw(&a, "name", 3, 0100644, "", 0, 0); /* NUL not where the size says */
	trailer(&a);
	check_refused(&a, "no NUL", "not NUL-terminated");

	a.len = 0;
	add_raw(&a, "big", 4, 0100644, "abc", 3, 0x7fffffff); /* data past the end */
	trailer(&a);
	check_refused(&a, "size past the end", "runs past the end");

	a.len = 0;
	add_raw(&a, "huge", 0xffffffff, 0100644, "", 0, 0); /* a huge name size */
	trailer(&a);
	check_refused(&a, "huge name size", "runs past the end");

	a.len = 0;
	memset(long_name, 'n', NAME_MAX + 1);
	add(&a, long_name, 0100644, "x");
	trailer(&a);
	check_refused(&a, "long component", "longer than NAME_MAX");

	a.len = 0;
	add_raw(&a, "link", 5, 0120777, "a\0b\0", 4, 3);
	trailer(&a);
	check_refused(&a, "NUL in a link", "contains a NUL");

	a.len = 0;
	add(&a, "ok", 0100644, "fine");
	check_refused(&a, "no trailer", "without a TRAILER");

	a.len = 0;
	memcpy(a.buf, "070707garbage", 13);
	a.len = 200;
	check_refused(&a, "bad magic", "bad magic");
}

int main(void)
{
	CHECK_INT(init_ramfs_fs(), 0);
	CHECK_INT(mount_root("ramfs"), 0);
	test_sample();
	test_hostile();
	CHECK_INT(lock_errors, 0);
	CHECK_INT(spin_held, 0);
	return unit_summary();
}
