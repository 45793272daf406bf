/*
 * Shared by the tty host tests: the kernel services the tty sources call (heap, printk,
 * console_write, waiting for input) and a test tty whose output lands on a text grid (the
 * screen consoles' terminal logic), so a test can check what the user would see.
 */
#ifndef KEEL_TESTS_TTY_FAKES_H
#define KEEL_TESTS_TTY_FAKES_H

#include <stdlib.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/tty.h>
#include "console/textgrid.h"
#include "tty/tty_internal.h"
#include "host_printk.h"
#include "unit.h"

void *kmalloc(size_t size, gfp_t gfp)
{
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return calloc(1, size ? size : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

/* Everything written to the console, as the console tty's output. */
static char console_out[8192];
static size_t console_out_len;

void console_write(const char *s, size_t n)
{
	n = min(n, sizeof(console_out) - 1 - console_out_len);
	memcpy(console_out + console_out_len, s, n);
	console_out_len += n;
	console_out[console_out_len] = '\0';
}

/*
 * Module references: a fake module is "going" once a test says so (rmmod has begun), and
 * counts the references the tty core holds, so a test can check that every call into a
 * driver or discipline is made pinned and that nothing stays pinned afterwards.
 */
struct module {
	bool going;
	int refcnt;
};

bool try_module_get(struct module *mod)
{
	if (mod && mod->going)
		return false;
	if (mod)
		mod->refcnt++;
	return true;
}

void __module_get(struct module *mod)
{
	if (mod)
		mod->refcnt++;
}

void module_put(struct module *mod)
{
	if (mod)
		mod->refcnt--;
}

/* The test has given all its input: the reader gets -EAGAIN with its line kept. */
bool tty_wait_input(struct tty_struct *tty, unsigned int timeout_ms)
{
	return !tty_input_empty(tty);
}

/* Single-threaded: nobody ever sleeps on a tty's wait queue. */
void tty_wakeup_readers(struct tty_struct *tty)
{
	(void)tty;
}

/* Signals: the test sees how many SIGINTs the tty sent and sets the reader's pending one. */
static unsigned int sigint_sent;
static bool reader_signal_pending;

void tty_isig(struct tty_struct *tty)
{
	if (tty->pgrp)
		sigint_sent++;
}

int tty_job_signal(struct tty_struct *tty, char c)
{
	(void)tty;
	(void)c;
	return 0; /* no processes on the host: the console has no foreground group */
}

void tty_job_signal_send(int sig, bool echo)
{
	(void)sig;
	(void)echo;
}

bool tty_reader_interrupted(void)
{
	return reader_signal_pending;
}

void init_waitqueue_head(wait_queue_head_t *wq_head)
{
	INIT_LIST_HEAD(&wq_head->head);
}

#define SCREEN_COLS 100
#define SCREEN_ROWS 4

static struct text_grid screen;
static u8 screen_cells[SCREEN_COLS * SCREEN_ROWS], screen_dirty[SCREEN_ROWS];
static size_t screen_bytes; /* bytes written since screen_reset */

static int screen_write(struct tty_struct *tty, const char *buf, size_t n)
{
	text_grid_write(&screen, buf, n);
	screen_bytes += n;
	return (int)n;
}

static const struct tty_operations screen_tty_ops = { .write = screen_write };

static void screen_reset(void)
{
	text_grid_init(&screen, screen_cells, screen_dirty, SCREEN_COLS, SCREEN_ROWS);
	text_grid_write(&screen, "> ", 2); /* a prompt: editing must never touch it */
	screen_bytes = 0;
}

/* The cursor's row with its trailing blanks removed. */
static const char *screen_line(void)
{
	static char text[SCREEN_COLS + 1];
	size_t n = SCREEN_COLS;

	memcpy(text, text_grid_row(&screen, screen.y), SCREEN_COLS);
	while (n && text[n - 1] == ' ')
		n--;
	text[n] = '\0';
	return text;
}

/* Queues s as the test tty's input and reads one line from it. */
static int type_line(struct tty_struct *tty, const char *s, char *buf, size_t size)
{
	tty_receive_buf(tty, s, strlen(s));
	return tty_read_line(tty, buf, size);
}

/*
 * Feeds n bytes (NULs included) to tty and reads every line they complete; out gets each
 * read's result as "<ret>:<line>|", ending with the -EAGAIN of the unfinished line.
 */
static void type_all(struct tty_struct *tty, const char *s, size_t n, char *out, size_t size)
{
	char buf[TTY_LINE_MAX];
	size_t used = 0;
	int ret;

	out[0] = '\0';
	tty_receive_buf(tty, s, n);
	do {
		ret = tty_read_line(tty, buf, sizeof(buf));
		used += (size_t)host_snprintf(out + used, size - used, "%d:%s|", ret,
					      ret >= 0 ? buf : "");
	} while (ret != -EAGAIN && used < size);
}

/* Unfinished escape sequences, each of which a control key typed next must cut short. */
static const char *const escape_prefixes[] = {
	"\x1b", "\x1b\x1b", "\x1b[", "\x1b[1", "\x1b[12;", "\x1b[?", "\x1b[1 ", "\x1bO",
	"\x1b[" "1234567890123456789012345678901234567890", /* overlong: the number overflows */
};

/*
 * Checks that typing escape_prefixes[i] before a control key changes nothing: "ab", the
 * prefix, the key, then "z\r" gives the same lines as without the prefix, for every C0
 * control (NUL, Enter, Ctrl-C, backspace, ESC...) and DEL. reset() puts the discipline back
 * in a known state (history) before each try. Returns the number of mismatches.
 */
static int check_escape_gives_way(struct tty_struct *tty, void (*reset)(void))
{
	char input[128], plain[512], prefixed[512];
	int bad = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(escape_prefixes); i++) {
		for (int key = 0; key <= 0x20; key++) {
			const char *prefix = escape_prefixes[i];
			char c = key == 0x20 ? 0x7f : (char)key;
			size_t n;

			reset();
			n = (size_t)host_snprintf(input, sizeof(input), "ab%cz\r", 'X');
			input[2] = c;
			type_all(tty, input, n, plain, sizeof(plain));
			reset();
			n = (size_t)host_snprintf(input, sizeof(input), "ab%sXz\r", prefix);
			input[n - 3] = c;
			type_all(tty, input, n, prefixed, sizeof(prefixed));
			if (host_strcmp(plain, prefixed) != 0) {
				fprintf(stderr, "    ESC prefix #%u then key 0x%02x: \"%s\" not \"%s\"\n",
					i, (unsigned char)c, prefixed, plain);
				bad++;
			}
		}
	}
	return bad;
}

/* /dev nodes for ttys (kernel/tty/tty_dev.c): no devtmpfs on the host. */
struct tty_struct;
void tty_devnode_add(struct tty_struct *tty) {}
void tty_devnode_remove(struct tty_struct *tty) {}

#endif
