/* The shell's commands that change the tree: mkdir, rmdir, rm, cp, mv, ln, and cd/pwd. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/sched/signal.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"

#define COPY_CHUNK 4096
#define RM_DEPTH_MAX 64 /* rm -r recursion: each level is a small frame */

static int cmd_mkdir(int argc, char **argv);
static int cmd_rmdir(int argc, char **argv);
static int cmd_rm(int argc, char **argv);
static int cmd_cp(int argc, char **argv);
static int cmd_mv(int argc, char **argv);
static int cmd_ln(int argc, char **argv);
static int cmd_cd(int argc, char **argv);
static int cmd_pwd(int argc, char **argv);

enum { MKDIR, RMDIR, RM, CP, MV, LN, CD, PWD };
static const struct shell_command tree_commands[] = {
	[MKDIR] = { .name = "mkdir", .usage = "mkdir [-p] DIR...",
	  .help = "make directories (-p: and their parents)", .run = cmd_mkdir },
	[RMDIR] = { .name = "rmdir", .usage = "rmdir DIR...",
	  .help = "remove empty directories", .run = cmd_rmdir },
	[RM] = { .name = "rm", .usage = "rm [-r] PATH...",
	  .help = "remove files (-r: directories and their contents)", .run = cmd_rm },
	[CP] = { .name = "cp", .usage = "cp SOURCE DEST",
	  .help = "copy a file (into dest when it is a directory)", .run = cmd_cp },
	[MV] = { .name = "mv", .usage = "mv SOURCE DEST",
	  .help = "rename or move (into dest when it is a directory)", .run = cmd_mv },
	[LN] = { .name = "ln", .usage = "ln [-s] TARGET NAME",
	  .help = "make a hard link (-s: a symbolic link)", .run = cmd_ln },
	[CD] = { .name = "cd", .usage = "cd [DIR]",
	  .help = "change the working directory (default /)", .run = cmd_cd },
	[PWD] = { .name = "pwd", .usage = "pwd",
	  .help = "print the working directory", .run = cmd_pwd },
};

/* mkdir -p: each prefix ending at a '/' first, then the whole path; existing dirs are fine. */
static int mkdir_parents(char *path)
{
	int ret;

	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		ret = vfs_mkdir(path, 0755);
		*p = '/';
		if (ret && ret != -EEXIST)
			return ret;
	}
	ret = vfs_mkdir(path, 0755);
	return ret == -EEXIST ? 0 : ret;
}

static int cmd_mkdir(int argc, char **argv)
{
	bool parents = argc > 1 && strcmp(argv[1], "-p") == 0;
	int failed = 0;

	if (argc < 2 + parents)
		return shell_usage(&tree_commands[MKDIR]);
	for (int i = 1 + parents; i < argc; i++) {
		int ret = parents ? mkdir_parents(argv[i]) : vfs_mkdir(argv[i], 0755);

		if (ret)
			failed = fs_cmd_error("mkdir", argv[i], ret);
	}
	return failed;
}

static int cmd_rmdir(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return shell_usage(&tree_commands[RMDIR]);
	for (int i = 1; i < argc; i++) {
		int ret = vfs_rmdir(argv[i]);

		if (ret)
			failed = fs_cmd_error("rmdir", argv[i], ret);
	}
	return failed;
}

static int rm_tree(const char *path, int depth);

static int rm_children(const char *path, int depth)
{
	struct dirlist list;
	int ret = dirlist_read(path, &list);

	for (unsigned int i = 0; !ret && i < list.count; i++) {
		char *child = path_join(path, list.names[i], &ret);

		if (child) {
			ret = rm_tree(child, depth + 1);
			kfree(child);
		}
	}
	dirlist_free(&list);
	return ret;
}

/* Removes path and, for a directory, everything below; stops at the first error (reported). */
static int rm_tree(const char *path, int depth)
{
	struct kstat st;
	int ret = vfs_lstat(path, &st);

	if (!ret && S_ISDIR(st.mode)) {
		if (depth >= RM_DEPTH_MAX)
			ret = -ELOOP;
		else if (signal_pending(current))
			return -EINTR;
		else
			ret = rm_children(path, depth);
		if (ret)
			return ret;
		ret = vfs_rmdir(path);
	} else if (!ret) {
		ret = vfs_unlink(path);
	}
	if (ret && ret != -EINTR && ret != SHELL_FAILED)
		ret = fs_cmd_error("rm", path, ret);
	return ret;
}

