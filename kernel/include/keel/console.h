/* Console output drivers (serial, VGA text, framebuffer) that printk writes to, and console input. */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	/* Optional, for consoles that buffer: push it all out by polling, and from now on write
	 * synchronously (oops and panic, which run with interrupts off for good). */
	void (*flush)(struct console *con);
	/* Optional, for screens: show older lines (pages < 0) or newer ones (pages > 0), half a
	 * screen per page, from a scrollback buffer. Called with interrupts off. */
	void (*scrollback)(struct console *con, int pages);
	struct console *next;
};

/* A registered console receives every later printk line at or above the console loglevel. */
void register_console(struct console *con);
void unregister_console(struct console *con);
/* Unregisters consoles whose struct or code lies in [start, end) (module teardown). */
unsigned int unregister_console_range(unsigned long start, unsigned long end);

/* Shift+PgUp/PgDn: every screen console scrolls back (pages < 0) or forward. Any context. */
void console_scrollback(int pages);

/* Write to every registered console, bypassing the log (the shell's own output). */
void console_write(const char *s, size_t n);
/* Oops/panic: every console's flush hook (see struct console). */
void console_flush(void);
void console_puts(const char *s);
int console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An output sink takes the console output of one task (a shell command's `> file`): while
 * set, console_write() called by sink->task outside interrupts goes to sink->write instead
 * of the consoles; printk and other tasks still reach the consoles. console_set_sink()
 * installs sink (NULL: none) and returns the previous one, to restore when nesting. A sink
 * with a file gives it to the programs sink->task starts meanwhile as their standard output
 * (`run PROG > FILE`); console_sink_file() is that file for current, or NULL.
 */
struct task_struct;
struct file;
struct console_sink {
	struct task_struct *task;
	void (*write)(struct console_sink *sink, const char *s, size_t n);
	struct file *file;
};
struct console_sink *console_set_sink(struct console_sink *sink);
struct file *console_sink_file(void);

/* Console input: drivers push received bytes (IRQ context too) into the console tty (keel/tty.h). */
void console_input_push(char c);

#endif
