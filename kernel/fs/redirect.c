/*
 * Output redirection: a command line ending in "> FILE" runs with a console sink (see
 * <keel/console.h>) that collects what the command prints into a 4 KiB buffer and writes it
 * to FILE whenever the buffer fills and at the end. Console output made where sleeping is
 * not allowed (a spinlock held) is buffered; if the buffer is full then, it is counted as
 * lost and reported once. printk and error lines printed by other tasks still reach the
 * console; the command's own error lines go to the file, as there is no stderr yet. A
 * program the command runs gets FILE itself as its standard output (fd 1), so it writes
 * there directly.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/preempt.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/redirect.h"
#include "shell/shell_internal.h"

static void redirect_flush(struct shell_redirect *r)
{
	ssize_t n;

	if (!r->len)
		return;
	n = r->error ? 0 : vfs_write(r->file, r->buf, r->len);
	if (n < 0 && !r->error)
		r->error = (int)n;
	r->len = 0;
}

static void redirect_write(struct console_sink *sink, const char *s, size_t n)
{
	struct shell_redirect *r = container_of(sink, struct shell_redirect, sink);
	bool may_sleep = !in_atomic() && !irqs_disabled();

	while (n) {
		size_t room = REDIRECT_BUF - r->len, part = n < room ? n : room;

		memcpy(r->buf + r->len, s, part);
		r->len += part;
		s += part;
		n -= part;
		if (r->len < REDIRECT_BUF)
			break;
		if (!may_sleep) {
			r->lost += n;
			return;
		}
		redirect_flush(r);
	}
}

/* The index of the redirection word, or -1; *name and *append describe it. */
static int find_redirect(int argc, char **argv, const char **name, bool *append, int *words)
{
	int found = -1;

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (w[0] != '>')
			continue;
		*append = w[1] == '>';
		w += *append ? 2 : 1;
		*words = *w ? 1 : 2;
		*name = *w ? w : (i + 1 < argc ? argv[i + 1] : NULL);
		found = i;
	}
	return found;
}

int shell_redirect_begin(int *argc, char **argv, struct shell_redirect **out)
{
	const char *name = NULL;
	bool append = false;
	int words = 0, at = find_redirect(*argc, argv, &name, &append, &words);
	struct shell_redirect *r;
	struct file *f;

	*out = NULL;
	if (at < 0)
		return 0;
	if (!name) {
		console_puts("shell: missing file name after >\n");
		return SHELL_FAILED;
	}
	f = vfs_open(name, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	if (IS_ERR(f)) {
		shell_print_error("shell", name, shell_strerror((int)PTR_ERR(f)));
		return SHELL_FAILED;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		fput(f);
		return -ENOMEM;
	}
	memmove(&argv[at], &argv[at + words], (size_t)(*argc - at - words + 1) * sizeof(*argv));
	*argc -= words;
	r->file = f;
	r->sink = (struct console_sink){ .task = current, .write = redirect_write, .file = f };
	r->previous = console_set_sink(&r->sink);
	*out = r;
	return 0;
}

void shell_redirect_end(struct shell_redirect *r)
{
	if (!r)
		return;
	redirect_flush(r);
	console_set_sink(r->previous);
	if (r->error)
		console_printf("shell: writing the output: %s\n", shell_strerror(r->error));
	if (r->lost)
		console_printf("shell: %zu bytes of output lost (printed where the file could "
			       "not be written)\n", r->lost);
	fput(r->file);
	kfree(r);
}