static int cmd_rm(int argc, char **argv)
{
	bool recursive = argc > 1 && strcmp(argv[1], "-r") == 0;
	int failed = 0;

	if (argc < 2 + recursive)
		return shell_usage(&tree_commands[RM]);
	for (int i = 1 + recursive; i < argc; i++) {
		int ret = recursive ? rm_tree(argv[i], 0) : vfs_unlink(argv[i]);

		if (ret == -EINTR)
			return ret;
		if (ret == SHELL_FAILED)
			failed = ret;
		else if (ret)
			failed = fs_cmd_error("rm", argv[i], ret);
	}
	return failed;
}

/* dest, or dest/<basename of src> when dest is a directory; kmalloc'd. */
static char *target_path(const char *src, const char *dest, int *err)
{
	struct kstat st;
	size_t len;
	const char *base;
	char name[NAME_MAX + 1];

	if (vfs_stat(dest, &st) || !S_ISDIR(st.mode))
		return path_join("", dest, err);
	base = path_basename(src, &len);
	if (len > NAME_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	memcpy(name, base, len);
	name[len] = '\0';
	return path_join(dest, name, err);
}

static int copy_data(struct file *in, struct file *out)
{
	char *buf = kmalloc(COPY_CHUNK, GFP_KERNEL);
	ssize_t n = buf ? 0 : -ENOMEM;

	while (buf && (n = vfs_read(in, buf, COPY_CHUNK)) > 0) {
		ssize_t w = vfs_write(out, buf, (size_t)n);

		if (w != n) {
			n = w < 0 ? w : -EIO;
			break;
		}
		if (signal_pending(current)) {
			n = -EINTR;
			break;
		}
	}
	kfree(buf);
	return n < 0 ? (int)n : 0;
}

static int copy_file(const char *src, const char *dest)
{
	struct file *in, *out;
	struct kstat st;
	int ret;

	in = vfs_open(src, O_RDONLY, 0);
	if (IS_ERR(in))
		return fs_cmd_error("cp", src, (int)PTR_ERR(in));
	ret = vfs_fstat(in, &st);
	if (!ret && S_ISDIR(st.mode))
		ret = -EISDIR;
	if (ret)
		goto put_in;
	out = vfs_open(dest, O_WRONLY | O_CREAT | O_TRUNC, st.mode & S_IALLUGO);
	if (IS_ERR(out)) {
		fput(in);
		return fs_cmd_error("cp", dest, (int)PTR_ERR(out));
	}
	ret = copy_data(in, out);
	fput(out);
put_in:
	fput(in);
	return ret == -EINTR || !ret ? ret : fs_cmd_error("cp", src, ret);
}

static int cmd_cp(int argc, char **argv)
{
	char *dest;
	int ret;

	if (argc != 3)
		return shell_usage(&tree_commands[CP]);
	dest = target_path(argv[1], argv[2], &ret);
	if (!dest)
		return fs_cmd_error("cp", argv[2], ret);
	ret = copy_file(argv[1], dest);
	kfree(dest);
	return ret;
}

static int cmd_mv(int argc, char **argv)
{
	char *dest;
	int ret;

	if (argc != 3)
		return shell_usage(&tree_commands[MV]);
	dest = target_path(argv[1], argv[2], &ret);
	if (!dest)
		return fs_cmd_error("mv", argv[2], ret);
	ret = vfs_rename(argv[1], dest);
	if (ret)
		ret = fs_cmd_error("mv", argv[1], ret);
	kfree(dest);
	return ret;
}

static int cmd_ln(int argc, char **argv)
{
	bool symbolic = argc > 1 && strcmp(argv[1], "-s") == 0;
	const char *target, *name;
	int ret;

	if (argc != 3 + symbolic)
		return shell_usage(&tree_commands[LN]);
	target = argv[1 + symbolic];
	name = argv[2 + symbolic];
	ret = symbolic ? vfs_symlink(target, name) : vfs_link(target, name);
	return ret ? fs_cmd_error("ln", name, ret) : 0;
}

static int cmd_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";
	int ret;

	if (argc > 2)
		return shell_usage(&tree_commands[CD]);
	ret = vfs_chdir(dir);
	return ret ? fs_cmd_error("cd", dir, ret) : 0;
}

static int cmd_pwd(int argc, char **argv)
{
	char *buf;
	int ret;

	if (argc > 1)
		return shell_usage(&tree_commands[PWD]);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = vfs_getcwd(buf, PATH_MAX);
	if (ret >= 0) {
		console_puts(buf);
		console_puts("\n");
	}
	kfree(buf);
	return ret < 0 ? ret : 0;
}

void fs_register_tree_commands(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(tree_commands); i++)
		shell_register_command(&tree_commands[i]);
}
