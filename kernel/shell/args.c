/*
 * Checking a command's words against its usage line before it runs, so that every command
 * answers the same way: "cmd: unknown option '--x'", "usage: ..." when words are missing,
 * "cmd: extra argument(s): a b" when there are too many. The usage line's grammar is in
 * <keel/shell.h>.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/shell_internal.h"

#define USAGE_ANY (-1) /* no upper bound: a "..." word */

struct usage_walk {
	const char *pos;
	unsigned int depth; /* '[' levels open after the current token */
	char token[64];
	bool optional;      /* the token lies inside brackets */
	bool closes;        /* the token closes its brackets */
};

/* The next blank-separated token of the usage, brackets stripped; false at the end. */
static bool usage_next(struct usage_walk *w)
{
	const char *s = w->pos;
	size_t n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return false;
	w->optional = w->depth > 0 || *s == '[';
	for (; *s == '['; s++)
		w->depth++;
	for (; *s && *s != ' ' && *s != '\t' && *s != '\n'; s++)
		if (n + 1 < sizeof(w->token))
			w->token[n++] = *s;
	w->closes = false;
	for (; n && w->token[n - 1] == ']'; n--) {
		w->closes = true;
		if (w->depth)
			w->depth--;
	}
	w->token[n] = '\0';
	w->pos = s;
	return true;
}

static bool is_option_word(const char *s)
{
	return s[0] == '-' && s[1] && !isdigit(s[1]) && s[1] != ']';
}

/* Whether token (e.g. "-k|-a") lists option opt. */
static bool token_has_option(const char *token, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *t = token; *t; t += strcspn(t, "|"), t += *t == '|') {
		if (strncmp(t, opt, len) == 0 && (t[len] == '|' || t[len] == '\0'))
			return true;
	}
	return false;
}

/* 1 when usage lists opt (*takes_value set), 0 when it does not. */
static int usage_option(const char *usage, const char *opt, bool *takes_value)
{
	struct usage_walk w = { .pos = usage };

	while (usage_next(&w)) {
		if (!is_option_word(w.token) || !token_has_option(w.token, opt))
			continue;
		*takes_value = w.optional && !w.closes;
		return 1;
	}
	return 0;
}

/* How many plain words the usage allows after the name: [*min, *max]. */
static void usage_counts(const char *usage, int *min, int *max)
{
	struct usage_walk w = { .pos = usage };
	bool value_next = false, first = true;

	*min = *max = 0;
	while (usage_next(&w)) {
		bool was_value = value_next;

		value_next = is_option_word(w.token) && w.optional && !w.closes;
		if (first || was_value || is_option_word(w.token) || !strcmp(w.token, "|")) {
			first = false;
			continue;
		}
		if (!w.optional)
			(*min)++;
		if (*max != USAGE_ANY)
			*max = strstr(w.token, "...") ? USAGE_ANY : *max + 1;
	}
}

/* Names the plain words beyond the first max (user input: printed piece by piece). */
static void print_extra(const struct shell_command *cmd, char **argv, const int *plain,
			int max, int count)
{
	console_puts(cmd->name);
	console_puts(count - max > 1 ? ": extra arguments:" : ": extra argument:");
	for (int i = max; i < count; i++) {
		console_puts(" ");
		console_puts(argv[plain[i]]);
	}
	console_puts("\n");
}

/* Options known to the usage; the positions of plain words go to plain[]. -1: reported. */
static int check_options(const struct shell_command *cmd, int argc, char **argv, int *plain)
{
	int count = 0;

	for (int i = 1; i < argc; i++) {
		bool takes_value = false;

		if (!is_option_word(argv[i])) {
			plain[count++] = i;
			continue;
		}
		if (!usage_option(cmd->usage ? cmd->usage : "", argv[i], &takes_value)) {
			console_printf("%s: unknown option '%.40s' (see 'help %s')\n", cmd->name,
				       argv[i], cmd->name);
			return -1;
		}
		if (takes_value && ++i >= argc) {
			shell_usage(cmd); /* the option's value is missing */
			return -1;
		}
	}
	return count;
}

int shell_check_args(const struct shell_command *cmd, int argc, char **argv)
{
	int plain[SHELL_ARGS_MAX];
	int count, min, max;

	if (cmd->flags & SHELL_CMD_RAW_ARGS)
		return 0;
	count = check_options(cmd, argc, argv, plain);
	if (count < 0)
		return SHELL_FAILED;
	/* Several usage lines are sub-commands: the command counts their words itself. */
	if ((cmd->flags & SHELL_CMD_OWN_COUNT) || !cmd->usage || strchr(cmd->usage, '\n'))
		return 0;
	usage_counts(cmd->usage, &min, &max);
	if (count < min)
		return shell_usage(cmd);
	if (max != USAGE_ANY && count > max) {
		print_extra(cmd, argv, plain, max, count);
		return SHELL_FAILED;
	}
	return 0;
}
