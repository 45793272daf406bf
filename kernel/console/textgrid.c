/*
 * The character-grid terminal behind the VGA text and framebuffer consoles: cursor movement,
 * \n \r \b \t, line wrap, scrolling, and the CSI sequences a shell needs (clear screen, cursor
 * position and movement, erase line; colour changes are accepted and ignored), and the
 * scrollback the backends show on Shift+PgUp.
 */
#include <keel/minmax.h>
#include <keel/string.h>
#include "console/textgrid.h"

#define TAB_WIDTH 8

enum { ESC_NONE, ESC_SEEN, ESC_CSI };

void text_grid_init(struct text_grid *g, u8 *cells, u8 *dirty, unsigned int cols,
		    unsigned int rows)
{
	memset(g, 0, sizeof(*g));
	g->cells = cells;
	g->dirty = dirty;
	g->cols = cols;
	g->rows = rows;
	text_grid_clear(g);
}

void text_grid_clear(struct text_grid *g)
{
	memset(g->cells, ' ', (size_t)g->cols * g->rows);
	memset(g->dirty, 1, g->rows);
	g->x = 0;
	g->y = 0;
}

void text_grid_drawn(struct text_grid *g)
{
	memset(g->dirty, 0, g->rows);
	g->scrolled = 0;
}

void text_grid_set_history(struct text_grid *g, u8 *hist, unsigned int rows)
{
	g->hist = hist;
	g->hist_rows = rows;
	g->hist_len = g->hist_next = g->view = 0;
}

static void history_push(struct text_grid *g, const u8 *row)
{
	if (!g->hist_rows)
		return;
	memcpy(g->hist + (size_t)g->hist_next * g->cols, row, g->cols);
	g->hist_next = (g->hist_next + 1) % g->hist_rows;
	if (g->hist_len < g->hist_rows)
		g->hist_len++;
}

static void mark_all_dirty(struct text_grid *g)
{
	memset(g->dirty, 1, g->rows);
}

bool text_grid_scroll_view(struct text_grid *g, int lines)
{
	long view = (long)g->view + lines;

	view = clamp_t(long, view, 0, (long)g->hist_len);
	if ((unsigned int)view == g->view)
		return false;
	g->view = (unsigned int)view;
	mark_all_dirty(g);
	return true;
}

const u8 *text_grid_view_row(const struct text_grid *g, unsigned int row)
{
	unsigned int back;

	if (row >= g->view)
		return text_grid_row(g, row - g->view);
	back = g->view - row; /* 1: the line scrolled off last */
	return g->hist + (size_t)((g->hist_next + g->hist_rows - back) % g->hist_rows) * g->cols;
}

static void scroll_up_one(struct text_grid *g)
{
	size_t keep = (size_t)(g->rows - 1) * g->cols;

	history_push(g, g->cells);
	memmove(g->cells, g->cells + g->cols, keep);
	memset(g->cells + keep, ' ', g->cols);
	/* Dirty flags travel with their rows: an already drawn row stays drawn, one line up. */
	memmove(g->dirty, g->dirty + 1, g->rows - 1);
	g->dirty[g->rows - 1] = 1;
	if (g->scrolled < g->rows)
		g->scrolled++;
}

static void newline(struct text_grid *g)
{
	g->x = 0;
	if (g->y + 1 < g->rows)
		g->y++;
	else
		scroll_up_one(g);
}

static void put_printable(struct text_grid *g, u8 c)
{
	if (g->x >= g->cols)
		newline(g);
	text_grid_row(g, g->y)[g->x++] = c;
	g->dirty[g->y] = 1;
}

static void erase_in_row(struct text_grid *g, unsigned int row, unsigned int from,
			 unsigned int to)
{
	memset(text_grid_row(g, row) + from, ' ', to - from);
	g->dirty[row] = 1;
}

static unsigned int csi_param(const struct text_grid *g, unsigned int i, unsigned int dflt)
{
	return i < g->esc_nparams && g->esc_params[i] ? g->esc_params[i] : dflt;
}

