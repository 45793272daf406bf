/*
 * The tty core: the registry of ttys, each tty's raw input queue (filled by its driver from any
 * context), output and settings through the driver, and reading lines through the discipline
 * in the reader's context.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "tty/tty_core.h"
#include "tty/tty_dev.h"
#include "tty/tty_internal.h"

/* The console tty exists from the first instruction, so input can never arrive too early. */
struct tty_struct *tty_list = &console_tty_dev;
/* Changes to tty_list. Walkers in task context (tty_for_each) need no lock: only task context
 * registers and unregisters, and the links of a tty being removed stay valid meanwhile. */
DEFINE_SPINLOCK(tty_list_lock);

struct tty_struct *tty_find(const char *name)
{
	struct tty_struct *tty;
	unsigned long flags;

	tty_spin_lock(&tty_list_lock, flags);
	for (tty = tty_list; tty; tty = tty->next)
		if (strcmp(tty->name, name) == 0)
			break;
	tty_spin_unlock(&tty_list_lock, flags);
	return tty;
}
EXPORT_SYMBOL(tty_find);

void tty_for_each(void (*fn)(struct tty_struct *tty, void *arg), void *arg)
{
	for (struct tty_struct *tty = tty_list; tty; tty = tty->next)
		fn(tty, arg);
}
EXPORT_SYMBOL(tty_for_each);

static int tty_check_new(const struct tty_struct *tty)
{
	size_t len = strnlen(tty->name, TTY_NAME_MAX);

	if (len == 0 || len == TTY_NAME_MAX || !tty->ops || !tty->ops->write) {
		pr_err("tty: refusing a tty without a name or a write operation\n");
		return -EINVAL;
	}
	if (tty_find(tty->name)) {
		pr_err("tty: %s is already registered\n", tty->name);
		return -EEXIST;
	}
	return 0;
}

static void tty_list_append(struct tty_struct *tty)
{
	struct tty_struct **pp = &tty_list;
	unsigned long flags;

	tty_spin_lock(&tty_list_lock, flags);
	while (*pp)
		pp = &(*pp)->next;
	tty->next = NULL;
	*pp = tty;
	tty_spin_unlock(&tty_list_lock, flags);
}

int tty_register(struct tty_struct *tty)
{
	int err = tty_check_new(tty);

	if (err)
		return err;
	tty->input = kmalloc(TTY_INPUT_SIZE, GFP_KERNEL);
	if (!tty->input)
		return -ENOMEM;
	tty_spin_lock_init(&tty->lock);
	init_waitqueue_head(&tty->read_wait);
	tty->input_head = tty->input_tail = 0;
	tty->input_dropped = 0;
	tty->input_last_cr = false;
	tty->pgrp = NULL;
	tty->reading_line = false;
	memset(&tty->line, 0, sizeof(tty->line));
	tty->disc_data = NULL;
	tty_ldisc_attach_default(tty);
	tty_list_append(tty);
	tty_devnode_add(tty);
	return 0;
}
EXPORT_SYMBOL(tty_register);

static bool tty_list_remove(struct tty_struct *tty)
{
	unsigned long flags;
	bool found = false;

	tty_spin_lock(&tty_list_lock, flags);
	for (struct tty_struct **pp = &tty_list; *pp; pp = &(*pp)->next) {
		if (*pp == tty) {
			*pp = tty->next;
			found = true;
			break;
		}
	}
	tty_spin_unlock(&tty_list_lock, flags);
	return found;
}

/* The driver's module may be about to go: nothing may point at tty or its ops afterwards. */
void tty_unregister(struct tty_struct *tty)
{
	unsigned long flags;
	char *input;

	if (tty == &console_tty_dev) {
		pr_warn("tty: the console tty cannot be unregistered\n");
		return;
	}
	if (!tty_list_remove(tty))
		return;
	tty_devnode_remove(tty);
	if (console_tty_serial() == tty)
		console_tty_set_serial(NULL);
	tty_ldisc_detach(tty);
	tty_spin_lock(&tty->lock, flags);
	input = tty->input;
	tty->input = NULL; /* a late interrupt now drops its bytes instead of writing freed memory */
	tty->throttle_resume = NULL;
	tty_spin_unlock(&tty->lock, flags);
	tty_wakeup_readers(tty); /* a reader still waiting finds no input and returns */
	kfree(input);
	tty->next = NULL;
}
EXPORT_SYMBOL(tty_unregister);

