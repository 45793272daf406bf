/* Host test of the tty core: registry, input queue, output, settings, the minimal discipline,
 * the console tty and switching disciplines. */
/* UNIT_SOURCES: kernel/tty/tty_core.c kernel/tty/tty_ldisc.c kernel/tty/ldisc_minimal.c kernel/tty/console_tty.c kernel/console/textgrid.c */
#include "tty_fakes.h"
#include "tty/tty_core.h"

static char line[TTY_LINE_MAX];

static struct tty_struct screen_tty = { .name = "ttyT", .ops = &screen_tty_ops };

static void test_registry(void)
{
	static struct tty_struct unnamed = { .ops = &screen_tty_ops };
	static struct tty_struct dup = { .name = "ttyT", .ops = &screen_tty_ops };
	static struct tty_struct no_write = { .name = "ttyW" };

	CHECK(console_tty() != NULL);
	CHECK(tty_find("console") == console_tty());
	CHECK_STR(console_tty()->ldisc->name, "minimal");
	CHECK_INT(tty_register(&unnamed), -EINVAL);
	CHECK_INT(tty_register(&no_write), -EINVAL);
	CHECK_INT(tty_register(&screen_tty), 0);
	CHECK_INT(tty_register(&dup), -EEXIST);
	CHECK(tty_find("ttyT") == &screen_tty);
	CHECK(tty_find("ttyX") == NULL);
	CHECK_STR(screen_tty.ldisc->name, "minimal");
	CHECK(console_tty()->next == &screen_tty); /* registration order, console first */
}

static void test_input_queue(void)
{
	static char big[TTY_INPUT_SIZE + 10];
	char out[8];

	CHECK_INT(tty_read_raw(&screen_tty, out, sizeof(out), 0), 0);
	memset(big, 'q', sizeof(big));
	tty_receive_buf(&screen_tty, big, sizeof(big));
	CHECK_UINT(screen_tty.input_dropped, 10);
	CHECK_INT(tty_read_raw(&screen_tty, out, 3, 0), 3);
	CHECK(memcmp(out, "qqq", 3) == 0);
	while (tty_read_raw(&screen_tty, out, sizeof(out), 0) > 0)
		;
	tty_receive_buf(&screen_tty, "xy", 2);
	CHECK_INT(tty_read_raw(&screen_tty, out, sizeof(out), 100), 2);
	screen_tty.input_dropped = 0;
}

static void test_minimal_editing(void)
{
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "abx\bc\x7f\x7f d\r", line, sizeof(line)), 3);
	CHECK_STR(line, "a d");
	/* CR, LF and CRLF are one line end each: no empty line in between. */
	CHECK_INT(type_line(&screen_tty, "one\r\ntwo\nthree\r", line, sizeof(line)), 3);
	CHECK_STR(line, "one");
	CHECK_INT(tty_read_line(&screen_tty, line, sizeof(line)), 3);
	CHECK_STR(line, "two");
	CHECK_INT(tty_read_line(&screen_tty, line, sizeof(line)), 5);
	CHECK_STR(line, "three");
	/* A LF arriving after the reader has taken the CR's line still belongs to it. */
	CHECK_INT(type_line(&screen_tty, "\nnext\r", line, sizeof(line)), 4);
	CHECK_STR(line, "next");
	CHECK_INT(type_line(&screen_tty, "\r", line, sizeof(line)), 0);
	CHECK_STR(line, "");
	CHECK_INT(type_line(&screen_tty, "a\tb\r", line, sizeof(line)), 3);
	CHECK_STR(line, "a b");
}

static void test_minimal_controls(void)
{
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "abc\x03", line, sizeof(line)), -EINTR);
	CHECK_STR(line, "");
	CHECK_STR(screen_line(), ""); /* "^C" ended that row */
	CHECK_INT(type_line(&screen_tty, "junk\x15ok\r", line, sizeof(line)), 2);
	CHECK_STR(line, "ok");
	/* Arrow keys, Home and Delete are swallowed whole, in CSI and SS3 forms. */
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "ab\x1b[Dc\x1bOH\x1b[3~d", line, sizeof(line)), -EAGAIN);
	CHECK_STR(screen_line(), "> abcd");
	CHECK_INT(type_line(&screen_tty, "\r", line, sizeof(line)), 4);
	CHECK_STR(line, "abcd");
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "xyz\b\b", line, sizeof(line)), -EAGAIN);
	CHECK_STR(screen_line(), "> x");
	CHECK_UINT(screen.x, 3);
	CHECK_INT(type_line(&screen_tty, "\r", line, sizeof(line)), 1);
}

