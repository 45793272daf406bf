/* Shell commands: subsystems and modules add their own (interface; implemented in kernel/shell/). */
#ifndef KEEL_SHELL_H
#define KEEL_SHELL_H

struct shell_command {
	const char *name;
	const char *usage; /* e.g. "cat <file>" */
	const char *help;  /* one line */
	/* 0, a negative errno (the shell reports it), or a positive value: failed, already reported */
	int (*run)(int argc, char **argv);
};

/* 0, or -EEXIST when the name is taken. The struct must stay alive until unregistered. */
int shell_register_command(const struct shell_command *cmd);
void shell_unregister_command(const struct shell_command *cmd);
/* Unregisters every command whose struct or code lies in [start, end) (module teardown). */
unsigned int shell_unregister_range(unsigned long start, unsigned long end);
/* Runs one command line as if typed; returns the command's result. */
int shell_execute(const char *line);

#endif
