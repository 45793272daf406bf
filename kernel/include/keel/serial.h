/*
 * The serial console hand-over between the base kernel's polled COM1 console
 * (kernel/console/early_serial.c) and a serial driver module (modules/serial/).
 *
 * Call both with interrupts disabled, so that no printk, from IRQ context either, can find both
 * consoles registered or neither: the caller registers its own console right after
 * early_serial_release() and unregisters it right before early_serial_reclaim().
 */
#ifndef KEEL_SERIAL_H
#define KEEL_SERIAL_H

#define EARLY_SERIAL_PORT 0x3f8 /* COM1 */
#define EARLY_SERIAL_IRQ 4

/*
 * Unregisters the early console and frees its IRQ 4 handler, leaving the UART's interrupts
 * off: COM1 is the caller's. 0, or -ENODEV when there is no early console to take over.
 */
int early_serial_release(void);
/* Takes COM1 back: the early console is registered again and input comes through IRQ 4. */
void early_serial_reclaim(void);

#endif
