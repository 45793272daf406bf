/*
 * The built-in "minimal" line discipline: echo, backspace/DEL, Enter, Ctrl-C (abandon) and
 * Ctrl-U (clear). It only ever appends at the end of the line, and swallows escape sequences
 * (arrow keys) rather than inserting them. It is the fallback when another discipline goes, so
 * it keeps no allocated state: the escape parser's state is stored in disc_data itself.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include "tty/tty_internal.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BACKSPACE 0x08
#define DEL 0x7f
#define ESC 0x1b

enum minimal_escape { ESC_NONE, ESC_SEEN, ESC_SEQUENCE };

static enum minimal_escape escape_state(const struct tty_struct *tty)
{
	return (enum minimal_escape)(unsigned long)tty->disc_data;
}

static void set_escape_state(struct tty_struct *tty, enum minimal_escape state)
{
	tty->disc_data = (void *)(unsigned long)state;
}

static void echo_str(struct tty_struct *tty, const char *s)
{
	tty_echo(tty, s, strlen(s));
}

/* The line may come from a discipline with a cursor: show the cursor at the end, as we edit. */
static int minimal_open(struct tty_struct *tty)
{
	struct tty_line *line = &tty->line;

	set_escape_state(tty, ESC_NONE);
	if (line->cursor < line->len)
		tty_echo(tty, line->buf + line->cursor, line->len - line->cursor);
	line->cursor = line->len;
	return 0;
}

static void minimal_close(struct tty_struct *tty)
{
	tty->disc_data = NULL;
}

/* Returns true while c is part of an escape sequence, which is dropped. A control key (Enter,
 * Ctrl-C, backspace...) is never part of one: it ends an unfinished sequence and acts, and ESC
 * starts a new sequence. */
static bool swallow_escape(struct tty_struct *tty, char c)
{
	if (escape_state(tty) != ESC_NONE && ((unsigned char)c < 0x20 || c == DEL)) {
		set_escape_state(tty, c == ESC ? ESC_SEEN : ESC_NONE);
		return c == ESC;
	}
	switch (escape_state(tty)) {
	case ESC_NONE:
		if (c != ESC)
			return false;
		set_escape_state(tty, ESC_SEEN);
		return true;
	case ESC_SEEN:
		set_escape_state(tty, c == '[' || c == 'O' ? ESC_SEQUENCE : ESC_NONE);
		return true;
	case ESC_SEQUENCE:
		/* Parameters and intermediates are 0x20-0x3f; a final byte ends the sequence. */
		if (c > 0x3f)
			set_escape_state(tty, ESC_NONE);
		return true;
	}
	return false;
}

static void erase_chars(struct tty_struct *tty, size_t n)
{
	while (n--)
		echo_str(tty, "\b \b");
}

static void append_char(struct tty_struct *tty, char c)
{
	struct tty_line *line = &tty->line;

	if (!tty_line_room_for_one(line))
		return;
	line->buf[line->len++] = c;
	line->cursor = line->len;
	tty_echo(tty, &c, 1);
}

static void clear_line(struct tty_struct *tty)
{
	erase_chars(tty, tty->line.len);
	tty->line.len = tty->line.cursor = 0;
	tty->line.overflow = false;
}

static int minimal_receive_char(struct tty_struct *tty, char c)
{
	struct tty_line *line = &tty->line;

	if (swallow_escape(tty, c))
		return 0;
	switch (c) {
	case '\r':
	case '\n':
		echo_str(tty, "\n");
		return 1;
	case CTRL_C:
		echo_str(tty, "^C\n");
		return -EINTR;
	case CTRL_U:
		clear_line(tty);
		return 0;
	case BACKSPACE:
	case DEL:
		if (line->len && !line->overflow) {
			line->cursor = --line->len;
			erase_chars(tty, 1);
		}
		return 0;
	case '\t':
		append_char(tty, ' ');
		return 0;
	}
	if ((unsigned char)c >= 0x20)
		append_char(tty, c);
	return 0;
}

struct tty_ldisc_ops tty_minimal_ldisc = {
	.name = "minimal",
	.open = minimal_open,
	.close = minimal_close,
	.receive_char = minimal_receive_char,
};
