/*
 * The polled COM1 console (115200 8N1) that works from the first line of C until power-off.
 * Polled on purpose: it must print oopses and panics whatever state interrupts are in.
 */
#include <keel/console.h>
#include <keel/io.h>
#include "console/early_serial.h"

#define COM1 0x3f8
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

static bool early_serial_present;

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
