/*
 * Shell commands for ttys: `stty` shows or changes a tty's line discipline and line settings
 * (the console tty's by default), `ttys` lists the registered ttys.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "shell/shell_internal.h"
#include "tty/tty_core.h"
#include "tty/tty_internal.h"

/* What one stty command line asks for, parsed completely before anything changes. */
struct stty_request {
	struct tty_struct *tty;
	const char *ldisc;
	bool change_termios;
	unsigned int baud;    /* 0: unchanged */
	unsigned int data_bits; /* 0: unchanged */
	int parenb, parodd, cstopb; /* -1: unchanged, else 0/1 */
};

static const struct shell_command stty_command;

/* The tty whose termios stands for tty's line: the console's is its linked serial line. */
static struct tty_struct *stty_line_of(struct tty_struct *tty)
{
	return tty == console_tty() ? console_tty_serial() : tty;
}

static void print_ldisc_name(struct tty_ldisc_ops *ops, void *arg)
{
	console_printf(" %s", ops->name);
}

static void stty_show_termios(const struct ktermios *t)
{
	console_printf("speed %u baud; cs%u %sparenb %sparodd %scstopb\n", t->baud, t->data_bits,
		       t->parity == 'n' ? "-" : "", t->parity == 'o' ? "" : "-",
		       t->stop_bits == 2 ? "" : "-");
}

static void stty_show(struct tty_struct *tty)
{
	struct tty_struct *line = stty_line_of(tty);

	console_printf("%s: line discipline %s\n", tty->name, tty->ldisc->name);
	if (tty == console_tty())
		console_printf("serial line: %s\n",
			       line ? line->name : "none (no serial driver owns the console line)");
	if (line && line->termios.baud)
		stty_show_termios(&line->termios);
	else if (tty != console_tty())
		console_puts("no line settings (not a serial line)\n");
	console_puts("line disciplines:");
	tty_for_each_ldisc(print_ldisc_name, NULL);
	console_puts("\n");
}

static int stty_error(const char *what, const char *message)
{
	console_printf("stty: %s%s\n", what, message);
	return SHELL_FAILED;
}

/* "stty: <problem> "<word>"<hint>": names the word of the command line that is wrong. */
static int stty_bad_word(const char *problem, const char *word, const char *hint)
{
	console_printf("stty: %s \"%s\"%s\n", problem, word, hint);
	return SHELL_FAILED;
}

/* A speed, "csN" or a [-]flag word; 0, or SHELL_FAILED after saying what is wrong. */
static int stty_parse_setting(struct stty_request *req, const char *word)
{
	bool off = word[0] == '-';
	const char *flag = word + off;

	req->change_termios = true;
	if (isdigit(word[0]))
		return kstrtouint(word, 10, &req->baud) ? stty_bad_word("invalid speed", word, "") : 0;
	if (!off && strlen(word) == 3 && strncmp(word, "cs", 2) == 0 && word[2] >= '5' &&
	    word[2] <= '8') {
		req->data_bits = (unsigned int)(word[2] - '0');
		return 0;
	}
	if (strcmp(flag, "parenb") == 0)
		req->parenb = !off;
	else if (strcmp(flag, "parodd") == 0)
		req->parodd = !off;
	else if (strcmp(flag, "cstopb") == 0)
		req->cstopb = !off;
	else
		return stty_bad_word("unknown setting", word, "");
	return 0;
}

static int stty_parse(struct stty_request *req, int argc, char **argv)
{
	int i = 1;

	req->tty = console_tty();
	req->parenb = req->parodd = req->cstopb = -1;
	if (i < argc && strcmp(argv[i], "-F") == 0) {
		if (i + 1 >= argc)
			return shell_usage(&stty_command);
		req->tty = tty_find(argv[i + 1]);
		if (!req->tty)
			return stty_bad_word("no tty", argv[i + 1], " (see ttys)");
		i += 2;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "ldisc") == 0) {
			if (++i >= argc)
				return shell_usage(&stty_command);
			if (!tty_find_ldisc(argv[i]))
				return stty_bad_word("no line discipline", argv[i], "");
			req->ldisc = argv[i];
		} else if (stty_parse_setting(req, argv[i])) {
			return SHELL_FAILED;
		}
	}
	return 0;
}

