/* Host test of the n_tty line discipline module, driven byte by byte through the tty core:
 * every editing key, history, overflow, and switching to and from minimal mid-line. What it
 * echoes is replayed on the screen consoles' text grid to check what the user sees. */
/* UNIT_SOURCES: kernel/tty/tty_core.c kernel/tty/tty_ldisc.c kernel/tty/ldisc_minimal.c kernel/tty/console_tty.c kernel/console/textgrid.c modules/n_tty/edit.c modules/n_tty/history.c modules/n_tty/keys.c modules/n_tty/main.c */
#include "tty_fakes.h"
#include "../../modules/n_tty/n_tty.h"

#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"

static char line[TTY_LINE_MAX];
static struct tty_struct tty = { .name = "ttyN", .ops = &screen_tty_ops };

/* Types keys without ending the line; the screen must show the line and the cursor. */
static void keys(const char *s)
{
	CHECK_INT(type_line(&tty, s, line, sizeof(line)), -EAGAIN);
}

/* The screen shows the prompt and exactly the line, the cursor where the line says. */
static int screen_matches(const char *expected_line, size_t cursor)
{
	char expected[SCREEN_COLS + 8];
	size_t n = (size_t)snprintf(expected, sizeof(expected), "> %s", expected_line);

	while (n && expected[n - 1] == ' ')
		expected[--n] = '\0'; /* as screen_line() shows it */
	return host_strcmp(screen_line(), expected) == 0 && screen.x == 2 + cursor &&
	       tty.line.cursor == cursor && tty.line.len == strlen(expected_line) &&
	       memcmp(tty.line.buf, expected_line, tty.line.len) == 0;
}

#define CHECK_SCREEN(text, col)                                                              \
	do {                                                                                 \
		CHECK(screen_matches(text, col));                                            \
		if (!screen_matches(text, col))                                              \
			fprintf(stderr, "    screen \"%s\" cursor col %u, line cursor %zu\n",   \
				screen_line(), screen.x, tty.line.cursor);                   \
	} while (0)

/* Ends the line with Enter; returns what the reader got. */
static const char *enter(void)
{
	int ret = type_line(&tty, "\r", line, sizeof(line));

	screen_reset();
	return ret >= 0 ? line : "(error)";
}

static void test_cursor_movement(void)
{
	screen_reset();
	keys("echo abd" LEFT "c");
	CHECK_SCREEN("echo abcd", 8);
	CHECK_STR(enter(), "echo abcd");

	keys("world" "\x1b[H" "hello ");
	CHECK_SCREEN("hello world", 6);
	keys("\x1b[F!");
	CHECK_SCREEN("hello world!", 12);
	keys(LEFT LEFT RIGHT "_");
	CHECK_SCREEN("hello world_!", 12);
	keys(RIGHT RIGHT RIGHT);
	CHECK_SCREEN("hello world_!", 13);
	CHECK_STR(enter(), "hello world_!");

	/* Every Home and End spelling, and Ctrl-A/E/B/F. */
	const char *homes[] = { "\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01" };
	const char *ends[] = { "\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05" };

	for (unsigned int i = 0; i < ARRAY_SIZE(homes); i++) {
		keys("bc");
		keys(homes[i]);
		keys("a");
		CHECK_SCREEN("abc", 1);
		keys(ends[i]);
		keys("d");
		CHECK_SCREEN("abcd", 4);
		CHECK_STR(enter(), "abcd");
	}
	keys("ac\x02" "b\x06" "d");
	CHECK_SCREEN("abcd", 4);
	CHECK_STR(enter(), "abcd");
	keys("xy\x1bOD" "1\x1bOC" "2"); /* application cursor keys */
	CHECK_STR(enter(), "x1y2");
	/* Moving past either end does nothing. */
	keys("ab" LEFT LEFT LEFT "0" RIGHT RIGHT RIGHT RIGHT "9");
	CHECK_SCREEN("0ab9", 4);
	CHECK_STR(enter(), "0ab9");
}