/* ISIG: Ctrl-C for a foreground task that is not reading is a signal, not input. */
static void test_interrupt(void)
{
	static struct task_struct *const fg = (struct task_struct *)&screen_tty; /* any address */
	char out[8];

	/* No foreground task: Ctrl-C is an ordinary byte. */
	tty_receive_buf(&screen_tty, "a\x03", 2);
	CHECK_UINT(sigint_sent, 0);
	CHECK_INT(tty_read_raw(&screen_tty, out, sizeof(out), 0), 2);
	/* The task is busy: typed-ahead input before Ctrl-C is dropped, what follows stays. */
	tty_set_foreground(&screen_tty, fg);
	tty_receive_buf(&screen_tty, "ls\r\x03ok", 6);
	CHECK_UINT(sigint_sent, 1);
	CHECK_INT(tty_read_raw(&screen_tty, out, sizeof(out), 0), 2);
	CHECK(memcmp(out, "ok", 2) == 0);
	/* A signal pending when the reader starts abandons the line through the discipline. */
	screen_reset();
	reader_signal_pending = true;
	tty_receive_buf(&screen_tty, "echo x\r", 7);
	CHECK_INT(tty_read_line(&screen_tty, line, sizeof(line)), -EINTR);
	CHECK_STR(line, "");
	CHECK(memcmp(text_grid_row(&screen, 0), "> ^C", 4) == 0);
	reader_signal_pending = false;
	CHECK_INT(tty_read_line(&screen_tty, line, sizeof(line)), 6);
	CHECK_STR(line, "echo x");
	CHECK(!screen_tty.reading_line);
	tty_set_foreground(&screen_tty, NULL);
}

static void test_overflow(void)
{
	static char longline[TTY_LINE_MAX + 100];

	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\r';
	CHECK_INT(type_line(&screen_tty, longline, line, sizeof(line)), -E2BIG);
	CHECK_STR(line, "");
	CHECK_INT(type_line(&screen_tty, "fine\r", line, sizeof(line)), 4);
	/* Exactly TTY_LINE_MAX - 1 characters fit. */
	memset(longline, 'y', TTY_LINE_MAX - 1);
	longline[TTY_LINE_MAX - 1] = '\r';
	longline[TTY_LINE_MAX] = '\0';
	CHECK_INT(type_line(&screen_tty, longline, line, sizeof(line)), TTY_LINE_MAX - 1);
	/* A reader's smaller buffer refuses a longer line. */
	CHECK_INT(type_line(&screen_tty, "12345\r", line, 5), -E2BIG);
	CHECK_INT(type_line(&screen_tty, "1234\r", line, 5), 4);
	/* Ctrl-U forgets an overflow. */
	memset(longline, 'z', TTY_LINE_MAX + 5);
	longline[TTY_LINE_MAX + 5] = '\0';
	tty_receive_buf(&screen_tty, longline, strlen(longline));
	CHECK_INT(type_line(&screen_tty, "\x15short\r", line, sizeof(line)), 5);
}

static int fake_termios_calls, fake_termios_result;
static int fake_set_termios(struct tty_struct *tty, const struct ktermios *t)
{
	fake_termios_calls++;
	return fake_termios_result;
}

static const struct tty_operations serial_ops = {
	.write = screen_write,
	.set_termios = fake_set_termios,
};
static struct tty_struct serial_tty = {
	.name = "ttyS0", .ops = &serial_ops,
	.termios = { .baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1 },
};

