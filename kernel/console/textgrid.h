/*
 * The terminal logic shared by the screen consoles: a grid of characters in RAM with a cursor,
 * control characters, a few ANSI (CSI) sequences, and per-row dirty flags that tell the
 * backend what to repaint. Backends batch their drawing: several scrolls within one write
 * become one framebuffer move.
 */
#ifndef KEEL_CONSOLE_TEXTGRID_H
#define KEEL_CONSOLE_TEXTGRID_H

#include <keel/types.h>

#define TEXT_GRID_MAX_PARAMS 4

struct text_grid {
	u8 *cells;                /* rows * cols characters, row-major */
	u8 *dirty;                /* one flag per row: changed since the backend last drew it */
	unsigned int cols, rows;
	unsigned int x, y;        /* cursor; x == cols means "wrap before the next character" */
	unsigned int scrolled;    /* lines scrolled since the last text_grid_drawn() */
	/* Scrollback: lines scrolled off the top, a ring of hist_rows rows of cols cells. */
	u8 *hist;
	unsigned int hist_rows;   /* capacity in lines; 0: no scrollback */
	unsigned int hist_len;    /* lines kept */
	unsigned int hist_next;   /* ring index the next line goes to */
	unsigned int view;        /* lines scrolled back (0: the live screen) */
	u8 esc_state;             /* where we are inside an escape sequence */
	unsigned int esc_params[TEXT_GRID_MAX_PARAMS];
	unsigned int esc_nparams;
};

void text_grid_init(struct text_grid *g, u8 *cells, u8 *dirty, unsigned int cols,
		    unsigned int rows);
void text_grid_write(struct text_grid *g, const char *s, size_t n);
void text_grid_clear(struct text_grid *g);
/* The backend has drawn every dirty row: reset the flags and the scroll count. */
void text_grid_drawn(struct text_grid *g);
/* Gives the grid a scrollback buffer of rows lines (rows * cols bytes at hist). */
void text_grid_set_history(struct text_grid *g, u8 *hist, unsigned int rows);
/*
 * Moves the view lines back (negative: towards the live screen), clamped to what the history
 * holds; every row is marked dirty when it moved. Output moves it back to the live screen.
 * Returns whether the view changed.
 */
bool text_grid_scroll_view(struct text_grid *g, int lines);
/* The cells to show in screen row `row`: the live row, or a history line when scrolled back. */
const u8 *text_grid_view_row(const struct text_grid *g, unsigned int row);

static inline void text_grid_mark_dirty(struct text_grid *g, unsigned int row)
{
	if (row < g->rows)
		g->dirty[row] = 1;
}

/* The column the cursor is shown in (a pending wrap shows on the last column). */
static inline unsigned int text_grid_cursor_col(const struct text_grid *g)
{
	return g->x < g->cols ? g->x : g->cols - 1;
}

static inline u8 *text_grid_row(const struct text_grid *g, unsigned int row)
{
	return g->cells + (size_t)row * g->cols;
}

#endif
