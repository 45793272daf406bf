/*
 * Reference solution of the "wc" exercise (docs/fs.md): a module adding the shell command
 * `wc FILE...`, which counts each file's lines, words and bytes through the exported kernel
 * file API (vfs_open, vfs_read, fput) and prints them as coreutils `wc` does.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/module.h>
#include <keel/shell.h>

#define WC_CHUNK 512

struct wc_counts {
	unsigned long lines, words, bytes;
	bool in_word; /* the last byte counted was part of a word (words straddle chunks) */
};

/* The C locale's isspace: a word is a maximal run of anything else. */
static bool wc_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void wc_chunk(struct wc_counts *c, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool space = wc_space(buf[i]);

		if (buf[i] == '\n')
			c->lines++;
		if (!space && !c->in_word)
			c->words++;
		c->in_word = !space;
	}
	c->bytes += n;
}

/* 0 with the counts of one file, or a negative errno. */
static int wc_file(const char *path, struct wc_counts *c)
{
	char buf[WC_CHUNK];
	struct file *f = vfs_open(path, O_RDONLY, 0);
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	while ((n = vfs_read(f, buf, sizeof(buf))) > 0)
		wc_chunk(c, buf, (size_t)n);
	fput(f);
	return n < 0 ? (int)n : 0;
}

static void wc_print(const struct wc_counts *c, const char *name)
{
	console_printf("%7lu %7lu %7lu %s\n", c->lines, c->words, c->bytes, name);
}

static int wc_run(int argc, char **argv)
{
	struct wc_counts total = { 0 };
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct wc_counts c = { 0 };
		int ret = wc_file(argv[i], &c);

		if (ret < 0) {
			console_printf("wc: %s: %s\n", argv[i], errno_name(ret));
			failed = 1; /* reported; the other files are still counted */
			continue;
		}
		wc_print(&c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc > 2)
		wc_print(&total, "total");
	return failed;
}

static const struct shell_command wc_command = {
	.name = "wc",
	.usage = "wc FILE...",
	.help = "print each file's line, word and byte counts",
	.run = wc_run,
};

static int __init wc_init(void)
{
	return shell_register_command(&wc_command);
}

static void __exit wc_exit(void)
{
	shell_unregister_command(&wc_command);
}

module_init(wc_init);
module_exit(wc_exit);
MODULE_LICENSE("GPL"); /* vfs_open, vfs_read and fput are EXPORT_SYMBOL_GPL */
MODULE_DESCRIPTION("Exercise solution: the wc command, through the kernel file API");
