/* Shell commands: subsystems and modules add their own (interface; implemented in kernel/shell/). */
#ifndef KEEL_SHELL_H
#define KEEL_SHELL_H

/*
 * flags. SHELL_CMD_DEBUG puts the command in the `help debug` list (tests, benchmarks,
 * deliberate crashes) instead of `help`. The shell checks a command's words against its usage
 * line before running it (see below); SHELL_CMD_RAW_ARGS turns that off for commands whose
 * words are free text (echo, repeat), SHELL_CMD_OWN_COUNT keeps the option check but leaves
 * counting the words to the command (sub-commands: blk read|write...).
 */
#define SHELL_CMD_DEBUG      0x1u
#define SHELL_CMD_RAW_ARGS   0x2u
#define SHELL_CMD_OWN_COUNT  0x4u
/* The command takes the rest of the line, ';' included (repeat runs those commands). */
#define SHELL_CMD_LINE       0x8u

/*
 * The usage line is the grammar the shell checks: "cat <file>...", "ls [-l] [path]",
 * "showkey [-k|-a] [-n events]". Words after the name are required, [bracketed] ones
 * optional, a trailing "..." repeats; -x words are the options (followed by a value inside
 * the same brackets when they take one). A word starting with '-' that is not one of them is
 * refused as "cmd: unknown option", missing words print "usage: ...", extra ones are named.
 * A word that is a negative number ("-5") is a plain word.
 * Several usage lines (sub-commands) are separated by '\n'; each fits 80 columns.
 */
struct shell_command {
	const char *name;
	const char *usage; /* e.g. "cat <file>..." */
	const char *help;  /* one line: `help` prints it after the name, within 80 columns */
	/* 0, a negative errno (the shell reports it), or a positive value: failed, already reported */
	int (*run)(int argc, char **argv);
	unsigned int flags;       /* SHELL_CMD_* */
	const char *long_help;    /* optional: more lines for `help CMD` */
};

/* 0, or -EEXIST when the name is taken. The struct must stay alive until unregistered. */
int shell_register_command(const struct shell_command *cmd);
void shell_unregister_command(const struct shell_command *cmd);
/* Unregisters every command whose struct or code lies in [start, end) (module teardown). */
unsigned int shell_unregister_range(unsigned long start, unsigned long end);
/* Runs one command line as if typed (';' separates commands); returns the last result. */
int shell_execute(const char *line);
/* Prints "usage: <usage>" for cmd (each line of it) and returns 1 (failed, reported). */
int shell_usage(const struct shell_command *cmd);

#endif
