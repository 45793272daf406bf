/* Pieces shared inside kernel/shell/: built-in command tables and error wording. */
#ifndef KEEL_SHELL_INTERNAL_H
#define KEEL_SHELL_INTERNAL_H

#include <keel/shell.h>
#include <keel/types.h>

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
/* Calls fn for each registered command in name order. */
void shell_for_each_command(void (*fn)(const struct shell_command *cmd));

/* The lexer's position in a line (parse.c): where it reads, where the next word goes. */
struct shell_lexer {
	const char *pos;
	char *out;            /* at least as long as the rest of the line */
	bool split_commands;  /* ';' ends a command (false after repeat: its words keep them) */
};

#define SHELL_WORD          1 /* *word is the next word */
#define SHELL_END_COMMAND   2 /* a ';': another command may follow */
#define SHELL_END_LINE      0 /* the end of the line (or a '#' comment) */
/* One of the above, or -EINVAL after "shell: missing closing quote". */
int shell_next_word(struct shell_lexer *lx, char **word);

/* Checks argv against cmd's usage (see <keel/shell.h>): 0, or SHELL_FAILED after one line. */
int shell_check_args(const struct shell_command *cmd, int argc, char **argv);
/* The registered command called name, or NULL. */
const struct shell_command *shell_find_command(const char *name);

void shell_register_builtins(void);
void shell_register_help(void);
void shell_register_fs_commands(void);

/* repeat.c: repeat and time */
void shell_register_repeat_commands(void);

#endif
