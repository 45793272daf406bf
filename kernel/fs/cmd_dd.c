/*
 * The shell's `dd`: copies blocks between files and devices through the kernel file API, with
 * the operands of POSIX dd that tests and benchmarks need (if, of, bs, count, skip, seek,
 * conv=fsync,notrunc). It prints the record counts and the rate the way GNU/busybox dd do,
 * so a figure measured here reads like one measured on Linux.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/ktime.h>
#include <keel/sched/signal.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"

#define DD_BS_MAX (4UL << 20)

struct dd_args {
	const char *in, *out;
	unsigned long long bs, count, skip, seek;
	bool fsync, notrunc;
};

struct dd_stats {
	unsigned long long full_in, part_in, full_out, part_out, bytes;
};

static int cmd_dd(int argc, char **argv);

static const struct shell_command dd_command = {
	.name = "dd",
	.usage = "dd if=FILE of=FILE [bs=SIZE] [count=N] [skip=N] [seek=N] [conv=LIST]",
	.help = "copy count blocks of bs bytes (K/M/G suffixes) from if to of",
	.long_help = "conv=fsync,notrunc: fsync of at the end; do not truncate of first\n",
	.flags = SHELL_CMD_RAW_ARGS,
	.run = cmd_dd,
};

static int dd_conv(struct dd_args *a, char *list)
{
	char *word;

	while ((word = strsep(&list, ",")) != NULL) {
		if (strcmp(word, "fsync") == 0)
			a->fsync = true;
		else if (strcmp(word, "notrunc") == 0)
			a->notrunc = true;
		else
			return -EINVAL;
	}
	return 0;
}

/* One key=value operand; -EINVAL names nothing, the caller prints the operand. */
static int dd_operand(struct dd_args *a, char *word)
{
	char *value = strchr(word, '=');

	if (!value || !value[1])
		return -EINVAL;
	*value++ = '\0';
	if (strcmp(word, "if") == 0)
		a->in = value;
	else if (strcmp(word, "of") == 0)
		a->out = value;
	else if (strcmp(word, "conv") == 0)
		return dd_conv(a, value);
	else if (strcmp(word, "bs") == 0)
		return kstrtosize(value, &a->bs) || !a->bs || a->bs > DD_BS_MAX ? -EINVAL : 0;
	else if (strcmp(word, "count") == 0)
		return kstrtoull(value, 0, &a->count);
	else if (strcmp(word, "skip") == 0)
		return kstrtoull(value, 0, &a->skip);
	else if (strcmp(word, "seek") == 0)
		return kstrtoull(value, 0, &a->seek);
	else
		return -EINVAL;
	return 0;
}

static int dd_parse(struct dd_args *a, int argc, char **argv)
{
	*a = (struct dd_args){ .bs = 512, .count = ~0ULL };
	for (int i = 1; i < argc; i++) {
		char word[64];

		strlcpy(word, argv[i], sizeof(word));
		if (strlen(argv[i]) >= sizeof(word) || dd_operand(a, argv[i])) {
			console_printf("dd: invalid operand '%s'\n", word);
			return -EINVAL;
		}
	}
	if (!a->in || !a->out) {
		shell_usage(&dd_command);
		return -EINVAL;
	}
	return 0;
}

/* Positions f at blocks * bs; 0 or -errno. */
static int dd_seek(struct file *f, unsigned long long blocks, unsigned long long bs)
{
	loff_t pos;

	if (!blocks)
		return 0;
	if (blocks > (unsigned long long)MAX_LFS_FILESIZE / bs)
		return -EINVAL;
	pos = vfs_llseek(f, (loff_t)(blocks * bs), SEEK_SET);
	return pos < 0 ? (int)pos : 0;
}

/* Reads up to one block (a short read from a pipe-like file is a partial record). */
static ssize_t dd_read_block(struct file *in, u8 *buf, size_t bs)
{
	size_t got = 0;

	while (got < bs) {
		ssize_t n = vfs_read(in, buf + got, bs - got);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Copies a->count blocks: 0, -EINTR (Ctrl-C), or SHELL_FAILED after printing what failed. */
static int dd_copy(struct dd_args *a, struct file *in, struct file *out, u8 *buf,
		   struct dd_stats *st)
{
	for (unsigned long long i = 0; i < a->count; i++) {
		ssize_t n = dd_read_block(in, buf, (size_t)a->bs), w;

		if (signal_pending(current))
			return -EINTR;
		if (n <= 0)
			return n ? fs_cmd_error("dd", a->in, (int)n) : 0;
		*((size_t)n == a->bs ? &st->full_in : &st->part_in) += 1;
		w = vfs_write(out, buf, (size_t)n);
		if (w < 0)
			return fs_cmd_error("dd", a->out, (int)w);
		*(w == (ssize_t)a->bs ? &st->full_out : &st->part_out) += 1;
		st->bytes += (unsigned long long)w;
		if (w != n)
			return fs_cmd_error("dd", a->out, -ENOSPC);
	}
	return 0;
}

static void dd_report(const struct dd_stats *st, u64 ns)
{
	unsigned long long us = ns / 1000 ? ns / 1000 : 1;
	unsigned long long kbps = st->bytes * 1000 / us; /* kB/s: dd's MB are decimal */

	console_printf("%llu+%llu records in\n%llu+%llu records out\n", st->full_in, st->part_in,
		       st->full_out, st->part_out);
	console_printf("%llu bytes copied, %llu.%06llu s, %llu.%llu MB/s\n", st->bytes,
		       us / 1000000, us % 1000000, kbps / 1000, kbps % 1000 / 100);
}

/* Opens both files and positions them; *in and *out are set or the error is printed. */
static int dd_open(struct dd_args *a, struct file **in, struct file **out)
{
	unsigned int flags = O_WRONLY | O_CREAT | (a->notrunc || a->seek ? 0 : O_TRUNC);
	int err;

	*in = vfs_open(a->in, O_RDONLY, 0);
	if (IS_ERR(*in))
		return fs_cmd_error("dd", a->in, (int)PTR_ERR(*in));
	*out = vfs_open(a->out, flags, 0644);
	if (IS_ERR(*out)) {
		fput(*in);
		return fs_cmd_error("dd", a->out, (int)PTR_ERR(*out));
	}
	err = dd_seek(*in, a->skip, a->bs);
	if (!err)
		err = dd_seek(*out, a->seek, a->bs);
	if (!err)
		return 0;
	fput(*out);
	fput(*in);
	return fs_cmd_error("dd", "skip/seek", err);
}

static int cmd_dd(int argc, char **argv)
{
	struct dd_stats st = { 0 };
	struct dd_args a;
	struct file *in = NULL, *out = NULL;
	u64 start;
	u8 *buf;
	int ret;

	if (dd_parse(&a, argc, argv) || dd_open(&a, &in, &out))
		return SHELL_FAILED;
	buf = kmalloc((size_t)a.bs, GFP_KERNEL);
	ret = buf ? 0 : fs_cmd_error("dd", "buffer", -ENOMEM);
	start = ktime_get_ns();
	if (!ret)
		ret = dd_copy(&a, in, out, buf, &st);
	if (!ret && a.fsync) {
		int err = vfs_fsync(out);

		ret = err ? fs_cmd_error("dd", a.out, err) : 0;
	}
	if (ret != -EINTR)
		dd_report(&st, ktime_get_ns() - start);
	kfree(buf);
	fput(out);
	fput(in);
	return ret;
}

void fs_register_dd_command(void)
{
	shell_register_command(&dd_command);
}
