/*
 * Line input for the shell: echo, backspace/DEL, Ctrl-C (abandon), Ctrl-U (clear). CR, LF and
 * CRLF each end one line. Escape sequences (arrow keys) are swallowed rather than inserted.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/readline.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BACKSPACE 0x08
#define DEL 0x7f
#define ESC 0x1b

struct line_state {
	char *buf;
	size_t size, len;
	bool overflow;   /* more was typed than fits: discard until the line ends */
	int escape;      /* 0, or 1 after ESC, 2 inside "ESC [" */
};

/* A CR ends a line; a LF right after it belongs to the same line end. */
static bool last_was_cr;

static void echo(const char *s)
{
	console_write(s, strlen(s));
}

static void erase_chars(size_t n)
{
	while (n--)
		echo("\b \b");
}

/* Returns true while c is part of an escape sequence, which is dropped. */
static bool swallow_escape(struct line_state *ls, char c)
{
	if (c == ESC) {
		ls->escape = 1;
		return true;
	}
	if (ls->escape == 1) {
		ls->escape = c == '[' || c == 'O' ? 2 : 0;
		return true;
	}
	if (ls->escape == 2) {
		/* Parameters and intermediates are 0x20-0x3f; a final byte ends the sequence. */
		if (c < 0x20 || c > 0x3f)
			ls->escape = 0;
		return true;
	}
	return false;
}

static void insert_char(struct line_state *ls, char c)
{
	if (ls->overflow)
		return;
	if (ls->len + 1 >= ls->size) {
		ls->overflow = true;
		return;
	}
	ls->buf[ls->len++] = c;
	console_write(&c, 1);
}

/* Handles one input byte; returns 1 when the line is complete, <0 to abandon, 0 to go on. */
static int handle_char(struct line_state *ls, char c)
{
	if (swallow_escape(ls, c))
		return 0;
	switch (c) {
	case '\r':
	case '\n':
		echo("\n");
		return ls->overflow ? -E2BIG : 1;
	case CTRL_C:
		echo("^C\n");
		return -EINTR;
	case CTRL_U:
		erase_chars(ls->len);
		ls->len = 0;
		ls->overflow = false;
		return 0;
	case BACKSPACE:
	case DEL:
		if (ls->len && !ls->overflow) {
			ls->len--;
			erase_chars(1);
		}
		return 0;
	case '\t':
		insert_char(ls, ' ');
		return 0;
	}
	if ((unsigned char)c >= 0x20)
		insert_char(ls, c);
	return 0;
}

int readline(char *buf, size_t size)
{
	struct line_state ls = { .buf = buf, .size = size };
	int ret;

	for (;;) {
		char c = (char)console_getc();
		bool lf_after_cr = c == '\n' && last_was_cr;

		last_was_cr = c == '\r';
		if (lf_after_cr)
			continue;
		ret = handle_char(&ls, c);
		if (ret) {
			buf[ls.len] = '\0';
			return ret < 0 ? ret : (int)ls.len;
		}
	}
}
