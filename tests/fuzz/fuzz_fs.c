/*
 * libFuzzer driver for disk filesystem modules, built once per filesystem by tests/mk/fuzz.mk
 * with the module's sources, -DFUZZ_FS_TYPE="name" and -DFUZZ_FS_DISK_BYTES=size. The input
 * is a disk image (zero-padded to the disk size) which goes through the real VFS and page
 * cache (tests/unit/blockfs_host.h): mount with the type, walk the whole tree (readdir, stat,
 * read, readlink; bounded), a few writes (create and write 10 KiB, mkdir, rename, unlink),
 * sync, umount; then a mount without a type (probing), walk, umount. A damaged image may be
 * refused or give errors, but ASan/UBSan must stay quiet, and after each umount every heap
 * block and cached page must be back, no lock held, no inode busy: else the run aborts.
 */
/* UNIT_SOURCES: tests/unit/blockfs_host.h */
#include <keel/minmax.h>
#include "blockfs_host.h"

#ifndef FUZZ_FS_TYPE
#error "build with -DFUZZ_FS_TYPE='\"name\"' (tests/mk/fuzz.mk)"
#endif
#ifndef FUZZ_FS_DISK_BYTES
#define FUZZ_FS_DISK_BYTES (4u << 20)
#endif

#define WALK_DEPTH 8          /* directory levels below the mount point */
#define WALK_ENTRIES 512      /* entries visited per image, in all directories */
#define DIR_BATCH 32          /* names collected per directory */
#define READ_LIMIT (1u << 20) /* bytes read per file */

struct names {
	struct dir_context ctx;
	int count;
	char name[DIR_BATCH][NAME_MAX + 1];
};

static int walk_budget;

/* The actor collects names: the directory is locked while it runs (fs/readdir.c). */
static bool collect(struct dir_context *ctx, const char *name, int len, loff_t pos, u64 ino,
		    unsigned int type)
{
	struct names *n = (struct names *)ctx;

	if (n->count == DIR_BATCH || len < 0 || len > NAME_MAX)
		return false;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	memcpy(n->name[n->count], name, (size_t)len);
	n->name[n->count++][len] = '\0';
	return true;
}

static void read_whole(const char *path)
{
	static char buf[8192];
	struct file *f = vfs_open(path, O_RDONLY, 0);
	size_t total = 0;
	ssize_t n;

	if (IS_ERR(f))
		return;
	while (total < READ_LIMIT && (n = vfs_read(f, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	vfs_llseek(f, 4097, SEEK_SET);
	vfs_read(f, buf, 3000); /* an unaligned read across a page boundary */
	fput(f);
}

static void walk(const char *dir, int depth);

static void visit(const char *dir, const char *name, int depth)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct kstat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	if (vfs_lstat(path, &st))
		return;
	if (S_ISDIR(st.mode) && depth < WALK_DEPTH)
		walk(path, depth + 1);
	else if (S_ISREG(st.mode))
		read_whole(path);
	else if (S_ISLNK(st.mode))
		vfs_readlink(path, target, sizeof(target));
}

/* Lists dir in batches (names first, then each visited: as `ls -R` does). */
static void walk(const char *dir, int depth)
{
	struct names *n = malloc(sizeof(*n));
	struct file *f = vfs_open(dir, O_RDONLY | O_DIRECTORY, 0);
	loff_t last = -1;

	if (!n || IS_ERR(f))
		goto out;
	n->ctx.actor = collect;
	while (walk_budget > 0 && f->f_pos != last) {
		last = f->f_pos;
		n->count = 0;
		if (vfs_iterate(f, &n->ctx) < 0)
			break;
		for (int i = 0; i < n->count && walk_budget-- > 0; i++)
			visit(dir, n->name[i], depth);
	}
out:
	if (!IS_ERR_OR_NULL(f))
		fput(f);
	free(n);
}

/* What writable filesystems must survive on any image they accepted; errors are fine. */
static void write_some(void)
{
	static char data[10240];
	struct file *f = vfs_open("/mnt/fz_new", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (!IS_ERR(f)) {
		memset(data, 'z', sizeof(data));
		vfs_write(f, data, sizeof(data));
		vfs_fsync(f);
		fput(f);
	}
	vfs_mkdir("/mnt/fz_dir", 0755);
	if (vfs_rename("/mnt/fz_new", "/mnt/fz_dir/fz_moved"))
		vfs_rename("/mnt/fz_new", "/mnt/fz_renamed");
	vfs_unlink("/mnt/fz_dir/fz_moved");
	vfs_unlink("/mnt/fz_renamed");
	vfs_truncate("/mnt/fz_other", 0);
	ksys_sync();
}

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_fs(" FUZZ_FS_TYPE "): %s (last kernel message: %s)\n", what,
		unit_last_msg);
	abort();
}

/* FUZZ_FS_VERBOSE=1 in the environment: one line per mount, to see whether seeds mount. */
static bool verbose;

static void mount_walk_umount(const char *type, bool writes)
{
	int err;

	unit_last_msg[0] = '\0';
	err = do_mount("fake0", "/mnt", type, 0, NULL);
	if (verbose)
		fprintf(stderr, "fuzz_fs: mount -t %s: %s %s\n", type ? type : "(probe)",
			err ? errno_name(err) : "ok", unit_last_msg);
	if (err)
		return;
	walk_budget = WALK_ENTRIES;
	walk("/mnt", 0);
	if (verbose)
		fprintf(stderr, "fuzz_fs: walked %d entries\n", WALK_ENTRIES - walk_budget);
	if (writes)
		write_some();
	check(do_umount("/mnt") == 0, "umount failed: a reference leaked");
	check(!strstr(unit_last_msg, "busy inodes"), "busy inodes after umount");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	verbose = getenv("FUZZ_FS_VERBOSE") != NULL;
	host_fs_boot();
	check(host_module_load() == 0, "the module's init failed");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* calloc of megabytes is fresh zeroed memory from mmap: the padding costs nothing */
	u8 *disk = calloc(1, FUZZ_FS_DISK_BYTES);
	struct host_usage before = host_usage();

	if (!disk)
		return 0;
	memcpy(disk, data, min_t(size_t, size, FUZZ_FS_DISK_BYTES));
	host_disk_attach(disk, FUZZ_FS_DISK_BYTES, 512);
	mount_walk_umount(FUZZ_FS_TYPE, true);
	mount_walk_umount(NULL, false);
	check(host_disk_detach() == 0, "the device is still open after umount");
	check(host_usage_same(host_usage(), before), "heap blocks or cached pages leaked");
	check(!lock_errors && !spin_held, "a lock was misused or is still held");
	free(disk);
	return 0;
}
