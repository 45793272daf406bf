/* The shell's commands that read files and their attributes: ls, cat, stat, crc32, touch,
 * truncate. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/sched/signal.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"

#define READ_CHUNK 4096

static int cmd_ls(int argc, char **argv);
static int cmd_cat(int argc, char **argv);
static int cmd_stat(int argc, char **argv);
static int cmd_crc32(int argc, char **argv);
static int cmd_touch(int argc, char **argv);
static int cmd_truncate(int argc, char **argv);
static int cmd_mknod(int argc, char **argv);

static const struct shell_command file_commands[] = {
	{ .name = "ls", .usage = "ls [-l] [PATH...]",
	  .help = "list directories (-l: mode, links, owner, size, link target)", .run = cmd_ls },
	{ .name = "cat", .usage = "cat FILE...",
	  .help = "print files", .run = cmd_cat },
	{ .name = "stat", .usage = "stat PATH...",
	  .help = "show a file's inode: type, mode, size, links, times", .run = cmd_stat },
	{ .name = "crc32", .usage = "crc32 [-c BYTES] FILE...",
	  .help = "print each file's CRC-32 (zlib's) and size", .run = cmd_crc32 },
	{ .name = "touch", .usage = "touch FILE...",
	  .help = "create empty files, or set their times to now", .run = cmd_touch },
	{ .name = "truncate", .usage = "truncate -s SIZE FILE...",
	  .help = "set files' sizes (cut, or extend with a hole)", .run = cmd_truncate },
	{ .name = "mknod", .usage = "mknod NAME TYPE [MAJOR MINOR]",
	  .help = "make a device node (TYPE c or b, with numbers) or a fifo (p)",
	  .run = cmd_mknod },
};

static void format_mode(umode_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	static const char types[16] = { '?', 'p', 'c', '?', 'd', '?', 'b', '?',
					'-', '?', 'l', '?', 's', '?', '?', '?' };

	out[0] = types[(mode & S_IFMT) >> 12];
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

static void ls_long_line(const char *path, const char *name, const struct kstat *st)
{
	char mode[11], target[256];
	int n;

	format_mode(st->mode, mode);
	if (S_ISCHR(st->mode) || S_ISBLK(st->mode)) /* "major, minor" where the size goes */
		console_printf("%s %2u %u %u %3u, %3u ", mode, st->nlink, st->uid, st->gid,
			       MAJOR(st->rdev), MINOR(st->rdev));
	else
		console_printf("%s %2u %u %u %8lld ", mode, st->nlink, st->uid, st->gid,
			       (long long)st->size);
	console_puts(name);
	if (S_ISLNK(st->mode)) {
		n = vfs_readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		console_puts(" -> ");
		console_puts(target);
	}
	console_puts("\n");
}

static int ls_entry(const char *path, const char *name, bool long_format)
{
	struct kstat st;
	int ret;

	if (!long_format) {
		console_puts(name);
		console_puts("\n");
		return 0;
	}
	ret = vfs_lstat(path, &st);
	if (ret)
		return fs_cmd_error("ls", path, ret);
	ls_long_line(path, name, &st);
	return 0;
}

static int ls_dir(const char *path, bool long_format)
{
	struct dirlist list;
	int ret = dirlist_read(path, &list), failed = 0;

	if (ret)
		return fs_cmd_error("ls", path, ret);
	for (unsigned int i = 0; i < list.count && !signal_pending(current); i++) {
		char *full = path_join(path, list.names[i], &ret);

		if (!full) {
			failed = fs_cmd_error("ls", list.names[i], ret);
			continue;
		}
		failed |= ls_entry(full, list.names[i], long_format);
		kfree(full);
	}
	dirlist_free(&list);
	return failed;
}

static int ls_path(const char *path, bool long_format, bool header)
{
	struct kstat st;
	int ret = vfs_stat(path, &st);

	if (ret == -ENOENT || ret == -ELOOP)
		ret = vfs_lstat(path, &st); /* a dangling link is still listed */
	if (ret)
		return fs_cmd_error("ls", path, ret);
	if (!S_ISDIR(st.mode))
		return ls_entry(path, path, long_format);
	if (header)
		console_printf("%s:\n", path);
	return ls_dir(path, long_format);
}

static int cmd_ls(int argc, char **argv)
{
	bool long_format = false;
	int i = 1, failed = 0;

	if (i < argc && strcmp(argv[i], "-l") == 0) {
		long_format = true;
		i++;
	}
	if (i == argc)
		return ls_path(".", long_format, false);
	for (int first = i; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return shell_usage(&file_commands[0]);
		if (i > first && argc - first > 1)
			console_puts("\n");
		failed |= ls_path(argv[i], long_format, argc - first > 1);
	}
	return failed;
}

/* Calls fn on each chunk of the file's first limit bytes (devices such as /dev/zero never
 * end); 0 or a negative errno. */
static int read_chunks(const char *path, void (*fn)(const char *buf, size_t n, void *arg),
		       void *arg, u64 limit)
{
	struct file *f = vfs_open(path, O_RDONLY, 0);
	char *buf;
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	buf = kmalloc(READ_CHUNK, GFP_KERNEL);
	n = buf ? 0 : -ENOMEM;
	while (buf && limit && (n = vfs_read(f, buf, min((u64)READ_CHUNK, limit))) > 0) {
		limit -= (u64)n;
		fn(buf, (size_t)n, arg);
		if (signal_pending(current)) {
			n = -EINTR;
			break;
		}
	}
	kfree(buf);
	fput(f);
	return n < 0 ? (int)n : 0;
}

static void cat_chunk(const char *buf, size_t n, void *arg)
{
	console_write(buf, n);
}

