/* Pieces shared inside kernel/shell/: built-in command tables and error wording. */
#ifndef KEEL_SHELL_INTERNAL_H
#define KEEL_SHELL_INTERNAL_H

#include <keel/shell.h>

#define SHELL_LINE_MAX 1024 /* including the NUL: 1023 characters */
#define SHELL_ARGS_MAX 64

/* A command's return value meaning "failed, and already said why" (see <keel/shell.h>). */
#define SHELL_FAILED 1

/*
 * Command lines nest when a command runs commands (repeat): each level costs about 3 KiB of
 * the task's 16 KiB kernel stack (the line, its words, repeat's copy), so three levels leave
 * room for the deepest command (modprobe, module init) under them. A line beyond the limit
 * is refused with one message and SHELL_NESTED_TOO_DEEP, which callers pass up silently.
 */
#define SHELL_NESTING_MAX 3
#define SHELL_NESTED_TOO_DEEP (-ELOOP)

/* The errno's message ("No such file or directory"), as strerror() would give it. */
const char *shell_strerror(int err);
/*
 * Prints "<who>: <what>: <message>" as one line. what may be user input of any length, which
 * console_printf's buffer would cut.
 */
void shell_print_error(const char *who, const char *what, const char *message);
/* Prints "usage: <usage>" for cmd and returns SHELL_FAILED. */
int shell_usage(const struct shell_command *cmd);
/* Calls fn for each registered command in name order. */
void shell_for_each_command(void (*fn)(const struct shell_command *cmd));

void shell_register_builtins(void);
void shell_register_fs_commands(void);

#endif
