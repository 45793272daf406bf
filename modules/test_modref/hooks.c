/*
 * test_modref's hooks that the kernel calls from task context: a line discipline ("modref":
 * typing '!' runs rmmod of this module from receive_char), a tty driver ("ttyMR": setting its
 * speed runs the rmmod from set_termios) and a console that counts what it is given. The
 * kernel pins the module around each call, so the rmmod is refused and the hook returns into
 * code that is still there.
 */
#include <keel/console.h>
#include <keel/module.h>
#include <keel/tty.h>
#include "test_modref.h"

static int modref_receive_char(struct tty_struct *tty, char c)
{
	struct tty_line *line = &tty->line;

	if (c == '\r' || c == '\n') {
		tty_echo(tty, "\n", 1);
		return 1;
	}
	if (c == '!') {
		modref_rmmod_self("ldisc");
		return 0;
	}
	if (line->len + 1 < TTY_LINE_MAX) {
		line->buf[line->len++] = c;
		line->cursor = line->len;
		tty_echo(tty, &c, 1);
	}
	return 0;
}

static struct tty_ldisc_ops modref_ldisc = {
	.name = "modref",
	.owner = THIS_MODULE,
	.receive_char = modref_receive_char,
};

static int modref_tty_write(struct tty_struct *tty, const char *buf, size_t n)
{
	return (int)n; /* a sink */
}

static int modref_tty_set_termios(struct tty_struct *tty, const struct ktermios *t)
{
	modref_rmmod_self("tty");
	return 0;
}

static const struct tty_operations modref_tty_ops = {
	.write = modref_tty_write,
	.set_termios = modref_tty_set_termios,
};

static struct tty_struct modref_tty = {
	.name = "ttyMR",
	.ops = &modref_tty_ops,
	.owner = THIS_MODULE,
	.termios = { .baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1 },
};

static unsigned long console_bytes;

static void modref_console_write(struct console *con, const char *s, size_t n)
{
	console_bytes += n;
}

static struct console modref_console = {
	.name = "modref",
	.write = modref_console_write,
};

int modref_hooks_init(void)
{
	int err = tty_register_ldisc(&modref_ldisc);

	if (err)
		return err;
	err = tty_register(&modref_tty);
	if (err)
		goto out_unregister_ldisc;
	register_console(&modref_console);
	return 0;

out_unregister_ldisc:
	tty_unregister_ldisc(&modref_ldisc);
	return err;
}

void modref_hooks_exit(void)
{
	unregister_console(&modref_console);
	pr_info("test_modref: its console was given %lu bytes\n", console_bytes);
	tty_unregister(&modref_tty);
	tty_unregister_ldisc(&modref_ldisc);
}
