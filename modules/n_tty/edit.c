/*
 * n_tty's line editing: changes tty->line and redraws only what changed. The output is plain
 * enough for any VT100-like terminal and for Keel's own screen consoles: text, spaces to erase,
 * backspaces or ESC [ n D to move left, and re-written text to move right.
 */
#include <keel/minmax.h>
#include <keel/string.h>
#include "n_tty.h"

/* Beyond this many columns one ESC [ n D is shorter than backspaces. */
#define BACKSPACE_MAX 4

static void echo_spaces(struct tty_struct *tty, size_t n)
{
	static const char spaces[] = "                ";

	while (n) {
		size_t chunk = min(n, sizeof(spaces) - 1);

		tty_echo(tty, spaces, chunk);
		n -= chunk;
	}
}

/* Moves the terminal's cursor n columns left, leaving tty->line alone. */
static void cursor_back(struct tty_struct *tty, size_t n)
{
	char seq[24];

	if (n > BACKSPACE_MAX) {
		tty_echo(tty, seq, (size_t)snprintf(seq, sizeof(seq), "\033[%zuD", n));
		return;
	}
	while (n--)
		tty_echo(tty, "\b", 1);
}

void n_tty_move_left(struct tty_struct *tty, size_t n)
{
	n = min(n, tty->line.cursor);
	cursor_back(tty, n);
	tty->line.cursor -= n;
}

/* Re-writing the characters under the cursor moves it right on every terminal. */
void n_tty_move_right(struct tty_struct *tty, size_t n)
{
	struct tty_line *line = &tty->line;

	n = min(n, line->len - line->cursor);
	tty_echo(tty, line->buf + line->cursor, n);
	line->cursor += n;
}

/* Shows buf[cursor..len) followed by `erase` blanks, then puts the cursor back. */
static void redraw_tail(struct tty_struct *tty, size_t erase)
{
	struct tty_line *line = &tty->line;
	size_t tail = line->len - line->cursor;

	tty_echo(tty, line->buf + line->cursor, tail);
	echo_spaces(tty, erase);
	cursor_back(tty, tail + erase);
}

void n_tty_insert(struct tty_struct *tty, char c)
{
	struct tty_line *line = &tty->line;

	if (!tty_line_room_for_one(line))
		return;
	memmove(line->buf + line->cursor + 1, line->buf + line->cursor, line->len - line->cursor);
	line->buf[line->cursor] = c;
	line->len++;
	tty_echo(tty, &c, 1);
	line->cursor++;
	redraw_tail(tty, 0);
}

/* Removes buf[from..to), both within the line; the cursor ends at from. */
void n_tty_delete(struct tty_struct *tty, size_t from, size_t to)
{
	struct tty_line *line = &tty->line;

	to = min(to, line->len);
	if (from >= to)
		return;
	if (line->cursor > from)
		n_tty_move_left(tty, line->cursor - from);
	else
		n_tty_move_right(tty, from - line->cursor);
	memmove(line->buf + from, line->buf + to, line->len - to);
	line->len -= to - from;
	redraw_tail(tty, to - from);
}

/* Ctrl-W: the blanks before the cursor, then the word before them. */
void n_tty_kill_word(struct tty_struct *tty)
{
	struct tty_line *line = &tty->line;
	size_t start = line->cursor;

	while (start && line->buf[start - 1] == ' ')
		start--;
	while (start && line->buf[start - 1] != ' ')
		start--;
	n_tty_delete(tty, start, line->cursor);
}

/* Shows text instead of the whole line (history), with the cursor at its end. */
void n_tty_replace_line(struct tty_struct *tty, const char *text, size_t len)
{
	struct tty_line *line = &tty->line;
	size_t old_len = line->len;

	len = min_t(size_t, len, TTY_LINE_MAX - 1);
	n_tty_move_left(tty, line->cursor);
	memcpy(line->buf, text, len);
	line->len = line->cursor = len;
	line->overflow = false;
	tty_echo(tty, line->buf, len);
	if (old_len > len) {
		echo_spaces(tty, old_len - len);
		cursor_back(tty, old_len - len);
	}
}
