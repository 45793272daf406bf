/*
 * The `serial` shell command: the ports with their settings and error counters, line settings,
 * and data commands for tests and benchmarks. A raw capture ("sink") counts and checksums a
 * port's received bytes in the interrupt handler, so the shell stays free while data flows.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include "uart.h"

#define SERIAL_RECV_TIMEOUT_MS 10000
#define SERIAL_SEND_CHUNK 256
/*
 * On the console's own line a capture takes every byte, Ctrl-C included, so the console is
 * locked out until it ends: `recv` there is bounded by this timeout and `sink on` (unbounded)
 * is refused.
 */
#define SERIAL_CONSOLE_RAW_MAX_MS 600000

static int cmd_serial(int argc, char **argv);

static const struct shell_command serial_command = {
	.name = "serial",
	.usage = "serial [list]\nserial set <tty> <baud> [8n1]\nserial send <tty> <seed> <bytes>\n"
		 "serial recv <tty> <bytes> [timeout_ms]\nserial sink <tty> on|off\n"
		 "serial stat <tty>\nserial seq <count>",
	.help = "serial ports: types, settings, error counters; data tests",
	.run = cmd_serial,
};

/* Two lines: the port and its traffic, then its error counters (each within 80 columns). */
static void serial_show_port(const struct uart_port *port)
{
	const struct ktermios *t = &port->tty.termios;
	const struct uart_counters *c = &port->counters;

	console_printf("%s %s io 0x%x irq %u %u %u%c%u rx %lu tx %lu%s%s\n", port->tty.name,
		       uart_type_name(port->type), port->iobase, port->irq, t->baud, t->data_bits,
		       t->parity, t->stop_bits, c->rx, c->tx, port->is_console ? " console" : "",
		       port->bus_name ? " pci" : "");
	console_printf("      overrun %lu framing %lu parity %lu break %lu dropped %lu\n",
		       c->overrun, c->framing, c->parity, c->brk, port->tty.input_dropped);
}

static int serial_list(void)
{
	for (int line = 0; line < SERIAL_MAX_PORTS; line++)
		if (serial_ports[line])
			serial_show_port(serial_ports[line]);
	return 0;
}

static struct uart_port *serial_lookup(const char *name)
{
	struct uart_port *port = serial_port_find(name);

	if (!port)
		console_printf("serial: %s: no such port\n", name);
	return port;
}

/* "8n1"-style: data bits, parity n/e/o, stop bits. */
static int serial_parse_format(const char *s, struct ktermios *t)
{
	if (strlen(s) != 3 || s[0] < '5' || s[0] > '8' || (s[2] != '1' && s[2] != '2'))
		return -EINVAL;
	t->data_bits = (u8)(s[0] - '0');
	t->parity = s[1];
	t->stop_bits = (u8)(s[2] - '0');
	return 0;
}

static int serial_set(struct uart_port *port, int argc, char **argv)
{
	struct ktermios t = port->tty.termios;
	int err;

	if (argc < 4 || kstrtouint(argv[3], 10, &t.baud))
		return -EINVAL;
	if (argc > 4 && serial_parse_format(argv[4], &t))
		return -EINVAL;
	err = port->tty.ops->set_termios(&port->tty, &t);
	if (err)
		return err;
	serial_show_port(port);
	return 0;
}

void serial_sink_start(struct uart_port *port, unsigned long limit)
{
	unsigned long flags;

	local_irq_save(flags);
	port->sink = (struct uart_sink){ .active = true, .limit = limit };
	uart_unthrottle(port); /* the sink takes everything, whatever the tty's room */
	local_irq_restore(flags);
}

void serial_sink_stop(struct uart_port *port)
{
	WRITE_ONCE(port->sink.active, false);
}

static void serial_show_sink(const struct uart_port *port, const char *what)
{
	console_printf("serial: %s %lu bytes on %s, crc32 0x%08x\n", what, port->sink.count,
		       port->tty.name, port->sink.crc);
}

/* Waits for limit bytes in the sink; the console line is the port's until then. */
static int serial_recv(struct uart_port *port, int argc, char **argv)
{
	unsigned long bytes;
	unsigned int timeout_ms = SERIAL_RECV_TIMEOUT_MS;
	int err;

	if (argc < 4 || kstrtoul(argv[3], 0, &bytes) || !bytes ||
	    (argc > 4 && kstrtouint(argv[4], 0, &timeout_ms)))
		return -EINVAL;
	if (port->is_console && timeout_ms > SERIAL_CONSOLE_RAW_MAX_MS) {
		console_printf("serial: %s is the console's line: raw for at most %u ms\n",
			       port->tty.name, SERIAL_CONSOLE_RAW_MAX_MS);
		return 1;
	}
	serial_sink_start(port, bytes);
	console_printf("serial: %s taken for %lu raw bytes\n", port->tty.name, bytes);
	/* Ctrl-C from another console input (the keyboard) ends it early: -ERESTARTSYS. */
	err = (int)wait_event_interruptible_timeout(port->rx_wait, !READ_ONCE(port->sink.active),
						    (long)msecs_to_jiffies(timeout_ms));
	serial_sink_stop(port);
	serial_show_sink(port, "received");
	if (port->sink.count == bytes)
		return 0;
	return err < 0 ? err : -ETIMEDOUT;
}

