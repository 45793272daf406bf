/*
 * One UART at work: line settings, the interrupt handler, and the transmit ring that the tty,
 * the console and the data commands write into. The ring is only touched with interrupts off
 * (single CPU), so the handler and writers never see it half-updated. It stays under
 * local_irq_save rather than a spinlock because the console writes into it: an oops must
 * print whatever was held where it happened. Tasks that find the ring full sleep on tx_wait.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/irqflags.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include <keel/wait.h>
#include "uart.h"

#define UART_THRE_SPINS 1000000 /* about a second on real hardware: a wedged UART must not hang us */
#define UART_IRQ_PASSES 32
#define UART_TX_WAIT_MS 100 /* a sleeping writer re-checks for a lost THRE interrupt this often */

static bool tx_ring_empty(const struct uart_port *port)
{
	return port->tx_head == port->tx_tail;
}

static bool tx_ring_full(const struct uart_port *port)
{
	return port->tx_head - port->tx_tail >= SERIAL_TX_RING;
}

int uart_apply_termios(struct uart_port *port, const struct ktermios *t)
{
	unsigned long flags;
	u16 divisor;
	u8 lcr;

	if (t->baud < 50 || t->baud > UART_CLOCK_BAUD || UART_CLOCK_BAUD % t->baud)
		return -EINVAL;
	if (t->data_bits < 5 || t->data_bits > 8 || (t->stop_bits != 1 && t->stop_bits != 2))
		return -EINVAL;
	if (t->parity != 'n' && t->parity != 'e' && t->parity != 'o')
		return -EINVAL;
	divisor = (u16)(UART_CLOCK_BAUD / t->baud);
	lcr = (u8)(t->data_bits - 5);
	if (t->stop_bits == 2)
		lcr |= UART_LCR_STOP2;
	if (t->parity != 'n')
		lcr |= UART_LCR_PARITY | (t->parity == 'e' ? UART_LCR_EVEN : 0);
	local_irq_save(flags);
	outb(port->iobase + UART_LCR, lcr | UART_LCR_DLAB);
	outb(port->iobase + UART_DLL, divisor & 0xff);
	outb(port->iobase + UART_DLM, divisor >> 8);
	outb(port->iobase + UART_LCR, lcr);
	port->lcr = lcr;
	port->tty.termios = *t;
	local_irq_restore(flags);
	return 0;
}

/* Received bytes go to a raw capture, else to the console input (COM1) or the port's tty. */
static void uart_deliver(struct uart_port *port, const char *buf, size_t n)
{
	struct uart_sink *sink = &port->sink;

	port->counters.rx += n;
	if (sink->active) {
		size_t take = n;

		if (sink->limit && take > sink->limit - sink->count)
			take = sink->limit - sink->count;
		sink->crc = crc32(sink->crc, buf, take);
		sink->count += take;
		if (sink->limit && sink->count >= sink->limit) {
			sink->active = false;
			wake_up(&port->rx_wait);
		}
		buf += take;
		n -= take;
	}
	if (!n)
		return;
	if (port->is_console) {
		for (size_t i = 0; i < n; i++)
			console_input_push(buf[i]);
	} else {
		tty_receive_buf(&port->tty, buf, n);
	}
}

static void uart_count_errors(struct uart_port *port, u8 lsr)
{
	if (lsr & UART_LSR_OE)
		port->counters.overrun++;
	if (lsr & UART_LSR_PE)
		port->counters.parity++;
	if (lsr & UART_LSR_FE)
		port->counters.framing++;
	if (lsr & UART_LSR_BI)
		port->counters.brk++;
}

static void uart_set_ier(struct uart_port *port, u8 ier)
{
	port->ier = ier;
	outb(port->iobase + UART_IER, ier);
}

/* Where received bytes go when no capture takes them. */
static struct tty_struct *uart_rx_tty(struct uart_port *port)
{
	return port->is_console ? console_tty() : &port->tty;
}

static size_t uart_rx_room(struct uart_port *port)
{
	return port->sink.active ? (size_t)-1 : tty_receive_room(uart_rx_tty(port));
}

/* Reader's context: the tty has room again, so take interrupts for received data again. */
void uart_unthrottle(void *arg)
{
	struct uart_port *port = arg;
	unsigned long flags;

	local_irq_save(flags);
	if (port->ier & UART_IER_RLSI) /* still running (shutdown clears every bit) */
		uart_set_ier(port, port->ier | UART_IER_RDI);
	local_irq_restore(flags);
}

/*
 * The reader is behind: leave the bytes in the FIFO, where the sender waits (QEMU stops taking
 * from its chardev; a real line overruns, which is counted), instead of dropping them here.
 */
