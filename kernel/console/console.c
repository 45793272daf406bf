/* The list of output consoles, the shell's direct console output, and console input (a tty). */
#include <keel/export.h>
#include <keel/console.h>
#include <keel/preempt.h>
#include <keel/sched.h>
#include <keel/irqflags.h>
#include <keel/string.h>
#include <keel/tty.h>

static struct console *consoles;

void register_console(struct console *con)
{
	unsigned long flags;

	local_irq_save(flags);
	con->next = consoles;
	consoles = con;
	local_irq_restore(flags);
}
EXPORT_SYMBOL(register_console);

void unregister_console(struct console *con)
{
	unsigned long flags;

	local_irq_save(flags);
	for (struct console **pp = &consoles; *pp; pp = &(*pp)->next) {
		if (*pp == con) {
			*pp = con->next;
			break;
		}
	}
	local_irq_restore(flags);
}
EXPORT_SYMBOL(unregister_console);

unsigned int unregister_console_range(unsigned long start, unsigned long end)
{
	unsigned int removed = 0;
	unsigned long flags;

	local_irq_save(flags);
	for (struct console **pp = &consoles; *pp;) {
		unsigned long c = (unsigned long)*pp, w = (unsigned long)(*pp)->write;

		if ((c >= start && c < end) || (w >= start && w < end)) {
			*pp = (*pp)->next;
			removed++;
		} else {
			pp = &(*pp)->next;
		}
	}
	local_irq_restore(flags);
	return removed;
}

/*
 * Write hooks in modules are called without a module reference: the walk runs with interrupts
 * off on the one CPU, as do unregister_console() and unregister_console_range(), so when those
 * return no write is running. A going module's console keeps printing until its exit
 * unregisters it: serial.ko hands COM1 back that way without losing a line.
 */
static struct console_sink *console_sink;

struct console_sink *console_set_sink(struct console_sink *sink)
{
	struct console_sink *old = console_sink;

	WRITE_ONCE(console_sink, sink);
	return old;
}
EXPORT_SYMBOL(console_set_sink);

struct file *console_sink_file(void)
{
	struct console_sink *sink = READ_ONCE(console_sink);

	return sink && sink->task == current ? sink->file : NULL;
}

void console_write(const char *s, size_t n)
{
	struct console_sink *sink = READ_ONCE(console_sink);
	unsigned long flags;

	if (sink && sink->task == current && !in_interrupt()) {
		sink->write(sink, s, n);
		return;
	}

	local_irq_save(flags);
	for (struct console *con = consoles; con; con = con->next)
		con->write(con, s, n);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(console_write);

void console_flush(void)
{
	unsigned long flags;

	local_irq_save(flags);
	for (struct console *con = consoles; con; con = con->next)
		if (con->flush)
			con->flush(con);
	local_irq_restore(flags);
}

void console_scrollback(int pages)
{
	unsigned long flags;

	local_irq_save(flags);
	for (struct console *con = consoles; con; con = con->next)
		if (con->scrollback)
			con->scrollback(con, pages);
	local_irq_restore(flags);
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}
EXPORT_SYMBOL(console_puts);

int console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n);
	return n;
}
EXPORT_SYMBOL(console_printf);

/* Input belongs to the console tty (kernel/tty/): its queue, its line discipline. */
void console_input_push(char c)
{
	tty_receive_buf(console_tty(), &c, 1);
}
EXPORT_SYMBOL(console_input_push);
