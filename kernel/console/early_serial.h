/* The polled COM1 console used from boot to power-off. */
#ifndef KEEL_CONSOLE_EARLY_SERIAL_H
#define KEEL_CONSOLE_EARLY_SERIAL_H

#include <keel/console.h>

void early_serial_init(void);
void early_serial_putc(char c);
void early_serial_write(const char *s, size_t n);
int early_serial_getc(void); /* -1 when nothing is waiting */
/* After irq_init: COM1's received-data interrupt (IRQ 4) feeds console_input_push(). */
void early_serial_irq_init(void);
extern struct console early_serial_console;

#endif