static void uart_throttle(struct uart_port *port)
{
	uart_set_ier(port, port->ier & ~UART_IER_RDI);
	tty_throttle(uart_rx_tty(port), uart_unthrottle, port);
}

void uart_cancel_throttle(struct uart_port *port)
{
	tty_throttle(uart_rx_tty(port), NULL, NULL);
}

/* Empties the receive FIFO (bounded, and no more than the tty takes); returns the last LSR. */
static u8 uart_receive_chars(struct uart_port *port)
{
	char buf[64];
	size_t n = 0, room = uart_rx_room(port);
	unsigned int budget = 256;
	u8 lsr = inb(port->iobase + UART_LSR);

	while ((lsr & (UART_LSR_DR | UART_LSR_BI)) && budget--) {
		if (n >= room) {
			uart_throttle(port);
			break;
		}
		char c = (char)inb(port->iobase + UART_RX);

		uart_count_errors(port, lsr);
		if (!(lsr & UART_LSR_BI)) /* a break reads as a NUL that nobody sent */
			buf[n++] = c;
		if (n == sizeof(buf)) {
			uart_deliver(port, buf, n);
			room -= n;
			n = 0;
		}
		lsr = inb(port->iobase + UART_LSR);
	}
	uart_count_errors(port, lsr);
	uart_deliver(port, buf, n);
	return lsr;
}

/* The transmitter is empty: give it up to a FIFO's worth from the ring. */
static void uart_transmit_chars(struct uart_port *port)
{
	unsigned int room = port->fifo_size;

	while (room-- && !tx_ring_empty(port)) {
		outb(port->iobase + UART_TX, (u8)port->tx_ring[port->tx_tail % SERIAL_TX_RING]);
		port->tx_tail++;
		port->counters.tx++;
	}
	if (tx_ring_empty(port) && (port->ier & UART_IER_THRI))
		uart_set_ier(port, port->ier & ~UART_IER_THRI);
	/* Room for sleeping writers. Not after an oops: nothing sleeps, and the wait queue's
	 * lock might be the one held where the oops happened. */
	if (!port->emergency && waitqueue_active(&port->tx_wait))
		wake_up_all(&port->tx_wait);
}

static irqreturn_t uart_interrupt(int irq, void *dev_id)
{
	struct uart_port *port = dev_id;
	bool handled = false;

	(void)irq;
	/* Edge-triggered ISA lines: loop until the UART has nothing pending, or no new edge comes. */
	for (unsigned int pass = 0; pass < UART_IRQ_PASSES; pass++) {
		u8 iir = inb(port->iobase + UART_IIR), lsr;

		if (iir & UART_IIR_NO_INT)
			break;
		handled = true;
		lsr = uart_receive_chars(port);
		if ((lsr & UART_LSR_THRE) && (port->ier & UART_IER_THRI))
			uart_transmit_chars(port);
		if ((iir & UART_IIR_ID) == 0)
			inb(port->iobase + UART_MSR);
	}
	return handled ? IRQ_HANDLED : IRQ_NONE;
}

/* Interrupts off. Sends what fits now and lets the THRE interrupt send the rest. */
static void uart_start_tx(struct uart_port *port)
{
	if (port->ier & UART_IER_THRI)
		return; /* the interrupt will come */
	if (inb(port->iobase + UART_LSR) & UART_LSR_THRE)
		uart_transmit_chars(port);
	if (!tx_ring_empty(port) && port->irq_requested)
		uart_set_ier(port, port->ier | UART_IER_THRI);
}

/* Interrupts off: waits (bounded) for an empty transmitter and refills it from the ring. */
static void uart_tx_poll_once(struct uart_port *port)
{
	for (unsigned int spins = 0; spins < UART_THRE_SPINS; spins++)
		if (inb(port->iobase + UART_LSR) & UART_LSR_THRE)
			break;
	uart_transmit_chars(port);
}

void uart_drain_polled(struct uart_port *port)
{
	unsigned long flags;

	local_irq_save(flags);
	while (!tx_ring_empty(port))
		uart_tx_poll_once(port);
	local_irq_restore(flags);
}

/*
 * A task that may sleep: interrupts on, no spinlock held, not the idle task. Console output
 * (interrupts off) and oopses never sleep here; the shell writing to a tty does.
 */
bool uart_may_sleep(void)
{
	return !irqs_disabled() && !in_atomic() && !(current->flags & PF_IDLE);
}

/* Called with interrupts off (flags: the caller's): sleeps until the ring is not full. */
static void uart_sleep_for_room(struct uart_port *port, unsigned long flags)
{
	uart_start_tx(port);
	local_irq_restore(flags);
	wait_event_timeout(port->tx_wait, !tx_ring_full(port), msecs_to_jiffies(UART_TX_WAIT_MS));
}