static void test_termios(void)
{
	struct ktermios t = { .baud = 9600, .data_bits = 8, .parity = 'n', .stop_bits = 1 };
	struct ktermios bad;

	CHECK_INT(tty_check_termios(&t), 0);
	bad = t, bad.baud = 1234;
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	bad = t, bad.baud = 230400;
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	bad = t, bad.baud = 0;
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	bad = t, bad.baud = 50;
	CHECK_INT(tty_check_termios(&bad), 0);
	bad = t, bad.data_bits = 4;
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	bad = t, bad.data_bits = 5;
	CHECK_INT(tty_check_termios(&bad), 0);
	bad = t, bad.parity = 'x';
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	bad = t, bad.stop_bits = 3;
	CHECK_INT(tty_check_termios(&bad), -EINVAL);
	CHECK_INT(tty_set_termios(&screen_tty, &t), -EOPNOTSUPP);

	CHECK_INT(tty_register(&serial_tty), 0);
	CHECK_INT(tty_set_termios(&serial_tty, &bad), -EINVAL);
	CHECK_INT(fake_termios_calls, 0);
	fake_termios_result = -EIO;
	CHECK_INT(tty_set_termios(&serial_tty, &t), -EIO);
	CHECK_UINT(serial_tty.termios.baud, 115200);
	fake_termios_result = 0;
	CHECK_INT(tty_set_termios(&serial_tty, &t), 0);
	CHECK_UINT(serial_tty.termios.baud, 9600);
}

static void test_console_tty(void)
{
	struct ktermios t = { .baud = 38400, .data_bits = 7, .parity = 'e', .stop_bits = 2 };

	console_out_len = 0;
	CHECK_INT(tty_write(console_tty(), "hi\n", 3), 3);
	CHECK_STR(console_out, "hi\n");
	CHECK_INT(type_line(console_tty(), "ls\r", line, sizeof(line)), 2);
	CHECK_STR(console_out, "hi\nls\n");

	CHECK(console_tty_serial() == NULL);
	CHECK_INT(tty_set_termios(console_tty(), &t), -ENODEV);
	console_tty_set_serial(&serial_tty);
	CHECK(console_tty_serial() == &serial_tty);
	CHECK_INT(tty_set_termios(console_tty(), &t), 0);
	CHECK_UINT(serial_tty.termios.baud, 38400);
	CHECK_INT(serial_tty.termios.parity, 'e');
	CHECK_UINT(console_tty()->termios.baud, 38400);
	/* The serial driver goes away: the console forgets its line. */
	tty_unregister(&serial_tty);
	CHECK(console_tty_serial() == NULL);
	CHECK(tty_find("ttyS0") == NULL);
	tty_receive_buf(&serial_tty, "late", 4); /* an interrupt after unregistering */
	CHECK_UINT(serial_tty.input_dropped, 4);
	tty_unregister(console_tty()); /* refused */
	CHECK(tty_find("console") == console_tty());
}

/* A discipline that turns every letter upper case, to see switches happen. */
static int upper_opens, upper_closes, upper_open_result;
static int upper_open(struct tty_struct *tty)
{
	upper_opens++;
	if (!upper_open_result)
		tty->disc_data = &upper_opens;
	return upper_open_result;
}
static void upper_close(struct tty_struct *tty)
{
	CHECK(tty->disc_data == &upper_opens);
	upper_closes++;
}
static int upper_receive(struct tty_struct *tty, char c)
{
	if (c == '\r')
		return 1;
	tty->line.buf[tty->line.len++] = toupper(c);
	tty->line.cursor = tty->line.len;
	return 0;
}
static struct tty_ldisc_ops upper_ldisc = {
	.name = "upper", .open = upper_open, .close = upper_close, .receive_char = upper_receive,
};

static void test_ldisc_switching(void)
{
	static struct tty_ldisc_ops nameless = { .receive_char = upper_receive };
	static struct tty_ldisc_ops no_receive = { .name = "broken" };
	static struct tty_ldisc_ops dup = { .name = "minimal", .receive_char = upper_receive };

	CHECK_INT(tty_register_ldisc(&nameless), -EINVAL);
	CHECK_INT(tty_register_ldisc(&no_receive), -EINVAL);
	CHECK_INT(tty_register_ldisc(&dup), -EEXIST);
	CHECK_INT(tty_register_ldisc(&upper_ldisc), 0);
	CHECK(tty_find_ldisc("upper") == &upper_ldisc);
	CHECK_INT(tty_set_ldisc(&screen_tty, "nope"), -ENOENT);

	/* The line typed so far survives the switch, and the new discipline continues it. */
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "ab", line, sizeof(line)), -EAGAIN);
	CHECK_INT(tty_set_ldisc(&screen_tty, "upper"), 0);
	CHECK_INT(upper_opens, 1);
	CHECK_INT(type_line(&screen_tty, "cd\r", line, sizeof(line)), 4);
	CHECK_STR(line, "abCD");

	/* Unregistering falls back to minimal, keeping the line, even mid-line. */
	CHECK_INT(type_line(&screen_tty, "xy", line, sizeof(line)), -EAGAIN);
	tty_unregister_ldisc(&upper_ldisc);
	CHECK_INT(upper_closes, 1);
	CHECK(screen_tty.ldisc == &tty_minimal_ldisc);
	CHECK(tty_find_ldisc("upper") == NULL);
	CHECK_INT(type_line(&screen_tty, "z\r", line, sizeof(line)), 3);
	CHECK_STR(line, "XYz");

	/* A failing open leaves the old discipline attached. */
	CHECK_INT(tty_register_ldisc(&upper_ldisc), 0);
	upper_open_result = -ENOMEM;
	CHECK_INT(tty_set_ldisc(&screen_tty, "upper"), -ENOMEM);
	CHECK(screen_tty.ldisc == &tty_minimal_ldisc);
	upper_open_result = 0;
	tty_unregister_ldisc(&upper_ldisc);

	tty_unregister_ldisc(&tty_minimal_ldisc); /* refused */
	CHECK(tty_find_ldisc("minimal") == &tty_minimal_ldisc);
}

