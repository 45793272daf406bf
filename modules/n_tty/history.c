/*
 * n_tty's command history: the last N_TTY_HISTORY lines entered, browsed with up/down. The line
 * being typed is kept aside while older lines are shown and comes back below the newest.
 */
#include <keel/slab.h>
#include <keel/string.h>
#include "n_tty.h"

static bool is_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ')
			return false;
	return true;
}

static bool same_as_newest(const struct n_tty *nt, const char *line, size_t len)
{
	const char *newest;

	if (!nt->history_count)
		return false;
	newest = nt->history[nt->history_count - 1];
	return strlen(newest) == len && memcmp(newest, line, len) == 0;
}

/* Blank lines and repeats of the newest entry are not stored; a full history drops its oldest. */
void n_tty_history_add(struct n_tty *nt, const char *line, size_t len)
{
	char *copy;

	nt->browse = nt->history_count;
	if (is_blank(line, len) || same_as_newest(nt, line, len))
		return;
	copy = kmalloc(len + 1, GFP_KERNEL);
	if (!copy)
		return; /* the line still runs; only its recall is lost */
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (nt->history_count == N_TTY_HISTORY) {
		kfree(nt->history[0]);
		memmove(nt->history, nt->history + 1, (N_TTY_HISTORY - 1) * sizeof(nt->history[0]));
		nt->history_count--;
	}
	nt->history[nt->history_count++] = copy;
	nt->browse = nt->history_count;
}

static void show_entry(struct tty_struct *tty, struct n_tty *nt)
{
	if (nt->browse == nt->history_count) {
		n_tty_replace_line(tty, nt->saved, nt->saved_len);
		tty->line.overflow = nt->saved_overflow;
		return;
	}
	n_tty_replace_line(tty, nt->history[nt->browse], strlen(nt->history[nt->browse]));
}

void n_tty_history_up(struct tty_struct *tty, struct n_tty *nt)
{
	if (nt->browse == 0)
		return;
	if (nt->browse == nt->history_count) {
		memcpy(nt->saved, tty->line.buf, tty->line.len);
		nt->saved_len = tty->line.len;
		nt->saved_overflow = tty->line.overflow;
	}
	nt->browse--;
	show_entry(tty, nt);
}

void n_tty_history_down(struct tty_struct *tty, struct n_tty *nt)
{
	if (nt->browse >= nt->history_count)
		return;
	nt->browse++;
	show_entry(tty, nt);
}

void n_tty_history_free(struct n_tty *nt)
{
	for (unsigned int i = 0; i < nt->history_count; i++)
		kfree(nt->history[i]);
	nt->history_count = nt->browse = 0;
}