static void csi_erase_display(struct text_grid *g)
{
	unsigned int mode = csi_param(g, 0, 0);

	if (mode == 2 || mode == 3) {
		memset(g->cells, ' ', (size_t)g->cols * g->rows);
		mark_all_dirty(g);
		if (mode == 3) /* "erase saved lines", as xterm and Linux's console do */
			g->hist_len = g->view = 0;
		return;
	}
	/* 0: cursor to end of screen */
	erase_in_row(g, g->y, text_grid_cursor_col(g), g->cols);
	for (unsigned int row = g->y + 1; row < g->rows; row++)
		erase_in_row(g, row, 0, g->cols);
}

static void csi_move_cursor(struct text_grid *g, char direction)
{
	unsigned int n = csi_param(g, 0, 1), col = text_grid_cursor_col(g);

	switch (direction) {
	case 'A':
		g->y -= min(n, g->y);
		break;
	case 'B':
		g->y = min(g->y + n, g->rows - 1);
		break;
	case 'C':
		g->x = min(col + n, g->cols - 1);
		break;
	case 'D':
		g->x = col - min(n, col);
		break;
	}
}

static void csi_dispatch(struct text_grid *g, char final)
{
	switch (final) {
	case 'A':
	case 'B':
	case 'C':
	case 'D':
		csi_move_cursor(g, final);
		break;
	case 'H':
	case 'f':
		g->y = min(csi_param(g, 0, 1), g->rows) - 1;
		g->x = min(csi_param(g, 1, 1), g->cols) - 1;
		break;
	case 'J':
		csi_erase_display(g);
		break;
	case 'K':
		if (csi_param(g, 0, 0) == 0)
			erase_in_row(g, g->y, text_grid_cursor_col(g), g->cols);
		else
			erase_in_row(g, g->y, 0, g->cols);
		break;
	default: /* 'm' (colours) and anything else: swallowed so no garbage appears */
		break;
	}
}

/* Feeds one byte of an escape sequence; returns once the sequence is complete or abandoned. */
static void escape_byte(struct text_grid *g, char c)
{
	if (g->esc_state == ESC_SEEN) {
		g->esc_state = c == '[' ? ESC_CSI : ESC_NONE;
		g->esc_nparams = 0;
		memset(g->esc_params, 0, sizeof(g->esc_params));
		return;
	}
	if (isdigit(c)) {
		unsigned int i = g->esc_nparams ? g->esc_nparams - 1 : 0;

		g->esc_nparams = i + 1;
		if (i < TEXT_GRID_MAX_PARAMS && g->esc_params[i] < 10000)
			g->esc_params[i] = g->esc_params[i] * 10 + (c - '0');
	} else if (c == ';') {
		if (g->esc_nparams == 0)
			g->esc_nparams = 1;
		if (g->esc_nparams < TEXT_GRID_MAX_PARAMS)
			g->esc_nparams++;
	} else if (c >= 0x40 && c <= 0x7e) {
		g->esc_nparams = min_t(unsigned int, g->esc_nparams, TEXT_GRID_MAX_PARAMS);
		csi_dispatch(g, c);
		g->esc_state = ESC_NONE;
	} /* intermediate bytes such as '?' are ignored */
}

static void put_byte(struct text_grid *g, char c)
{
	switch (c) {
	case '\n':
		newline(g);
		break;
	case '\r':
		g->x = 0;
		break;
	case '\b':
		if (g->x > 0)
			g->x--;
		break;
	case '\t':
		g->x = min(ALIGN_DOWN(g->x, TAB_WIDTH) + TAB_WIDTH, g->cols);
		break;
	case '\033':
		g->esc_state = ESC_SEEN;
		break;
	default:
		if ((u8)c >= 0x20 && (u8)c != 0x7f)
			put_printable(g, (u8)c);
		break;
	}
}

void text_grid_write(struct text_grid *g, const char *s, size_t n)
{
	if (n && g->view) /* output brings the live screen back, as on Linux's console */
		text_grid_scroll_view(g, -(int)g->view);
	for (size_t i = 0; i < n; i++) {
		if (g->esc_state != ESC_NONE)
			escape_byte(g, s[i]);
		else
			put_byte(g, s[i]);
	}
}
