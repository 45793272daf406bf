/* Hardware interrupt registration for drivers (interface; implemented in kernel/irq/). */
#ifndef KEEL_IRQ_H
#define KEEL_IRQ_H

#include <keel/types.h>

typedef enum { IRQ_NONE = 0, IRQ_HANDLED = 1 } irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x00000080

/*
 * Installs handler for irq (0-15): 0, -EINVAL (bad irq/handler), -EBUSY (line taken and not
 * shared by both), -ENOMEM. Unlike Linux's it never sleeps, so it may be called with
 * interrupts off: a serial console hand-over must swap the early console's handler for the
 * driver's in one step. free_irq likewise. Follows Linux's request_irq.
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev_id);
void free_irq(unsigned int irq, void *dev_id);
void enable_irq(unsigned int irq);
void disable_irq(unsigned int irq);

#endif
