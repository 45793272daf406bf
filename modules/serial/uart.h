/* serial.ko internals: the 16550 register map and one port's state, shared by its files. */
#ifndef SERIAL_UART_H
#define SERIAL_UART_H

#include <keel/compiler.h>
#include <keel/console.h>
#include <keel/tty.h>
#include <keel/types.h>
#include <keel/wait.h>

/* Registers, as offsets from the port's I/O base (DLAB = LCR bit 7 selects DLL/DLM). */
#define UART_RX 0  /* receive buffer (read) */
#define UART_TX 0  /* transmit holding (write) */
#define UART_DLL 0
#define UART_DLM 1
#define UART_IER 1
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmit holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID 0x0e
#define UART_IIR_FIFO_MASK 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIGGER_14 0xc0

#define UART_LCR_DLAB 0x80
#define UART_LCR_PARITY 0x08
#define UART_LCR_EVEN 0x10
#define UART_LCR_STOP2 0x04

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08 /* gates the IRQ line on PC serial ports */
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_CLOCK_BAUD 115200 /* 1.8432 MHz / 16: the baud rate of divisor 1 */

enum uart_type { UART_NONE, UART_8250, UART_16450, UART_16550, UART_16550A };

#define SERIAL_MAX_PORTS 8
#define SERIAL_TX_RING 4096 /* power of two: free-running indices */

struct uart_counters {
	unsigned long rx, tx;
	unsigned long overrun, framing, parity, brk;
};

/* Raw capture of received bytes ("taken" port): counted and checksummed in the IRQ handler. */
struct uart_sink {
	bool active;
	unsigned long limit; /* stop after this many bytes (0: no limit) */
	unsigned long count;
	u32 crc;
};

struct uart_port {
	struct tty_struct tty;
	u16 iobase;
	unsigned int irq;
	int line;             /* n of ttySn */
	enum uart_type type;
	unsigned int fifo_size;
	const char *bus_name; /* NULL for ISA, else the PCI device name */
	bool is_console;      /* COM1, taken over from the early console */
	bool irq_requested;
	bool emergency;       /* oops/panic: write polled from now on */
	u8 ier, lcr;
	struct uart_counters counters;
	struct uart_sink sink;
	char tx_ring[SERIAL_TX_RING];
	volatile unsigned int tx_head, tx_tail;
	/* Tasks writing to a full ring, or waiting for it to drain, sleep here; the THRE
	 * interrupt wakes them as it empties the ring. */
	wait_queue_head_t tx_wait;
	/* `serial recv` sleeps here until the sink has its bytes (woken from the IRQ handler). */
	wait_queue_head_t rx_wait;
	struct console console;
};

extern struct uart_port *serial_ports[SERIAL_MAX_PORTS];
extern int serial_first_dynamic_line;

/* probe.c */
enum uart_type uart_probe(u16 iobase);
const char *uart_type_name(enum uart_type type);
unsigned int uart_fifo_size(enum uart_type type);

/* port.c */
int uart_apply_termios(struct uart_port *port, const struct ktermios *t);
void uart_hw_init(struct uart_port *port);
void uart_hw_shutdown(struct uart_port *port);
/* Flow control towards the tty (port.c): resume taking received data; forget a pending resume. */
void uart_unthrottle(void *port);
void uart_cancel_throttle(struct uart_port *port);
int uart_request_irq(struct uart_port *port);
void uart_free_irq(struct uart_port *port);
size_t uart_queue(struct uart_port *port, const char *buf, size_t n, bool add_cr);
void uart_drain_polled(struct uart_port *port);
bool uart_flush_wait(struct uart_port *port, unsigned int timeout_ms);
bool uart_may_sleep(void);
extern const struct tty_operations uart_tty_ops;

/* ports.c */
struct uart_port *serial_port_add(int line, u16 iobase, unsigned int irq, enum uart_type type,
				  const char *bus_name, bool console, int *errp);
void serial_port_remove(struct uart_port *port);
struct uart_port *serial_port_find(const char *name);

/* console.c */
int serial_console_takeover(struct uart_port *port);
void serial_console_giveback(struct uart_port *port);

/* command.c */
int serial_command_register(void);
void serial_command_unregister(void);
void serial_sink_start(struct uart_port *port, unsigned long limit);
void serial_sink_stop(struct uart_port *port);

/* pci.c */
int serial_pci_register(void);
void serial_pci_unregister(void);

#endif
