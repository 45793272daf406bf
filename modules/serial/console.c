/*
 * COM1 between the base kernel's polled early console and serial.ko. Each switch happens with
 * interrupts off, so exactly one of the two consoles is registered whenever printk can run
 * (IRQ context included) and no line is lost or printed twice. Going back, the transmit ring
 * is drained first: what was queued leaves before the early console writes again.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/serial.h>
#include "uart.h"

#define GIVEBACK_DRAIN_MS 2000

static void serial_console_write(struct console *con, const char *s, size_t n)
{
	uart_queue(container_of(con, struct uart_port, console), s, n, true);
}

/* Oops/panic: interrupts are off for good, so nothing would drain the ring any more. */
static void serial_console_flush(struct console *con)
{
	struct uart_port *port = container_of(con, struct uart_port, console);

	port->emergency = true;
	uart_drain_polled(port);
}

int serial_console_takeover(struct uart_port *port)
{
	unsigned long flags;
	int err;

	local_irq_save(flags);
	err = early_serial_release();
	if (err)
		goto out;
	port->is_console = true;
	uart_hw_init(port);
	err = uart_request_irq(port);
	if (err) {
		uart_hw_shutdown(port);
		early_serial_reclaim();
		port->is_console = false;
		goto out;
	}
	port->console = (struct console){
		.name = port->tty.name,
		.write = serial_console_write,
		.flush = serial_console_flush,
	};
	register_console(&port->console);
out:
	local_irq_restore(flags);
	return err;
}

void serial_console_giveback(struct uart_port *port)
{
	unsigned long flags;

	uart_flush_wait(port, GIVEBACK_DRAIN_MS);
	local_irq_save(flags);
	unregister_console(&port->console);
	uart_drain_polled(port); /* whatever was queued since the wait */
	uart_hw_shutdown(port);
	uart_free_irq(port);
	early_serial_reclaim();
	local_irq_restore(flags);
}
