/*
 * Splitting a command line into commands and words, as busybox sh does for the simple cases:
 * blanks separate words, an unquoted ';' ends a command, an unquoted '#' at the start of a
 * word comments out the rest of the line, '...' keeps everything literally, "..." keeps
 * blanks and takes \" and \\ as escapes, and outside quotes a backslash escapes the next
 * special character (\; \# \' \" \\ \ ).
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/shell_internal.h"

static bool escapable(char c, char quote)
{
	if (quote == '"')
		return c == '"' || c == '\\';
	return c && strchr("\\\"';# \t", c);
}

/* The word starting at lx->pos goes to lx->out (NUL-terminated). 0, or -EINVAL. */
static int lex_word(struct shell_lexer *lx)
{
	const char *s = lx->pos;
	char quote = 0;

	for (; *s; s++) {
		if (!quote && (isspace(*s) || (*s == ';' && lx->split_commands)))
			break;
		if (quote != '\'' && *s == '\\' && escapable(s[1], quote)) {
			*lx->out++ = *++s;
		} else if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
		} else if (quote && *s == quote) {
			quote = 0;
		} else {
			*lx->out++ = *s;
		}
	}
	*lx->out++ = '\0';
	lx->pos = s;
	if (!quote)
		return 0;
	console_printf("shell: missing closing quote (%c)\n", quote);
	return -EINVAL;
}

int shell_next_word(struct shell_lexer *lx, char **word)
{
	while (isspace(*lx->pos))
		lx->pos++;
	if (*lx->pos == '#')
		lx->pos += strlen(lx->pos); /* a comment: the rest of the line */
	if (!*lx->pos)
		return SHELL_END_LINE;
	if (*lx->pos == ';' && lx->split_commands) {
		lx->pos++;
		return SHELL_END_COMMAND;
	}
	*word = lx->out;
	return lex_word(lx) ? -EINVAL : SHELL_WORD;
}