/*
 * The ring is full: wait for the interrupt to make room (sleeping, in a task), or poll when
 * there can be no interrupt (interrupts off, oops, no IRQ line).
 */
static unsigned long uart_make_room(struct uart_port *port, unsigned long flags)
{
	if (port->emergency || irqs_disabled_flags(flags) || !port->irq_requested) {
		uart_tx_poll_once(port);
		return flags;
	}
	if (!in_atomic() && !(current->flags & PF_IDLE)) {
		uart_sleep_for_room(port, flags);
	} else {
		uart_start_tx(port);
		cpu_idle(); /* interrupts on until the next one, then off again */
	}
	local_irq_save(flags);
	/* Woken by another interrupt (the timer) with the transmitter idle: a THRE interrupt
	 * went missing, so refill it here rather than wait forever. */
	if (tx_ring_full(port) && (inb(port->iobase + UART_LSR) & UART_LSR_THRE))
		uart_transmit_chars(port);
	return flags;
}

size_t uart_queue(struct uart_port *port, const char *buf, size_t n, bool add_cr)
{
	unsigned long flags;

	local_irq_save(flags);
	for (size_t i = 0; i < n; i++) {
		bool cr = add_cr && buf[i] == '\n';

		for (int k = cr ? 0 : 1; k < 2; k++) {
			while (tx_ring_full(port))
				flags = uart_make_room(port, flags);
			port->tx_ring[port->tx_head++ % SERIAL_TX_RING] = k ? buf[i] : '\r';
		}
	}
	if (port->emergency || !port->irq_requested) {
		while (!tx_ring_empty(port))
			uart_tx_poll_once(port);
	} else {
		uart_start_tx(port);
	}
	local_irq_restore(flags);
	return n;
}

/* One wait of uart_flush_wait: for the ring to empty (by interrupt), or for the FIFO. */
static void uart_flush_pause(struct uart_port *port)
{
	bool sleep = uart_may_sleep();

	if (tx_ring_empty(port)) {
		/* Only the hardware FIFO is left: no interrupt to wait for. 16 bytes take at most
		 * about 1.4 ms at 115200 baud, much longer at slow speeds. */
		if (sleep)
			usleep_range(100, 200);
		else
			udelay(10);
	} else if (sleep) {
		wait_event_timeout(port->tx_wait, tx_ring_empty(port), 1);
	} else {
		cpu_idle(); /* preemption off: halt until the next interrupt */
	}
}

/* Waits until the ring is empty and the transmitter idle; false after timeout_ms. */
bool uart_flush_wait(struct uart_port *port, unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;

	if (irqs_disabled() || port->emergency || !port->irq_requested) {
		uart_drain_polled(port);
		return true;
	}
	while (!tx_ring_empty(port) || !(inb(port->iobase + UART_LSR) & UART_LSR_TEMT)) {
		if (ktime_get_ns() > deadline)
			return false;
		uart_flush_pause(port);
	}
	return true;
}

/* Interrupts off. FIFO on (kept as is: the console port may have output in it). */
void uart_hw_init(struct uart_port *port)
{
	u16 io = port->iobase;

	if (port->type == UART_16550A)
		outb(io + UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER_14);
	outb(io + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	port->lcr = inb(io + UART_LCR);
	uart_receive_chars(port); /* what arrived before now raised no interrupt we could see */
	inb(io + UART_IIR);
	inb(io + UART_MSR);
	uart_set_ier(port, UART_IER_RDI | UART_IER_RLSI);
}

/* Interrupts off. The IRQ line is released by uart_free_irq. */
void uart_hw_shutdown(struct uart_port *port)
{
	uart_set_ier(port, 0);
	if (!port->is_console)
		outb(port->iobase + UART_MCR, 0);
}

int uart_request_irq(struct uart_port *port)
{
	int err = request_irq(port->irq, uart_interrupt, IRQF_SHARED, port->tty.name, port);

	port->irq_requested = err == 0;
	return err;
}

void uart_free_irq(struct uart_port *port)
{
	if (port->irq_requested)
		free_irq(port->irq, port);
	port->irq_requested = false;
}

static int uart_tty_write(struct tty_struct *tty, const char *buf, size_t n)
{
	return (int)uart_queue(tty->driver_data, buf, n, true);
}

static int uart_tty_set_termios(struct tty_struct *tty, const struct ktermios *t)
{
	struct uart_port *port = tty->driver_data;

	uart_flush_wait(port, 1000); /* a new divisor would garble bytes still going out */
	return uart_apply_termios(port, t);
}

static void uart_tty_flush_output(struct tty_struct *tty)
{
	uart_flush_wait(tty->driver_data, 1000);
}

const struct tty_operations uart_tty_ops = {
	.write = uart_tty_write,
	.set_termios = uart_tty_set_termios,
	.flush_output = uart_tty_flush_output,
};