static void test_deleting(void)
{
	screen_reset();
	keys("abcdef" LEFT LEFT LEFT "\x7f");
	CHECK_SCREEN("abdef", 2);
	keys("\b");
	CHECK_SCREEN("adef", 1);
	keys("\x1b[3~");
	CHECK_SCREEN("aef", 1);
	keys("\x04"); /* Ctrl-D deletes under the cursor */
	CHECK_SCREEN("af", 1);
	keys("\x0b"); /* Ctrl-K: to the end */
	CHECK_SCREEN("a", 1);
	keys("\x1b[3~\x04\x0b"); /* at the end: nothing */
	CHECK_SCREEN("a", 1);
	keys("\x01\x7f\b"); /* at the start: nothing */
	CHECK_SCREEN("a", 0);
	CHECK_STR(enter(), "a");

	/* Ctrl-U kills the whole line, wherever the cursor is. */
	keys("some text" LEFT LEFT LEFT "\x15");
	CHECK_SCREEN("", 0);
	keys("new");
	CHECK_STR(enter(), "new");
	keys("\x04\x04"); /* Ctrl-D on an empty line does nothing */
	CHECK_SCREEN("", 0);
	CHECK_STR(enter(), "");
}

static void test_kill_word(void)
{
	screen_reset();
	keys("echo one two  ");
	keys("\x17");
	CHECK_SCREEN("echo one ", 9);
	keys("\x17");
	CHECK_SCREEN("echo ", 5);
	keys("three");
	CHECK_STR(enter(), "echo three");

	keys("cat /etc/motd now" LEFT LEFT LEFT LEFT "\x17");
	CHECK_SCREEN("cat  now", 4);
	keys("\x17\x17\x17");
	CHECK_SCREEN(" now", 0);
	CHECK_STR(enter(), " now");
}

static void test_ctrl_c(void)
{
	screen_reset();
	keys("abandoned" LEFT LEFT);
	CHECK_INT(type_line(&tty, "\x03", line, sizeof(line)), -EINTR);
	CHECK_STR(line, "");
	CHECK_UINT(tty.line.len, 0);
	CHECK(strstr((const char *)text_grid_row(&screen, screen.y - 1), "> abandoned^C") != NULL);
	keys(UP);
	CHECK(strcmp(tty.line.buf, "abandoned") != 0 || tty.line.len == 0); /* not in history */
	keys("\x15");
	enter();
}

static struct n_tty *state(void)
{
	return tty.disc_data;
}

static void test_history(void)
{
	n_tty_history_free(state());
	screen_reset();
	CHECK_STR(enter(), "");       /* empty lines are not stored */
	keys("   ");
	CHECK_STR(enter(), "   ");    /* nor blank ones */
	keys("first");
	enter();
	keys("second");
	enter();
	keys("second");
	enter();                        /* no consecutive duplicates */
	CHECK_UINT(state()->history_count, 2);

	keys("typing" LEFT);
	keys(UP);
	CHECK_SCREEN("second", 6);
	keys(UP);
	CHECK_SCREEN("first", 5);
	keys(UP); /* the oldest stays */
	CHECK_SCREEN("first", 5);
	keys(DOWN);
	CHECK_SCREEN("second", 6);
	keys(DOWN); /* the line being typed comes back */
	CHECK_SCREEN("typing", 6);
	keys(DOWN);
	CHECK_SCREEN("typing", 6);
	keys("\x10\x10"); /* Ctrl-P twice */
	CHECK_SCREEN("first", 5);
	keys(" again");
	CHECK_STR(enter(), "first again");
	CHECK_UINT(state()->history_count, 3);
	keys(UP);
	CHECK_SCREEN("first again", 11);
	keys("\x15");
	enter();

	/* A full history drops its oldest entries. */
	for (int i = 0; i < N_TTY_HISTORY + 5; i++) {
		char cmd[16];

		snprintf(cmd, sizeof(cmd), "cmd%d", i);
		keys(cmd);
		enter();
	}
	CHECK_UINT(state()->history_count, N_TTY_HISTORY);
	CHECK_STR(state()->history[0], "cmd5");
	for (int i = 0; i < N_TTY_HISTORY + 3; i++)
		keys(UP);
	CHECK_SCREEN("cmd5", 4);
	keys("\x15");
	enter();
}