/* ISIG: Ctrl-C for a foreground task busy with something other than reading a line. */
static bool tty_is_interrupt(const struct tty_struct *tty, char c)
{
	return c == TTY_VINTR && tty->pgrp && !tty->reading_line;
}

void tty_receive_buf(struct tty_struct *tty, const char *buf, size_t n)
{
	unsigned long flags;
	bool interrupt = false;
	int job_sig = 0, sig;
	bool echo_sig = false;

	tty_spin_lock(&tty->lock, flags);
	for (size_t i = 0; i < n; i++) {
		if ((sig = tty_job_signal(tty, buf[i]))) {
			/* ISIG for the foreground process group; Linux flushes typed-ahead input */
			tty->input_tail = tty->input_head;
			job_sig = sig;
			echo_sig = !tty->reading_line; /* a line reader's discipline echoes it */
			continue;
		}
		if (tty_is_interrupt(tty, buf[i])) {
			/* What was typed ahead belonged to the interrupted work (Linux flushes too). */
			tty->input_tail = tty->input_head;
			interrupt = true;
			continue;
		}
		if (!tty->input || tty->input_head - tty->input_tail >= TTY_INPUT_SIZE) {
			tty->input_dropped += n - i;
			break;
		}
		tty->input[tty->input_head++ % TTY_INPUT_SIZE] = buf[i];
	}
	tty_spin_unlock(&tty->lock, flags);
	if (job_sig)
		tty_job_signal_send(job_sig, echo_sig);
	if (interrupt)
		tty_isig(tty);
	tty_wakeup_readers(tty);
}
EXPORT_SYMBOL(tty_receive_buf);

void tty_set_foreground(struct tty_struct *tty, struct task_struct *task)
{
	unsigned long flags;

	tty_spin_lock(&tty->lock, flags);
	tty->pgrp = task;
	tty_spin_unlock(&tty->lock, flags);
}
EXPORT_SYMBOL(tty_set_foreground);

size_t tty_receive_room(struct tty_struct *tty)
{
	unsigned long flags;
	size_t room;

	tty_spin_lock(&tty->lock, flags);
	room = tty->input ? TTY_INPUT_SIZE - (tty->input_head - tty->input_tail) : 0;
	tty_spin_unlock(&tty->lock, flags);
	return room;
}
EXPORT_SYMBOL(tty_receive_room);

void tty_throttle(struct tty_struct *tty, void (*resume)(void *arg), void *arg)
{
	unsigned long flags;

	tty_spin_lock(&tty->lock, flags);
	tty->throttle_resume = resume;
	tty->throttle_arg = arg;
	tty_spin_unlock(&tty->lock, flags);
}
EXPORT_SYMBOL(tty_throttle);

/* Takes up to n queued bytes without waiting; returns how many. */
static size_t tty_input_pop(struct tty_struct *tty, char *buf, size_t n)
{
	void (*resume)(void *arg) = NULL;
	unsigned long flags;
	size_t got = 0;
	void *arg;

	tty_spin_lock(&tty->lock, flags);
	arg = tty->throttle_arg;
	while (got < n && tty->input && !tty_input_empty(tty))
		buf[got++] = tty->input[tty->input_tail++ % TTY_INPUT_SIZE];
	if (tty->throttle_resume &&
	    tty->input_head - tty->input_tail <= TTY_INPUT_SIZE / 2) {
		resume = tty->throttle_resume;
		tty->throttle_resume = NULL;
	}
	tty_spin_unlock(&tty->lock, flags);
	/* Outside the lock: it may take input again at once. A driver going away gets no call. */
	if (resume && try_module_get(tty->owner)) {
		resume(arg);
		module_put(tty->owner);
	}
	return got;
}

static int tty_write_pinned(struct tty_struct *tty, const char *buf, size_t n)
{
	size_t done = 0;
	bool flushed = false;

	while (done < n) {
		int ret = tty->ops->write(tty, buf + done, n - done);

		if (ret < 0)
			return done ? (int)done : ret;
		if (ret == 0) {
			/* The driver's queue is full: let it drain once, then give up. */
			if (flushed || !tty->ops->flush_output)
				break;
			tty->ops->flush_output(tty);
			flushed = true;
			continue;
		}
		done += (size_t)ret;
		flushed = false;
	}
	return (int)done;
}