static int serial_sink(struct uart_port *port, int argc, char **argv)
{
	if (argc < 4)
		return -EINVAL;
	if (strcmp(argv[3], "on") == 0 && port->is_console) {
		console_printf("serial: %s is the console's line: an endless capture would take "
			       "Ctrl-C too (use serial recv)\n", port->tty.name);
		return 1; /* reported */
	}
	if (strcmp(argv[3], "on") == 0)
		serial_sink_start(port, 0);
	else if (strcmp(argv[3], "off") == 0)
		serial_sink_stop(port);
	else
		return -EINVAL;
	return 0;
}

static u32 serial_prng_next(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Deterministic pseudo-random bytes (xorshift32, top byte), raw through the transmit ring. */
static int serial_send(struct uart_port *port, int argc, char **argv)
{
	char chunk[SERIAL_SEND_CHUNK];
	unsigned long bytes, sent = 0;
	u32 seed, crc = 0;

	if (argc < 5 || kstrtouint(argv[3], 0, &seed) || kstrtoul(argv[4], 0, &bytes))
		return -EINVAL;
	if (!seed)
		seed = 0x9e3779b9; /* xorshift never leaves 0 */
	console_printf("serial: sending %lu bytes on %s\n", bytes, port->tty.name);
	while (sent < bytes && !signal_pending(current)) {
		size_t n = min_t(unsigned long, sizeof(chunk), bytes - sent);

		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)(serial_prng_next(&seed) >> 24);
		crc = crc32(crc, chunk, n);
		uart_queue(port, chunk, n, false);
		sent += n;
	}
	uart_flush_wait(port, 10000);
	console_printf("%sserial: sent %lu bytes on %s, crc32 0x%08x\n",
		       port->is_console ? "\n" : "", sent, port->tty.name, crc);
	return sent == bytes ? 0 : -EINTR; /* Ctrl-C */
}

/* Numbered lines through the console: the hand-over test counts them. */
static int serial_seq(int argc, char **argv)
{
	unsigned int count;

	if (argc < 3 || kstrtouint(argv[2], 0, &count))
		return -EINVAL;
	for (unsigned int i = 0; i < count; i++) {
		if (signal_pending(current))
			return -EINTR; /* Ctrl-C */
		console_printf("seq %u of %u\n", i, count);
	}
	return 0;
}

static int serial_port_command(int argc, char **argv)
{
	struct uart_port *port;

	if (argc < 3)
		return -EINVAL;
	port = serial_lookup(argv[2]);
	if (!port)
		return 1;
	if (strcmp(argv[1], "set") == 0)
		return serial_set(port, argc, argv);
	if (strcmp(argv[1], "send") == 0)
		return serial_send(port, argc, argv);
	if (strcmp(argv[1], "recv") == 0)
		return serial_recv(port, argc, argv);
	if (strcmp(argv[1], "sink") == 0)
		return serial_sink(port, argc, argv);
	if (strcmp(argv[1], "stat") == 0) {
		serial_show_port(port);
		serial_show_sink(port, port->sink.active ? "sink on," : "sink off,");
		return 0;
	}
	return -EINVAL;
}

/* The most words each sub-command takes, its name and the command's included. */
static int serial_max_argc(const char *sub)
{
	static const struct { const char *name; int max; } subs[] = {
		{ "list", 2 }, { "set", 5 }, { "send", 5 }, { "recv", 5 }, { "sink", 4 },
		{ "stat", 3 }, { "seq", 3 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(subs); i++)
		if (strcmp(sub, subs[i].name) == 0)
			return subs[i].max;
	return 0;
}

static int cmd_serial(int argc, char **argv)
{
	int err;

	if (argc > 1 && argc > serial_max_argc(argv[1]))
		return shell_usage(&serial_command);
	if (argc == 1 || strcmp(argv[1], "list") == 0)
		return serial_list();
	if (strcmp(argv[1], "seq") == 0)
		err = serial_seq(argc, argv);
	else
		err = serial_port_command(argc, argv);
	if (err == -EINVAL)
		return shell_usage(&serial_command);
	return err;
}

int serial_command_register(void)
{
	return shell_register_command(&serial_command);
}

void serial_command_unregister(void)
{
	shell_unregister_command(&serial_command);
}
