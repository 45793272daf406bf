/*
 * TTYs and line disciplines (implemented in kernel/tty/), after Linux's <linux/tty.h>.
 *
 * A tty has a raw input queue that its driver fills (tty_receive_buf, IRQ context is fine), an
 * output path (ops->write) and a line discipline that turns raw input into lines for readers.
 * Line editing runs in the reader's context (tty_read_line), never in interrupt context, so a
 * discipline may echo, allocate and redraw freely. The line being edited lives in the tty, not
 * in the discipline, so switching disciplines (or rmmod of one) never loses it.
 *
 * The console is the tty named "console": its output goes to every registered console
 * (console_write), its input is whatever console_input_push() delivers (serial lines, the
 * keyboard's input handler). The shell reads its lines with tty_read_line(console_tty(), ...).
 */
#ifndef KEEL_TTY_H
#define KEEL_TTY_H

#include <keel/spinlock.h>
#include <keel/types.h>
#include <keel/wait.h>

struct module;
struct task_struct;
struct tty_struct;

#define TTY_NAME_MAX 16
#define TTY_LINE_MAX 1024 /* the shell's line limit (SHELL_LINE_MAX), including the NUL */
#define TTY_VINTR 0x03    /* Ctrl-C: interrupts the tty's foreground task (Linux's VINTR) */

/* Line settings, for drivers that have them (serial ports). */
struct ktermios {
	unsigned int baud;   /* e.g. 115200 */
	u8 data_bits;        /* 5-8 */
	char parity;         /* 'n', 'e', 'o' */
	u8 stop_bits;        /* 1 or 2 */
};

struct tty_operations {
	/* Queue n bytes for output; returns how many were taken (>= 0) or -errno. */
	int (*write)(struct tty_struct *tty, const char *buf, size_t n);
	/* Optional: apply new settings; 0 or -errno (-EINVAL for unsupported values). */
	int (*set_termios)(struct tty_struct *tty, const struct ktermios *new);
	/* Optional: wait (bounded) until queued output has left the hardware. */
	void (*flush_output)(struct tty_struct *tty);
};

/* The line being edited: bytes buf[0..len), cursor position 0..len. */
struct tty_line {
	char buf[TTY_LINE_MAX];
	size_t len, cursor;
	bool overflow; /* more was typed than fits: the line is refused when it ends */
};

/*
 * For disciplines: whether one more byte fits (the NUL needs the last place). When it does not,
 * the line is marked overflowed, so it is refused when it ends rather than silently cut.
 */
static inline bool tty_line_room_for_one(struct tty_line *line)
{
	if (line->overflow)
		return false;
	if (line->len + 1 >= TTY_LINE_MAX) {
		line->overflow = true;
		return false;
	}
	return true;
}

struct tty_ldisc_ops {
	const char *name;      /* "n_tty", "minimal", ... */
	struct module *owner;  /* THIS_MODULE; attaching does not pin the module (rmmod detaches) */
	/* Optional: the discipline takes over tty (tty->line may already hold text); 0 or -errno. */
	int (*open)(struct tty_struct *tty);
	/* Optional: the discipline is detached; free tty->disc_data. */
	void (*close)(struct tty_struct *tty);
	/*
	 * One raw input byte, in the reader's context. Returns 1 when tty->line is a finished
	 * line, -EINTR when the user abandoned it (Ctrl-C), 0 to go on.
	 */
	int (*receive_char)(struct tty_struct *tty, char c);
	struct tty_ldisc_ops *next; /* registry link, owned by the tty core */
};

struct tty_struct {
	char name[TTY_NAME_MAX];
	const struct tty_operations *ops;
	struct module *owner;    /* the driver's module, or NULL for the base kernel */
	void *driver_data;
	struct ktermios termios;
	struct tty_ldisc_ops *ldisc; /* never NULL once registered */
	void *disc_data;
	struct tty_line line;
	/* Owned by the tty core (tty_register initializes them): lock protects the input queue
	 * and the throttle state below (taken with interrupts off, since drivers deliver input
	 * from IRQ handlers); readers sleep on read_wait until input arrives. */
	spinlock_t lock;
	wait_queue_head_t read_wait;
	/* Raw input queue (ring of TTY_INPUT_SIZE bytes), filled by the driver. */
	char *input;
	volatile unsigned int input_head, input_tail;
	unsigned long input_dropped; /* bytes lost because the queue was full */
	struct tty_struct *next;
	/* Owned by the tty core (drivers leave it zeroed): the last byte read was a CR, so a LF
	 * right after it belongs to the same line end. */
	bool input_last_cr;
	/* Owned by the tty core: the producer held input back (tty_throttle) and waits for room. */
	void (*throttle_resume)(void *arg);
	void *throttle_arg;
	/* Linux's tty->pgrp, reduced to one task: TTY_VINTR received while that task is not
	 * reading a line sends it SIGINT (ISIG). NULL: no signals, Ctrl-C is plain input. */
	struct task_struct *pgrp;
	/* Owned by the tty core: the reader sleeps in tty_read_line, where Ctrl-C is line
	 * editing (the discipline abandons the line) rather than a signal. */
	bool reading_line;
};

