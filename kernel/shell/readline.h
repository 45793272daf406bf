/* Reading one edited line from the console (to be replaced by a TTY layer's line discipline). */
#ifndef KEEL_SHELL_READLINE_H
#define KEEL_SHELL_READLINE_H

#include <keel/types.h>

/*
 * Reads a line into buf (NUL-terminated, without the line end), echoing what is typed.
 * Returns its length, -EINTR when Ctrl-C abandoned it, or -E2BIG when it had more than
 * size - 1 characters (the rest up to the line end was discarded).
 */
int readline(char *buf, size_t size);

#endif
