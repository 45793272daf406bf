/*
 * The console tty: output goes to every registered console (console_write), input is whatever
 * console_input_push() delivers. Settings go to the serial line linked by the driver that owns
 * COM1, if any: the console itself has no speed.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/string.h>
#include "tty/tty_internal.h"

static struct tty_struct *console_serial;
static char console_input_ring[TTY_INPUT_SIZE];

static int console_tty_write(struct tty_struct *tty, const char *buf, size_t n)
{
	console_write(buf, n);
	return (int)n;
}

static int console_tty_set_termios(struct tty_struct *tty, const struct ktermios *new)
{
	if (!console_serial)
		return -ENODEV;
	return tty_set_termios(console_serial, new);
}

static const struct tty_operations console_tty_ops = {
	.write = console_tty_write,
	.set_termios = console_tty_set_termios,
};

struct tty_struct console_tty_dev = {
	.name = "console",
	.ops = &console_tty_ops,
	.ldisc = &tty_minimal_ldisc,
	.input = console_input_ring,
	.lock = __SPIN_LOCK_UNLOCKED(console_tty_dev.lock),
	.read_wait = __WAIT_QUEUE_HEAD_INITIALIZER(console_tty_dev.read_wait),
};

struct tty_struct *console_tty(void)
{
	return &console_tty_dev;
}
EXPORT_SYMBOL(console_tty);

void console_tty_set_serial(struct tty_struct *tty)
{
	if (tty == &console_tty_dev)
		return;
	console_serial = tty;
	if (tty)
		console_tty_dev.termios = tty->termios;
	else
		memset(&console_tty_dev.termios, 0, sizeof(console_tty_dev.termios));
}
EXPORT_SYMBOL(console_tty_set_serial);

struct tty_struct *console_tty_serial(void)
{
	return console_serial;
}
EXPORT_SYMBOL(console_tty_serial);
