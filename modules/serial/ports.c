/*
 * The table of ports (ttyS0..ttyS7): bringing one up (UART set up, IRQ, tty registered, the
 * detection line printed) and taking it down again, for ISA and PCI ports alike.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/serial.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "uart.h"

struct uart_port *serial_ports[SERIAL_MAX_PORTS];
/* PCI ports are numbered after the COM ports that exist, even one left to the early console. */
int serial_first_dynamic_line;

static const struct ktermios serial_default_termios = {
	.baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1,
};

static int serial_free_line(int wanted)
{
	if (wanted >= 0)
		return wanted < SERIAL_MAX_PORTS && !serial_ports[wanted] ? wanted : -EBUSY;
	for (int line = serial_first_dynamic_line; line < SERIAL_MAX_PORTS; line++)
		if (!serial_ports[line])
			return line;
	return -ENOSPC;
}

/* A port that is not the console: our settings, our interrupt. */
static int serial_port_start(struct uart_port *port)
{
	unsigned long flags;
	int err;

	err = uart_apply_termios(port, &serial_default_termios);
	if (err)
		return err;
	local_irq_save(flags);
	uart_hw_init(port);
	err = uart_request_irq(port);
	if (err)
		uart_hw_shutdown(port);
	local_irq_restore(flags);
	return err;
}

static void serial_port_stop(struct uart_port *port)
{
	unsigned long flags;

	if (port->is_console) {
		serial_console_giveback(port);
		return;
	}
	uart_flush_wait(port, 500);
	local_irq_save(flags);
	uart_hw_shutdown(port);
	uart_free_irq(port);
	local_irq_restore(flags);
}

static struct uart_port *serial_port_alloc(int line, u16 iobase, unsigned int irq,
					   enum uart_type type, const char *bus_name)
{
	struct uart_port *port = kzalloc(sizeof(*port), GFP_KERNEL);

	if (!port)
		return NULL;
	port->iobase = iobase;
	port->irq = irq;
	port->line = line;
	port->type = type;
	port->fifo_size = uart_fifo_size(type);
	port->bus_name = bus_name;
	snprintf(port->tty.name, sizeof(port->tty.name), "ttyS%d", line);
	port->tty.ops = &uart_tty_ops;
	port->tty.owner = THIS_MODULE;
	port->tty.driver_data = port;
	port->tty.termios = serial_default_termios;
	init_waitqueue_head(&port->tx_wait);
	init_waitqueue_head(&port->rx_wait);
	return port;
}

static void serial_port_report(const struct uart_port *port)
{
	pr_info("serial: %s at I/O 0x%x (irq = %u) is a %s%s%s%s\n", port->tty.name, port->iobase,
		port->irq, uart_type_name(port->type), port->bus_name ? " on " : "",
		port->bus_name ? port->bus_name : "", port->is_console ? " (console)" : "");
}

/*
 * Brings up the UART at iobase as ttyS<line> (line < 0: the first free one); console: take COM1
 * over from the early console. The port, or an ERR-style NULL with *errp set.
 */
struct uart_port *serial_port_add(int line, u16 iobase, unsigned int irq, enum uart_type type,
				  const char *bus_name, bool console, int *errp)
{
	struct uart_port *port;
	int err;

	line = serial_free_line(line);
	if (line < 0) {
		err = line;
		goto out;
	}
	err = -ENOMEM;
	port = serial_port_alloc(line, iobase, irq, type, bus_name);
	if (!port)
		goto out;
	err = console ? serial_console_takeover(port) : serial_port_start(port);
	if (err)
		goto out_free_port;
	err = tty_register(&port->tty);
	if (err)
		goto out_stop_port;
	if (port->is_console)
		console_tty_set_serial(&port->tty);
	serial_ports[line] = port;
	serial_port_report(port);
	return port;

out_stop_port:
	serial_port_stop(port);
out_free_port:
	kfree(port);
out:
	*errp = err;
	return NULL;
}

void serial_port_remove(struct uart_port *port)
{
	uart_cancel_throttle(port);
	if (port->is_console)
		console_tty_set_serial(NULL);
	tty_unregister(&port->tty);
	serial_port_stop(port);
	serial_ports[port->line] = NULL;
	kfree(port);
}

struct uart_port *serial_port_find(const char *name)
{
	for (int line = 0; line < SERIAL_MAX_PORTS; line++)
		if (serial_ports[line] && strcmp(serial_ports[line]->tty.name, name) == 0)
			return serial_ports[line];
	return NULL;
}
