/*
 * Reference solution of the "catn" exercise (docs/vfs.md): `catn FILE...` prints files with
 * each line numbered as GNU `cat -n` does ("%6d<TAB>line"), reading them through the VFS in
 * chunks. Hooked into the shell by catn.patch (shell_register_fs_commands).
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"
#include "shell/shell_internal.h"

#define CATN_CHUNK 512

void shell_register_catn_command(void);

static int cmd_catn(int argc, char **argv);

static const struct shell_command catn_command = {
	.name = "catn",
	.usage = "catn FILE...",
	.help = "print files with numbered lines",
	.run = cmd_catn,
};

/* Prints one chunk, numbering each line that starts in it. */
static void catn_chunk(const char *buf, size_t n, unsigned int *line, bool *at_start)
{
	size_t done = 0;

	while (done < n) {
		const char *nl = memchr(buf + done, '\n', n - done);
		size_t len = nl ? (size_t)(nl - (buf + done)) + 1 : n - done;

		if (*at_start)
			console_printf("%6u\t", ++*line);
		console_write(buf + done, len);
		*at_start = nl != NULL;
		done += len;
	}
}

/* The line count runs on across files, as with cat -n a b. */
static int catn_file(const char *path, unsigned int *line, bool *at_start)
{
	char buf[CATN_CHUNK];
	struct file *f = vfs_open(path, O_RDONLY, 0);
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	while ((n = vfs_read(f, buf, sizeof(buf))) > 0)
		catn_chunk(buf, (size_t)n, line, at_start);
	fput(f);
	return n < 0 ? (int)n : 0;
}

static int cmd_catn(int argc, char **argv)
{
	unsigned int line = 0;
	bool at_start = true;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		int ret = catn_file(argv[i], &line, &at_start);

		if (ret < 0)
			failed = fs_cmd_error("catn", argv[i], ret);
	}
	return failed;
}

void shell_register_catn_command(void)
{
	shell_register_command(&catn_command);
}