static void test_redraw_long_moves(void)
{
	/* Longer moves use ESC [ n D: the screen consoles understand it too. */
	screen_reset();
	keys("ls");
	enter();
	keys("0123456789abcdefghij");
	keys("\x01");
	CHECK_SCREEN("0123456789abcdefghij", 0);
	keys("_");
	CHECK_SCREEN("_0123456789abcdefghij", 1);
	keys("\x05" UP); /* a shorter line replaces it: the rest is blanked */
	CHECK_SCREEN("ls", 2);
	keys(DOWN);
	CHECK_SCREEN("_0123456789abcdefghij", 21);
	keys("\x15");
	enter();
}

static void test_overflow(void)
{
	static char longline[TTY_LINE_MAX + 10];

	screen_reset();
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	keys(longline);
	CHECK(tty.line.overflow);
	keys(LEFT "\x7f"); /* ignored: the line is refused anyway */
	CHECK_INT(type_line(&tty, "\r", line, sizeof(line)), -E2BIG);
	CHECK(strcmp(state()->history[state()->history_count - 1], "x") != 0); /* not stored */
	keys(longline);
	keys("\x15ok");
	CHECK(!tty.line.overflow);
	CHECK_STR(enter(), "ok");
}

/* rmmod n_tty mid-line: minimal takes the line over, cursor at its end. */
static void test_detach_keeps_line(void)
{
	screen_reset();
	keys("hello wrld" LEFT LEFT LEFT "o");
	CHECK_SCREEN("hello world", 8);
	tty_unregister_ldisc(&n_tty_ldisc);
	CHECK(tty.ldisc == &tty_minimal_ldisc);
	CHECK_SCREEN("hello world", 11);
	keys(LEFT "!"); /* minimal swallows the arrow */
	CHECK_SCREEN("hello world!", 12);
	CHECK_STR(enter(), "hello world!");

	/* insmod again: n_tty continues a line typed under minimal. */
	keys("abc");
	CHECK_INT(tty_register_ldisc(&n_tty_ldisc), 0);
	CHECK_INT(tty_set_ldisc(&tty, "n_tty"), 0);
	keys(LEFT "x");
	CHECK_SCREEN("abxc", 3);
	CHECK_STR(enter(), "abxc");
}

/* A fresh n_tty (no history, no escape state) on a fresh screen. */
static void reattach(void)
{
	CHECK_INT(tty_set_ldisc(&tty, "minimal"), 0);
	CHECK_INT(tty_set_ldisc(&tty, "n_tty"), 0);
	screen_reset();
}

/* ESC [ then Enter used to be swallowed as the end of the sequence: every control key must
 * cut an unfinished sequence short and act as it would alone. */
static void test_escape_gives_way(void)
{
	CHECK_INT(check_escape_gives_way(&tty, reattach), 0);
	reattach();
	CHECK_STR(enter(), "");
	CHECK_INT(type_line(&tty, "echo x\x1b[\r", line, sizeof(line)), 6);
	CHECK_STR(line, "echo x");
	CHECK_INT(type_line(&tty, "abc\x1bO\x03", line, sizeof(line)), -EINTR);
	/* ESC inside a sequence starts a new one: its arrow key still works. */
	screen_reset();
	keys("bc\x1b[1\x1b[Da");
	CHECK_SCREEN("bac", 2);
	keys("\x1b[" "99999999999999999999" "D" "\x1b[2~x"); /* huge count: one left; Insert */
	CHECK_SCREEN("bxac", 2);
	CHECK_STR(enter(), "bxac");
}

int main(void)
{
	CHECK_INT(tty_register(&tty), 0);
	CHECK_INT(tty_register_ldisc(&n_tty_ldisc), 0);
	CHECK_INT(tty_set_ldisc(&tty, "n_tty"), 0);
	test_cursor_movement();
	test_deleting();
	test_kill_word();
	test_ctrl_c();
	test_history();
	test_redraw_long_moves();
	test_overflow();
	test_detach_keeps_line();
	test_escape_gives_way();
	tty_unregister(&tty);
	tty_unregister_ldisc(&n_tty_ldisc);
	return unit_summary();
}
