/* Shared by the n_tty line discipline's files: per-tty state, editing and history helpers. */
#ifndef N_TTY_H
#define N_TTY_H

#include <keel/tty.h>

#define N_TTY_HISTORY 32

enum n_tty_escape { N_TTY_ESC_NONE, N_TTY_ESC_SEEN, N_TTY_ESC_CSI, N_TTY_ESC_SS3 };

/* The keys escape sequences and control characters stand for. */
enum n_tty_key {
	N_TTY_KEY_NONE,
	N_TTY_KEY_UP,
	N_TTY_KEY_DOWN,
	N_TTY_KEY_LEFT,
	N_TTY_KEY_RIGHT,
	N_TTY_KEY_HOME,
	N_TTY_KEY_END,
	N_TTY_KEY_DELETE,
};

/* tty->disc_data while n_tty is attached. */
struct n_tty {
	enum n_tty_escape escape;
	unsigned int escape_param; /* the first number of a CSI sequence (ESC [ 3 ~) */
	char *history[N_TTY_HISTORY]; /* oldest first, kmalloc'd strings */
	unsigned int history_count;
	unsigned int browse; /* entry shown; history_count: the line being typed */
	/* The line being typed, kept while older lines are shown. */
	char saved[TTY_LINE_MAX];
	size_t saved_len;
	bool saved_overflow;
};

extern struct tty_ldisc_ops n_tty_ldisc;

/* edit.c: line editing on tty->line, redrawing with \b, spaces and ESC [ n D. */
void n_tty_insert(struct tty_struct *tty, char c);
void n_tty_move_left(struct tty_struct *tty, size_t n);
void n_tty_move_right(struct tty_struct *tty, size_t n);
void n_tty_delete(struct tty_struct *tty, size_t from, size_t to);
void n_tty_kill_word(struct tty_struct *tty);
void n_tty_replace_line(struct tty_struct *tty, const char *text, size_t len);

/* history.c */
void n_tty_history_add(struct n_tty *nt, const char *line, size_t len);
void n_tty_history_up(struct tty_struct *tty, struct n_tty *nt);
void n_tty_history_down(struct tty_struct *tty, struct n_tty *nt);
void n_tty_history_free(struct n_tty *nt);

/* keys.c: turns input bytes into edits; the discipline's receive_char. */
int n_tty_receive_char(struct tty_struct *tty, char c);

#endif
