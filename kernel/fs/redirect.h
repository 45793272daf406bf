/* Output redirection for shell command lines (`CMD > FILE`, `CMD >> FILE`). */
#ifndef KEEL_FS_REDIRECT_H
#define KEEL_FS_REDIRECT_H

#include <keel/console.h>
#include <keel/fs.h>

#define REDIRECT_BUF 4096

struct shell_redirect {
	struct console_sink sink;
	struct console_sink *previous;
	struct file *file;
	size_t len;
	size_t lost;  /* bytes written where the file could not be written (atomic context) */
	int error;    /* the first write error */
	char buf[REDIRECT_BUF];
};

/*
 * Takes "> FILE", ">FILE", ">> FILE" or ">>FILE" out of argv (the last one wins) and sends
 * the command's console output to FILE (created 0644; truncated, or appended to with >>).
 * Returns 0 (*out: a kmalloc'd redirection, NULL when the line has none), -ENOMEM, or
 * SHELL_FAILED after printing why.
 */
int shell_redirect_begin(int *argc, char **argv, struct shell_redirect **out);
/* Flushes, restores the console, closes the file, frees r; reports a lost write once. */
void shell_redirect_end(struct shell_redirect *r);

#endif
