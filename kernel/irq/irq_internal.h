/* Shared inside kernel/irq/: how the controller setup and MSI code attach chips to lines. */
#ifndef KEEL_IRQ_IRQ_INTERNAL_H
#define KEEL_IRQ_IRQ_INTERNAL_H

#include <keel/irq.h>

/* Line irq is delivered by chip (NULL: by nothing); resets its counters. Interrupts off. */
void irq_line_set_chip(unsigned int irq, const struct irq_chip *chip, void *chip_data,
		       u32 hwirq, bool level);
bool irq_line_has_chip(unsigned int irq);
const struct irq_chip *irq_line_chip(unsigned int irq);

/* Frees every handler still on line irq, with a warning naming owner. Task context. */
void irq_release_line(unsigned int irq, const char *owner);
/* MSI IRQs currently allocated (kernel/irq/msi.c). */
unsigned int irq_msi_in_use(void);

extern const struct irq_chip pic_chip;

#endif
