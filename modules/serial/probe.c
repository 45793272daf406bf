/*
 * Telling whether a 16550-family UART sits at an I/O address, and which one: the interrupt
 * enable register must hold what is written, loopback must mirror the modem control lines,
 * then the scratch register and the FIFO bits of IIR separate 8250, 16450, 16550 and 16550A.
 * Call with interrupts off; every register touched is restored except the FIFO control.
 */
#include <keel/io.h>
#include "uart.h"

#define UART_TEMT_SPINS 100000

/* Bytes still in the transmitter would be looped back (and lost) by the loopback test. */
static void uart_wait_transmitter_empty(u16 io)
{
	for (unsigned int spins = 0; spins < UART_TEMT_SPINS; spins++)
		if (inb(io + UART_LSR) & UART_LSR_TEMT)
			return;
}

/* Bits 2-3 only: unlike THRI or RDI they cannot raise an interrupt during the test. */
static bool uart_ier_holds_values(u16 io)
{
	u8 saved = inb(io + UART_IER);
	bool ok;

	outb(io + UART_IER, 0x00);
	ok = inb(io + UART_IER) == 0x00;
	outb(io + UART_IER, 0x0c);
	ok = ok && (inb(io + UART_IER) & 0x0f) == 0x0c;
	outb(io + UART_IER, saved);
	return ok;
}

/* In loopback, RTS shows as CTS and OUT2 as DCD in the modem status register. */
static bool uart_loopback_works(u16 io)
{
	u8 saved = inb(io + UART_MCR);
	u8 status;

	outb(io + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	status = inb(io + UART_MSR) & 0xf0;
	outb(io + UART_MCR, saved);
	inb(io + UART_MSR); /* clear the deltas the test caused */
	return status == 0x90;
}

static bool uart_has_scratch(u16 io)
{
	u8 saved = inb(io + UART_SCR);
	bool ok;

	outb(io + UART_SCR, 0x55);
	ok = inb(io + UART_SCR) == 0x55;
	outb(io + UART_SCR, 0xaa);
	ok = ok && inb(io + UART_SCR) == 0xaa;
	outb(io + UART_SCR, saved);
	return ok;
}

enum uart_type uart_probe(u16 io)
{
	u8 fifo_bits;

	uart_wait_transmitter_empty(io);
	if (!uart_ier_holds_values(io) || !uart_loopback_works(io))
		return UART_NONE;
	/* Enabling the FIFO without the clear bits keeps what it holds. */
	outb(io + UART_FCR, UART_FCR_ENABLE);
	fifo_bits = inb(io + UART_IIR) & UART_IIR_FIFO_MASK;
	if (fifo_bits == UART_IIR_FIFO_MASK)
		return UART_16550A;
	outb(io + UART_FCR, 0x00); /* a 16550's FIFO is unreliable: never use it */
	if (fifo_bits)
		return UART_16550;
	return uart_has_scratch(io) ? UART_16450 : UART_8250;
}

const char *uart_type_name(enum uart_type type)
{
	switch (type) {
	case UART_8250:
		return "8250";
	case UART_16450:
		return "16450";
	case UART_16550:
		return "16550";
	case UART_16550A:
		return "16550A";
	default:
		return "unknown";
	}
}

unsigned int uart_fifo_size(enum uart_type type)
{
	return type == UART_16550A ? 16 : 1;
}
