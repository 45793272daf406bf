/* Host unit test of the screen consoles' character grid: control characters, wrap, scroll, CSI,
 * scrollback. */
/* UNIT_SOURCES: kernel/console/textgrid.c libk/string.c */
#include <stdio.h>
#include <string.h>
#include "console/textgrid.h"
#include "unit.h"

#define COLS 10
#define ROWS 4

#define HIST 5

static struct text_grid grid;
static u8 cells[COLS * ROWS], dirty[ROWS], history[COLS * HIST];

static void reset(void)
{
	text_grid_init(&grid, cells, dirty, COLS, ROWS);
	text_grid_drawn(&grid);
}

static void put(const char *s)
{
	text_grid_write(&grid, s, strlen(s));
}

/* True when row `row` reads `text` followed by spaces. */
static int row_is(unsigned int row, const char *text)
{
	char buf[COLS + 1];
	size_t n = strlen(text);

	memcpy(buf, text_grid_row(&grid, row), COLS);
	buf[COLS] = 0;
	for (size_t i = n; i < COLS; i++)
		if (buf[i] != ' ')
			return 0;
	return memcmp(buf, text, n) == 0;
}

static void test_plain_text_and_dirty_rows(void)
{
	reset();
	put("ab\ncd");
	CHECK(row_is(0, "ab") && row_is(1, "cd"));
	CHECK(grid.x == 2 && grid.y == 1);
	CHECK(dirty[0] && dirty[1] && !dirty[2] && !dirty[3]);
	CHECK(grid.scrolled == 0);
}

static void test_control_characters(void)
{
	reset();
	put("abcX\bd");
	CHECK(row_is(0, "abcd"));
	put("\rZ");
	CHECK(row_is(0, "Zbcd"));
	put("\tT");
	CHECK(grid.x == 9 && text_grid_row(&grid, 0)[8] == 'T');
	put("\b\b\b");
	CHECK(grid.x == 6);
	put("\x01\x7f");
	CHECK(grid.x == 6);
}

static void test_wrap_is_deferred(void)
{
	reset();
	put("0123456789");
	CHECK(grid.x == COLS && grid.y == 0 && text_grid_cursor_col(&grid) == COLS - 1);
	put("\n");
	CHECK(grid.y == 1 && grid.x == 0); /* a full line then \n: no blank line */
	put("0123456789A");
	CHECK(grid.y == 2 && row_is(2, "A"));
}

static void test_scroll_moves_rows_and_flags(void)
{
	reset();
	put("r0\nr1\nr2\nr3");
	text_grid_drawn(&grid);
	put("\nr4\nr5");
	CHECK(row_is(0, "r2") && row_is(1, "r3") && row_is(2, "r4") && row_is(3, "r5"));
	CHECK(grid.scrolled == 2);
	CHECK(!dirty[0] && !dirty[1] && dirty[2] && dirty[3]);
	for (int i = 0; i < 20; i++)
		put("\n");
	CHECK(grid.scrolled == ROWS); /* capped: everything must be redrawn anyway */
	CHECK(dirty[0] && dirty[1] && dirty[2] && dirty[3]);
}

static void test_csi_sequences(void)
{
	reset();
	put("hello\nworld");
	put("\033[1;2H");
	CHECK(grid.y == 0 && grid.x == 1);
	put("\033[K");
	CHECK(row_is(0, "h") && row_is(1, "world"));
	put("\033[2B\033[3C");
	CHECK(grid.y == 2 && grid.x == 4);
	put("\033[9A\033[99D");
	CHECK(grid.y == 0 && grid.x == 0);
	put("\033[31mX\033[0m");
	CHECK(row_is(0, "X"));
	put("\033[2J");
	CHECK(row_is(0, "") && row_is(1, ""));
	put("\033[99;99H");
	CHECK(grid.y == ROWS - 1 && grid.x == COLS - 1);
	put("\033[;5H");
	CHECK(grid.y == 0 && grid.x == 4);
}

static void test_bytes_above_ascii_are_kept(void)
{
	reset();
	put("caf\xe9");
	CHECK(text_grid_row(&grid, 0)[3] == 0xe9);
}

/* True when the screen's row `row`, as shown (view applied), reads `text` then spaces. */
static int view_is(unsigned int row, const char *text)
{
	const u8 *cells_shown = text_grid_view_row(&grid, row);
	size_t n = strlen(text);

	for (size_t i = n; i < COLS; i++)
		if (cells_shown[i] != ' ')
			return 0;
	return memcmp(cells_shown, text, n) == 0;
}

static void test_scrollback(void)
{
	char line[8];

	reset();
	CHECK(!text_grid_scroll_view(&grid, 2)); /* no history yet: nowhere to go */
	text_grid_set_history(&grid, history, HIST);
	for (int i = 0; i < 10; i++) { /* lines 0-9: 0-5 scroll off, 1-5 are kept */
		snprintf(line, sizeof(line), "%sl%d", i ? "\n" : "", i);
		put(line);
	}
	CHECK(grid.hist_len == HIST);
	CHECK(view_is(0, "l6") && view_is(3, "l9"));
	text_grid_drawn(&grid);
	CHECK(text_grid_scroll_view(&grid, 2));
	CHECK(view_is(0, "l4") && view_is(1, "l5") && view_is(2, "l6") && view_is(3, "l7"));
	CHECK(dirty[0] && dirty[3]);
	CHECK(text_grid_scroll_view(&grid, 100)); /* clamped to the oldest line kept */
	CHECK(grid.view == HIST && view_is(0, "l1") && view_is(3, "l4"));
	CHECK(!text_grid_scroll_view(&grid, 1));
	CHECK(text_grid_scroll_view(&grid, -1) && view_is(0, "l2"));
	put("!"); /* output returns to the live screen */
	CHECK(grid.view == 0 && view_is(3, "l9!"));
	CHECK(!text_grid_scroll_view(&grid, -1));
	put("\x1b[3J"); /* erase saved lines */
	CHECK(grid.hist_len == 0 && !text_grid_scroll_view(&grid, 1));
}

int main(void)
{
	test_plain_text_and_dirty_rows();
	test_control_characters();
	test_wrap_is_deferred();
	test_scroll_moves_rows_and_flags();
	test_csi_sequences();
	test_bytes_above_ascii_are_kept();
	test_scrollback();
	return unit_summary();
}