/* The line's current settings with the request's changes applied. */
static struct ktermios stty_new_termios(const struct stty_request *req, const struct ktermios *old)
{
	struct ktermios t = *old;
	bool parenb = req->parenb >= 0 ? req->parenb : old->parity != 'n';
	bool parodd = req->parodd >= 0 ? req->parodd : old->parity == 'o';

	if (req->baud)
		t.baud = req->baud;
	if (req->data_bits)
		t.data_bits = (u8)req->data_bits;
	if (req->cstopb >= 0)
		t.stop_bits = req->cstopb ? 2 : 1;
	t.parity = !parenb ? 'n' : parodd ? 'o' : 'e';
	return t;
}

static int stty_apply_termios(const struct stty_request *req)
{
	struct tty_struct *line = stty_line_of(req->tty);
	struct ktermios t;
	int err;

	if (!line)
		return stty_error(req->tty->name,
				  ": no serial driver owns the console line (load serial.ko)");
	if (!line->termios.baud || !line->ops->set_termios)
		return stty_error(line->name, ": not a serial line, it has no settings");
	t = stty_new_termios(req, &line->termios);
	if (tty_check_termios(&t)) {
		console_printf("stty: %s: unsupported settings: %u baud (50-115200, dividing 115200), "
			       "cs%u (5-8)\n", line->name, t.baud, t.data_bits);
		return SHELL_FAILED;
	}
	err = tty_set_termios(req->tty, &t);
	if (err)
		shell_print_error("stty", line->name, shell_strerror(err));
	return err ? SHELL_FAILED : 0;
}

static int cmd_stty(int argc, char **argv)
{
	struct stty_request req = { 0 };
	int err;

	if (stty_parse(&req, argc, argv))
		return SHELL_FAILED;
	if (!req.ldisc && !req.change_termios) {
		stty_show(req.tty);
		return 0;
	}
	if (req.change_termios && stty_apply_termios(&req))
		return SHELL_FAILED;
	if (req.ldisc) {
		err = tty_set_ldisc(req.tty, req.ldisc);
		if (err) {
			console_printf("stty: %s: cannot attach %s: %s\n", req.tty->name, req.ldisc,
				       shell_strerror(err));
			return SHELL_FAILED;
		}
	}
	return 0;
}

static void ttys_print(struct tty_struct *tty, void *arg)
{
	struct tty_struct *line = stty_line_of(tty);
	char speed[16] = "-";

	if (line && line->termios.baud)
		snprintf(speed, sizeof(speed), "%u", line->termios.baud);
	console_printf("%-12s %-10s %-8s %lu\n", tty->name, tty->ldisc->name, speed,
		       tty->input_dropped);
}

static int cmd_ttys(int argc, char **argv)
{
	console_printf("%-12s %-10s %-8s %s\n", "NAME", "LDISC", "SPEED", "DROPPED");
	tty_for_each(ttys_print, NULL);
	return 0;
}

static const struct shell_command stty_command = {
	.name = "stty",
	.usage = "stty [-F tty] [ldisc NAME]\n"
		 "stty [-F tty] [speed] [cs5-8] [-]parenb [-]parodd [-]cstopb",
	.help = "show or set a tty's line discipline and serial settings (default: console)",
	.run = cmd_stty,
	.flags = SHELL_CMD_RAW_ARGS, /* -parenb is a setting, not an option: stty checks */
};

static const struct shell_command ttys_command = {
	.name = "ttys",
	.usage = "ttys",
	.help = "list the ttys: line discipline, speed, input bytes dropped",
	.run = cmd_ttys,
};

void tty_init(void)
{
	shell_register_command(&stty_command);
	shell_register_command(&ttys_command);
}