/* minimal taking over a line whose cursor is mid-line shows the cursor at its end. */
static void test_minimal_takes_over_mid_line(void)
{
	screen_reset();
	tty_echo(&screen_tty, "hello\b\b", 7); /* what a discipline with a cursor showed */
	memcpy(screen_tty.line.buf, "hello", 5);
	screen_tty.line.len = 5;
	screen_tty.line.cursor = 3;
	CHECK_INT(tty_set_ldisc(&screen_tty, "upper"), -ENOENT);
	CHECK_INT(tty_register_ldisc(&upper_ldisc), 0);
	CHECK_INT(tty_set_ldisc(&screen_tty, "upper"), 0);
	CHECK_INT(tty_set_ldisc(&screen_tty, "minimal"), 0);
	CHECK_UINT(screen_tty.line.cursor, 5);
	CHECK_UINT(screen.x, 7);
	CHECK_INT(type_line(&screen_tty, "!\r", line, sizeof(line)), 6);
	CHECK_STR(line, "hello!");
	tty_unregister_ldisc(&upper_ldisc);
}

static int chunk_write(struct tty_struct *tty, const char *buf, size_t n)
{
	return (int)min_t(size_t, n, 3);
}
static int full_write(struct tty_struct *tty, const char *buf, size_t n)
{
	return 0;
}
static int flushes;
static void count_flush(struct tty_struct *tty)
{
	flushes++;
}

static void test_write(void)
{
	static const struct tty_operations chunk_ops = { .write = chunk_write };
	static const struct tty_operations full_ops = { .write = full_write,
							.flush_output = count_flush };
	struct tty_struct chunky = { .ops = &chunk_ops }, full = { .ops = &full_ops };

	CHECK_INT(tty_write(&chunky, "0123456789", 10), 10);
	CHECK_INT(tty_write(&full, "0123", 4), 0);
	CHECK_INT(flushes, 1);
}

/* What module unloading does for a module that forgot to unregister. */
static void test_release_range(void)
{
	static struct {
		struct tty_struct tty;
		struct tty_ldisc_ops ldisc;
	} module_area = {
		.tty = { .name = "ttyM", .ops = &screen_tty_ops },
		.ldisc = { .name = "forgotten", .receive_char = upper_receive },
	};
	unsigned long start = (unsigned long)&module_area;

	CHECK_INT(tty_register(&module_area.tty), 0);
	CHECK_INT(tty_register_ldisc(&module_area.ldisc), 0);
	CHECK_INT(tty_set_ldisc(console_tty(), "forgotten"), 0);
	CHECK_UINT(tty_release_range(start, start + sizeof(module_area)), 2);
	CHECK(tty_find("ttyM") == NULL);
	CHECK(tty_find_ldisc("forgotten") == NULL);
	CHECK(console_tty()->ldisc == &tty_minimal_ldisc);
	CHECK_UINT(tty_release_range(start, start + sizeof(module_area)), 0);
}

static void fresh_screen(void)
{
	screen_reset();
}

/* ESC [ then Enter or Ctrl-C used to lose the key: an unfinished sequence gives way to every
 * control key, in the minimal discipline too. */
