/* The shell's file commands: ls and cat over the VFS. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "fs/vfs.h"
#include "shell/shell_internal.h"

#define CAT_CHUNK 512

static int cmd_ls(int argc, char **argv);
static int cmd_cat(int argc, char **argv);

static const struct shell_command ls_command = {
	.name = "ls",
	.usage = "ls [-l] [path]",
	.help = "list a directory (-l: with modes and sizes)",
	.run = cmd_ls,
};

static const struct shell_command cat_command = {
	.name = "cat",
	.usage = "cat <file>...",
	.help = "print files",
	.run = cmd_cat,
};

static void format_mode(u32 mode, bool is_dir, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = is_dir ? 'd' : '-';
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

static int ls_print_entry(const char *name, const struct vfs_stat *st, void *arg)
{
	bool long_format = *(bool *)arg;
	char mode[11];

	if (long_format) {
		format_mode(st->mode, st->is_dir, mode);
		console_printf("%s %8lu ", mode, (unsigned long)st->size);
	}
	console_puts(name);
	console_puts(st->is_dir ? "/\n" : "\n");
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	bool long_format = false;
	const char *path = "/";
	int i = 1, ret;

	if (i < argc && strcmp(argv[i], "-l") == 0) {
		long_format = true;
		i++;
	}
	if (i < argc)
		path = argv[i++];
	if (i < argc || (path[0] == '-' && path[1]))
		return shell_usage(&ls_command);
	ret = vfs_readdir(path, ls_print_entry, &long_format);
	if (ret < 0) {
		shell_print_error("ls", path, shell_strerror(ret));
		return SHELL_FAILED;
	}
	return 0;
}

/* Copies the file to the console; 0 or a negative errno. */
static int cat_file(const char *path)
{
	char buf[CAT_CHUNK];
	struct file *f;
	ssize_t n;
	int ret = vfs_open(path, &f);

	if (ret)
		return ret;
	while ((n = vfs_read(f, buf, sizeof(buf))) > 0)
		console_write(buf, (size_t)n);
	vfs_close(f);
	return n < 0 ? (int)n : 0;
}

static int cmd_cat(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return shell_usage(&cat_command);
	for (int i = 1; i < argc; i++) {
		int ret = cat_file(argv[i]);

		if (ret < 0) {
			shell_print_error("cat", argv[i], shell_strerror(ret));
			failed = SHELL_FAILED;
		}
	}
	return failed;
}

void shell_register_fs_commands(void)
{
	shell_register_command(&ls_command);
	shell_register_command(&cat_command);
}
