/*
 * n_tty's input: escape sequences (VT100/xterm arrow, Home/End and Delete keys in both their
 * CSI and SS3 forms) and control characters, turned into editing and history actions.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include "n_tty.h"

#define CTRL(c) ((c) & 0x1f)
#define BACKSPACE 0x08
#define DEL 0x7f
#define ESC 0x1b
#define ESCAPE_PARAM_MAX 9999

static struct n_tty *state(struct tty_struct *tty)
{
	return tty->disc_data;
}

static void do_key(struct tty_struct *tty, enum n_tty_key key)
{
	struct tty_line *line = &tty->line;

	switch (key) {
	case N_TTY_KEY_UP:
		n_tty_history_up(tty, state(tty));
		break;
	case N_TTY_KEY_DOWN:
		n_tty_history_down(tty, state(tty));
		break;
	case N_TTY_KEY_LEFT:
		n_tty_move_left(tty, 1);
		break;
	case N_TTY_KEY_RIGHT:
		n_tty_move_right(tty, 1);
		break;
	case N_TTY_KEY_HOME:
		n_tty_move_left(tty, line->cursor);
		break;
	case N_TTY_KEY_END:
		n_tty_move_right(tty, line->len - line->cursor);
		break;
	case N_TTY_KEY_DELETE:
		n_tty_delete(tty, line->cursor, line->cursor + 1);
		break;
	case N_TTY_KEY_NONE:
		break;
	}
}

/* ESC [ <n> <final>: arrows, ESC [ H / F, and the ESC [ <n> ~ keys (1/7 Home, 4/8 End, 3 Del). */
static enum n_tty_key csi_key(char final, unsigned int param)
{
	switch (final) {
	case 'A': return N_TTY_KEY_UP;
	case 'B': return N_TTY_KEY_DOWN;
	case 'C': return N_TTY_KEY_RIGHT;
	case 'D': return N_TTY_KEY_LEFT;
	case 'H': return N_TTY_KEY_HOME;
	case 'F': return N_TTY_KEY_END;
	case '~':
		if (param == 1 || param == 7)
			return N_TTY_KEY_HOME;
		if (param == 4 || param == 8)
			return N_TTY_KEY_END;
		if (param == 3)
			return N_TTY_KEY_DELETE;
		return N_TTY_KEY_NONE;
	}
	return N_TTY_KEY_NONE;
}

/* Enter, Ctrl-C, backspace...: keys a user types, which no escape sequence contains. */
static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == DEL;
}

/* Feeds c to the escape parser; returns true when c belonged to a sequence. */
static bool parse_escape(struct tty_struct *tty, char c)
{
	struct n_tty *nt = state(tty);

	/* A control key ends an unfinished sequence and acts (ESC [ then Enter still submits the
	 * line); ESC starts a new sequence wherever the old one stood. */
	if (nt->escape != N_TTY_ESC_NONE && is_control(c)) {
		nt->escape = c == ESC ? N_TTY_ESC_SEEN : N_TTY_ESC_NONE;
		return c == ESC;
	}
	switch (nt->escape) {
	case N_TTY_ESC_NONE:
		if (c != ESC)
			return false;
		nt->escape = N_TTY_ESC_SEEN;
		return true;
	case N_TTY_ESC_SEEN:
		nt->escape_param = 0;
		nt->escape = c == '[' ? N_TTY_ESC_CSI : c == 'O' ? N_TTY_ESC_SS3 :
			     N_TTY_ESC_NONE; /* Alt+key: dropped */
		return true;
	case N_TTY_ESC_SS3:
		nt->escape = N_TTY_ESC_NONE;
		do_key(tty, csi_key(c, 0));
		return true;
	case N_TTY_ESC_CSI:
		break;
	}
	if (isdigit(c)) {
		if (nt->escape_param <= ESCAPE_PARAM_MAX)
			nt->escape_param = nt->escape_param * 10 + (unsigned int)(c - '0');
	} else if (c > 0x3f) {
		/* A final byte ends the sequence; parameters (';') and intermediates go on. */
		nt->escape = N_TTY_ESC_NONE;
		if (c >= 0x40 && c <= 0x7e)
			do_key(tty, csi_key(c, nt->escape_param));
	}
	return true;
}

/* Enter and Ctrl-C leave the cursor after the line, where the next output belongs. */
static void finish_line(struct tty_struct *tty, const char *echo)
{
	n_tty_move_right(tty, tty->line.len - tty->line.cursor);
	tty_echo(tty, echo, strlen(echo));
	state(tty)->browse = state(tty)->history_count;
}

/* Keys that act whatever the line holds: Enter, Ctrl-C, Ctrl-U. 0: c is none of them. */
static int line_control(struct tty_struct *tty, char c)
{
	switch (c) {
	case '\r':
	case '\n':
		finish_line(tty, "\n");
		if (!tty->line.overflow)
			n_tty_history_add(state(tty), tty->line.buf, tty->line.len);
		return 1;
	case CTRL('C'):
		finish_line(tty, "^C\n");
		return -EINTR;
	case CTRL('U'):
		n_tty_delete(tty, 0, tty->line.len);
		tty->line.overflow = false;
		return 0;
	}
	return 2;
}

static enum n_tty_key control_key(char c)
{
	switch (c) {
	case CTRL('A'): return N_TTY_KEY_HOME;
	case CTRL('E'): return N_TTY_KEY_END;
	case CTRL('B'): return N_TTY_KEY_LEFT;
	case CTRL('F'): return N_TTY_KEY_RIGHT;
	case CTRL('P'): return N_TTY_KEY_UP;
	case CTRL('N'): return N_TTY_KEY_DOWN;
	case CTRL('D'): return N_TTY_KEY_DELETE; /* on an empty line there is nothing to do */
	}
	return N_TTY_KEY_NONE;
}

static void edit_control(struct tty_struct *tty, char c)
{
	struct tty_line *line = &tty->line;

	switch (c) {
	case BACKSPACE:
	case DEL:
		if (line->cursor)
			n_tty_delete(tty, line->cursor - 1, line->cursor);
		return;
	case CTRL('W'):
		n_tty_kill_word(tty);
		return;
	case CTRL('K'):
		n_tty_delete(tty, line->cursor, line->len);
		return;
	case '\t':
		n_tty_insert(tty, ' ');
		return;
	}
	do_key(tty, control_key(c));
}

int n_tty_receive_char(struct tty_struct *tty, char c)
{
	int ret;

	if (parse_escape(tty, c))
		return 0;
	ret = line_control(tty, c);
	if (ret != 2)
		return ret;
	/* A line that overflowed is refused at Enter: editing it further would be misleading. */
	if (tty->line.overflow)
		return 0;
	if ((unsigned char)c < 0x20 || c == DEL)
		edit_control(tty, c);
	else
		n_tty_insert(tty, c);
	return 0;
}