static int cmd_cat(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return shell_usage(&file_commands[1]);
	for (int i = 1; i < argc; i++) {
		int ret = read_chunks(argv[i], cat_chunk, NULL, ~0ULL);

		if (ret == -EINTR)
			return ret;
		if (ret)
			failed = fs_cmd_error("cat", argv[i], ret);
	}
	return failed;
}

struct crc_state {
	u32 crc;
	u64 size;
};

static void crc_chunk(const char *buf, size_t n, void *arg)
{
	struct crc_state *s = arg;

	s->crc = crc32(s->crc, buf, n);
	s->size += n;
}

/* crc32 [-c BYTES] FILE...: -c stops after BYTES bytes of each file. */
static int cmd_crc32(int argc, char **argv)
{
	unsigned long long limit = ~0ULL;
	int failed = 0, first = 1;

	if (argc > 2 && !strcmp(argv[1], "-c")) {
		if (kstrtoull(argv[2], 0, &limit)) {
			shell_print_error("crc32", argv[2], "not a byte count");
			return SHELL_FAILED;
		}
		first = 3;
	}
	if (argc <= first)
		return shell_usage(&file_commands[3]);
	for (int i = first; i < argc; i++) {
		struct crc_state s = { 0, 0 };
		int ret = read_chunks(argv[i], crc_chunk, &s, limit);

		if (ret == -EINTR)
			return ret;
		if (ret)
			failed = fs_cmd_error("crc32", argv[i], ret);
		else
			console_printf("%08x %llu %s\n", s.crc, (unsigned long long)s.size, argv[i]);
	}
	return failed;
}

static const char *type_name(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character special file";
	case S_IFBLK: return "block special file";
	case S_IFIFO: return "fifo";
	default: return "socket";
	}
}

static void print_stat(const char *path, const struct kstat *st)
{
	char mode[11];

	format_mode(st->mode, mode);
	console_printf("  File: %s\n", path);
	console_printf("  Size: %-10lld Blocks: %-8llu IO Block: %-6lu %s\n", (long long)st->size,
		       (unsigned long long)st->blocks, st->blksize, type_name(st->mode));
	if (S_ISCHR(st->mode) || S_ISBLK(st->mode)) /* GNU stat's "Device type: 1,3" */
		console_printf(" Inode: %-10llu Links: %-5u Device type: %u,%u\n",
			       (unsigned long long)st->ino, st->nlink, MAJOR(st->rdev),
			       MINOR(st->rdev));
	else
		console_printf(" Inode: %-10llu Links: %u\n", (unsigned long long)st->ino,
			       st->nlink);
	console_printf("Access: (%04o/%s)  Uid: %u  Gid: %u\n", st->mode & S_IALLUGO, mode,
		       st->uid, st->gid);
	console_printf("Access: %lld.%09ld\nModify: %lld.%09ld\nChange: %lld.%09ld\n",
		       (long long)st->atime.tv_sec, st->atime.tv_nsec, (long long)st->mtime.tv_sec,
		       st->mtime.tv_nsec, (long long)st->ctime.tv_sec, st->ctime.tv_nsec);
}

static int cmd_stat(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return shell_usage(&file_commands[2]);
	for (int i = 1; i < argc; i++) {
		struct kstat st;
		int ret = vfs_lstat(argv[i], &st);

		if (ret)
			failed = fs_cmd_error("stat", argv[i], ret);
		else
			print_stat(argv[i], &st);
	}
	return failed;
}

static int touch_one(const char *path)
{
	struct file *f;
	int ret = vfs_utimes(path, NULL);

	if (ret != -ENOENT)
		return ret;
	f = vfs_open(path, O_WRONLY | O_CREAT, 0644);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	fput(f);
	return 0;
}

static int cmd_touch(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return shell_usage(&file_commands[4]);
	for (int i = 1; i < argc; i++) {
		int ret = touch_one(argv[i]);

		if (ret)
			failed = fs_cmd_error("touch", argv[i], ret);
	}
	return failed;
}

static int cmd_truncate(int argc, char **argv)
{
	long long size;
	int failed = 0;

	if (argc < 4 || strcmp(argv[1], "-s") || kstrtoll(argv[2], 0, &size) || size < 0)
		return shell_usage(&file_commands[5]);
	for (int i = 3; i < argc; i++) {
		int ret = vfs_truncate(argv[i], size);

		if (ret)
			failed = fs_cmd_error("truncate", argv[i], ret);
	}
	return failed;
}

/* busybox's mknod: NAME TYPE [MAJOR MINOR], mode 0666. */
static int cmd_mknod(int argc, char **argv)
{
	unsigned int major = 0, minor = 0;
	bool dev = argc == 5 && (!strcmp(argv[2], "c") || !strcmp(argv[2], "b"));
	umode_t mode;
	int ret;

	if (!(dev || (argc == 3 && !strcmp(argv[2], "p"))))
		return shell_usage(&file_commands[6]);
	if (dev && (kstrtouint(argv[3], 0, &major) || kstrtouint(argv[4], 0, &minor) ||
		    major >= 4096 || minor > MINORMASK)) {
		shell_print_error("mknod", argv[3], "bad device number");
		return SHELL_FAILED;
	}
	mode = (argv[2][0] == 'c' ? S_IFCHR : argv[2][0] == 'b' ? S_IFBLK : S_IFIFO) | 0666;
	ret = vfs_mknod(argv[1], mode, MKDEV(major, minor));
	return ret ? fs_cmd_error("mknod", argv[1], ret) : 0;
}

void shell_register_fs_commands(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(file_commands); i++)
		shell_register_command(&file_commands[i]);
	fs_register_tree_commands();
	fs_register_mount_commands();
	fs_register_dd_command();
}