static void test_minimal_escape_gives_way(void)
{
	CHECK_INT(check_escape_gives_way(&screen_tty, fresh_screen), 0);
	screen_reset();
	CHECK_INT(type_line(&screen_tty, "echo x\x1b[\r", line, sizeof(line)), 6);
	CHECK_STR(line, "echo x");
	CHECK_INT(type_line(&screen_tty, "abc\x1b[12\x03", line, sizeof(line)), -EINTR);
	CHECK_INT(type_line(&screen_tty, "ab\x1b[1\x1b[Dc\x1b\x7f\r", line, sizeof(line)), 2);
	CHECK_STR(line, "ab");
}

/* Calls into a driver's or a discipline's module hold a reference for their duration; once
 * rmmod has begun (the module is going), the core makes no new calls into it. */
static struct module fake_mod;
static int pinned_during_call;

static int pinned_receive(struct tty_struct *tty, char c)
{
	pinned_during_call = fake_mod.refcnt;
	return upper_receive(tty, c);
}

static int pinned_write(struct tty_struct *tty, const char *buf, size_t n)
{
	pinned_during_call = fake_mod.refcnt;
	return (int)n;
}

static int pinned_set_termios(struct tty_struct *tty, const struct ktermios *t)
{
	pinned_during_call = fake_mod.refcnt;
	return 0;
}

static void test_module_pinning_ldisc(void)
{
	static struct tty_ldisc_ops owned = { .name = "owned", .owner = &fake_mod,
					      .receive_char = pinned_receive };

	screen_reset();
	CHECK_INT(tty_register_ldisc(&owned), 0);
	CHECK_INT(tty_set_ldisc(&screen_tty, "owned"), 0);
	CHECK_INT(fake_mod.refcnt, 0); /* attaching does not pin: rmmod detaches */
	CHECK_INT(type_line(&screen_tty, "ab\r", line, sizeof(line)), 2);
	CHECK_INT(pinned_during_call, 1);
	CHECK_INT(fake_mod.refcnt, 0);
	CHECK_STR(line, "AB");

	/* rmmod has begun, its exit has not detached the discipline yet: a byte read now goes
	 * to minimal, never into the going module, and the line typed so far is kept. */
	CHECK_INT(type_line(&screen_tty, "cd", line, sizeof(line)), -EAGAIN);
	fake_mod.going = true;
	pinned_during_call = -1;
	CHECK_INT(type_line(&screen_tty, "e\r", line, sizeof(line)), 3);
	CHECK_STR(line, "CDe");
	CHECK_INT(pinned_during_call, -1);
	CHECK(screen_tty.ldisc == &tty_minimal_ldisc);
	CHECK_INT(tty_set_ldisc(&screen_tty, "owned"), -ENODEV);
	CHECK(screen_tty.ldisc == &tty_minimal_ldisc);
	tty_unregister_ldisc(&owned);
	fake_mod.going = false;
	CHECK_INT(fake_mod.refcnt, 0);
}

static void test_module_pinning_driver(void)
{
	static const struct tty_operations ops = { .write = pinned_write,
						   .set_termios = pinned_set_termios };
	struct tty_struct tty = { .name = "ttyP", .ops = &ops, .owner = &fake_mod };
	struct ktermios t = { .baud = 9600, .data_bits = 8, .parity = 'n', .stop_bits = 1 };

	CHECK_INT(tty_write(&tty, "xyz", 3), 3);
	CHECK_INT(pinned_during_call, 1);
	CHECK_INT(tty_set_termios(&tty, &t), 0);
	CHECK_INT(pinned_during_call, 1);
	CHECK_INT(fake_mod.refcnt, 0);
	fake_mod.going = true;
	pinned_during_call = -1;
	CHECK_INT(tty_write(&tty, "xyz", 3), -ENODEV);
	CHECK_INT(tty_set_termios(&tty, &t), -ENODEV);
	CHECK_INT(pinned_during_call, -1);
	fake_mod.going = false;
	CHECK_INT(fake_mod.refcnt, 0);
}

int main(void)
{
	test_registry();
	test_input_queue();
	test_minimal_editing();
	test_minimal_controls();
	test_minimal_escape_gives_way();
	test_interrupt();
	test_overflow();
	test_termios();
	test_console_tty();
	test_ldisc_switching();
	test_minimal_takes_over_mid_line();
	test_write();
	test_release_range();
	test_module_pinning_ldisc();
	test_module_pinning_driver();
	tty_unregister(&screen_tty);
	return unit_summary();
}