/* The driver's module stays pinned while its write (which may sleep for room) runs. */
int tty_write(struct tty_struct *tty, const char *buf, size_t n)
{
	int ret;

	if (!try_module_get(tty->owner))
		return -ENODEV;
	ret = tty_write_pinned(tty, buf, n);
	module_put(tty->owner);
	return ret;
}
EXPORT_SYMBOL(tty_write);

int tty_check_termios(const struct ktermios *t)
{
	if (t->baud < 50 || t->baud > 115200 || 115200 % t->baud)
		return -EINVAL;
	if (t->data_bits < 5 || t->data_bits > 8)
		return -EINVAL;
	if (t->parity != 'n' && t->parity != 'e' && t->parity != 'o')
		return -EINVAL;
	if (t->stop_bits != 1 && t->stop_bits != 2)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL(tty_check_termios);

int tty_set_termios(struct tty_struct *tty, const struct ktermios *t)
{
	struct ktermios copy = *t; /* t may be tty->termios itself */
	int err = tty_check_termios(&copy);

	if (err)
		return err;
	if (!tty->ops->set_termios)
		return -EOPNOTSUPP;
	if (!try_module_get(tty->owner))
		return -ENODEV;
	err = tty->ops->set_termios(tty, &copy);
	module_put(tty->owner);
	if (err)
		return err;
	tty->termios = copy;
	return 0;
}
EXPORT_SYMBOL(tty_set_termios);

/* One byte for the discipline: 1 line done, -EINTR abandoned, 0 go on. CRLF is one line end. */
static int tty_feed_ldisc(struct tty_struct *tty, char c)
{
	bool lf_after_cr = c == '\n' && tty->input_last_cr;
	struct tty_ldisc_ops *ops;
	int ret;

	tty->input_last_cr = c == '\r';
	if (lf_after_cr)
		return 0;
	ops = tty_ldisc_ref(tty);
	ret = ops->receive_char(tty, c); /* may echo, and sleep for room to */
	tty_ldisc_deref(ops);
	return ret;
}

/* Hands the finished line to the reader and starts an empty one. */
static int tty_take_line(struct tty_struct *tty, int ret, char *buf, size_t size)
{
	struct tty_line *line = &tty->line;

	if (ret > 0 && (line->overflow || line->len >= size))
		ret = -E2BIG;
	if (ret > 0) {
		memcpy(buf, line->buf, line->len);
		buf[line->len] = '\0';
		ret = (int)line->len;
	} else {
		buf[0] = '\0';
	}
	line->len = line->cursor = 0;
	line->overflow = false;
	return ret;
}

/* The reader was sent a signal before it read its Ctrl-C: the discipline abandons the line
 * as if the key had been typed (echo, history state), and the reader gets -EINTR. */
static int tty_read_interrupted(struct tty_struct *tty, char *buf, size_t size)
{
	tty->ldisc->receive_char(tty, TTY_VINTR);
	return tty_take_line(tty, -EINTR, buf, size);
}

static int tty_read_line_loop(struct tty_struct *tty, char *buf, size_t size)
{
	char c;
	int ret;

	for (;;) {
		if (tty_reader_interrupted())
			return tty_read_interrupted(tty, buf, size);
		if (tty_input_pop(tty, &c, 1)) {
			ret = tty_feed_ldisc(tty, c);
			if (ret)
				return tty_take_line(tty, ret, buf, size);
		} else if (!tty_wait_input(tty, TTY_WAIT_FOREVER) && !tty_reader_interrupted()) {
			/* Only a host test runs out of input; the line so far stays in tty->line. */
			return -EAGAIN;
		}
	}
}

static void tty_set_reading(struct tty_struct *tty, bool reading)
{
	unsigned long flags;

	tty_spin_lock(&tty->lock, flags);
	tty->reading_line = reading;
	tty_spin_unlock(&tty->lock, flags);
}

int tty_read_line(struct tty_struct *tty, char *buf, size_t size)
{
	int ret;

	if (!size)
		return -EINVAL;
	tty_set_reading(tty, true);
	ret = tty_read_line_loop(tty, buf, size);
	tty_set_reading(tty, false);
	return ret;
}
EXPORT_SYMBOL(tty_read_line);

int tty_read_raw(struct tty_struct *tty, char *buf, size_t n, unsigned int timeout_ms)
{
	size_t got;

	if (!n)
		return 0;
	got = tty_input_pop(tty, buf, n);
	if (!got && timeout_ms && tty_wait_input(tty, timeout_ms))
		got = tty_input_pop(tty, buf, n);
	return (int)got;
}
EXPORT_SYMBOL(tty_read_raw);