#define TTY_INPUT_SIZE 4096

/* Drivers: register/unregister a tty (name, ops, owner, termios filled in). 0 or -errno. */
int tty_register(struct tty_struct *tty);
void tty_unregister(struct tty_struct *tty);
struct tty_struct *tty_find(const char *name);
struct tty_struct *console_tty(void);
/*
 * The serial driver that owns the console's line (COM1) links its tty here, so that settings
 * given to the console tty (stty 9600) reach the hardware; NULL unlinks. Unregistering the
 * linked tty unlinks it too.
 */
void console_tty_set_serial(struct tty_struct *tty);
struct tty_struct *console_tty_serial(void); /* NULL when no serial line is linked */
/* Calls fn for every registered tty, in registration order. */
void tty_for_each(void (*fn)(struct tty_struct *tty, void *arg), void *arg);

/*
 * Makes task the tty's foreground task (NULL: none): while it is not in tty_read_line, a
 * TTY_VINTR byte received on tty is not queued; the input queued before it is dropped and the
 * task gets SIGINT (<keel/sched/signal.h>), so a long command stops (Linux's ISIG with the
 * foreground process group set by TIOCSPGRP). task must stay alive until replaced. Task context.
 */
void tty_set_foreground(struct tty_struct *tty, struct task_struct *task);

/* Drivers: raw received bytes (any context). Full queue: bytes dropped and counted. */
void tty_receive_buf(struct tty_struct *tty, const char *buf, size_t n);
/*
 * Flow control for drivers that can hold input back (a UART leaves bytes in its FIFO, and the
 * sender waits): how many bytes tty_receive_buf would take now; and, when that was too few,
 * "call resume(arg) once the reader has emptied half the queue" (from the reader's context,
 * once). tty_throttle(tty, NULL, NULL) cancels; tty_unregister cancels too.
 */
size_t tty_receive_room(struct tty_struct *tty);
void tty_throttle(struct tty_struct *tty, void (*resume)(void *arg), void *arg);

/* Output through the driver; newlines are sent as is (drivers add CR where they need it). */
int tty_write(struct tty_struct *tty, const char *buf, size_t n);
/* Settings: validated, then passed to ops->set_termios; -EOPNOTSUPP without one. */
int tty_set_termios(struct tty_struct *tty, const struct ktermios *t);
/* The validation alone: 0, or -EINVAL when a value is out of range (see struct ktermios). */
int tty_check_termios(const struct ktermios *t);

/* Readers: a whole line through the discipline; length, -EINTR or -E2BIG. Sleeps on the
 * tty's wait queue until input arrives: task context only. A reader with a signal pending
 * (Ctrl-C typed before it started reading) gets -EINTR as if it had typed Ctrl-C; the caller
 * clears the signal (flush_signals). */
int tty_read_line(struct tty_struct *tty, char *buf, size_t size);
/* Readers: raw bytes, bypassing the discipline; sleeps at most timeout_ms (0: do not wait,
 * which any context may do). */
int tty_read_raw(struct tty_struct *tty, char *buf, size_t n, unsigned int timeout_ms);

/* Line disciplines. "minimal" (echo, backspace, enter, ^C, ^U) is built in and cannot go. */
int tty_register_ldisc(struct tty_ldisc_ops *ops);
/* Every tty using ops falls back to "minimal", keeping its current line. */
void tty_unregister_ldisc(struct tty_ldisc_ops *ops);
/* Attach the discipline named name to tty: 0, -ENOENT (no such discipline) or open's error. */
int tty_set_ldisc(struct tty_struct *tty, const char *name);
struct tty_ldisc_ops *tty_find_ldisc(const char *name);
/* Calls fn for every registered discipline, "minimal" first. */
void tty_for_each_ldisc(void (*fn)(struct tty_ldisc_ops *ops, void *arg), void *arg);

/* For disciplines: echo/redraw helpers that write through tty_write. */
void tty_echo(struct tty_struct *tty, const char *s, size_t n);

#endif
