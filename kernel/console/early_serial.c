/*
 * The polled COM1 console (115200 8N1) that works from the first line of C until power-off.
 * Output is polled on purpose: it must print oopses and panics whatever state interrupts are
 * in. Input arrives by interrupt (IRQ 4) once the IRQ layer is up, into the console input queue.
 * A serial driver module may take COM1 over (early_serial_release) and give it back
 * (early_serial_reclaim); see <keel/serial.h>.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/serial.h>
#include "console/early_serial.h"

#define COM1 EARLY_SERIAL_PORT
#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_DATA 0x01
#define COM1_IRQ EARLY_SERIAL_IRQ

static bool early_serial_present;
static bool early_serial_irq_owned; /* our IRQ 4 handler is registered */
static bool early_serial_released;  /* a driver module owns COM1 */

void early_serial_init(void)
{
	outb(COM1 + UART_SCR, 0x5a);
	if (inb(COM1 + UART_SCR) != 0x5a)
		return; /* no UART: stay silent rather than spin on a floating LSR */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80); /* DLAB on: divisor 1 = 115200 baud */
	outb(COM1 + UART_DLL, 0x01);
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte trigger */
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
	early_serial_present = true;
}

void early_serial_putc(char c)
{
	unsigned int spins = 0;

	if (!early_serial_present)
		return;
	/* Bounded wait: a wedged UART must not hang an oops. */
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY) && ++spins < 1000000)
		;
	outb(COM1 + UART_THR, (u8)c);
}

void early_serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			early_serial_putc('\r');
		early_serial_putc(s[i]);
	}
}

int early_serial_getc(void)
{
	if (!early_serial_present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_RBR);
}

static void early_serial_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	early_serial_write(s, n);
}

struct console early_serial_console = {
	.name = "ttyS0-early",
	.write = early_serial_console_write,
};

static unsigned int early_serial_drain_rx(void)
{
	unsigned int n = 0;
	int c;

	/* Bounded: a UART stuck with data ready must not keep us here forever. */
	while (n < 256 && (c = early_serial_getc()) >= 0) {
		console_input_push((char)c);
		n++;
	}
	return n;
}

static irqreturn_t early_serial_interrupt(int irq, void *dev_id)
{
	return early_serial_drain_rx() ? IRQ_HANDLED : IRQ_NONE;
}

void early_serial_irq_init(void)
{
	int err;

	if (!early_serial_present)
		return;
	err = request_irq(COM1_IRQ, early_serial_interrupt, 0, "ttyS0", &early_serial_console);
	if (err) {
		pr_err("serial: cannot get IRQ %d for COM1 input: %d\n", COM1_IRQ, err);
		return;
	}
	early_serial_irq_owned = true;
	early_serial_drain_rx(); /* bytes typed before now would never raise an interrupt */
	outb(COM1 + UART_IER, IER_RX_DATA);
}

int early_serial_release(void)
{
	if (!early_serial_present || early_serial_released)
		return -ENODEV;
	unregister_console(&early_serial_console);
	outb(COM1 + UART_IER, 0x00);
	if (early_serial_irq_owned)
		free_irq(COM1_IRQ, &early_serial_console);
	early_serial_irq_owned = false;
	early_serial_released = true;
	return 0;
}
EXPORT_SYMBOL_GPL(early_serial_release);

void early_serial_reclaim(void)
{
	if (!early_serial_released)
		return;
	early_serial_released = false;
	register_console(&early_serial_console);
	early_serial_irq_init();
}
EXPORT_SYMBOL_GPL(early_serial_reclaim);
