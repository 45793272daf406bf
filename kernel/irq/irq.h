/* Interrupt controller and timer setup for the base kernel. */
#ifndef KEEL_IRQ_IRQ_H
#define KEEL_IRQ_IRQ_H

#include <keel/irq.h>

void irq_init(void);   /* remapped 8259 PICs (or APIC), dispatch, spurious IRQ handling */

#define NR_IRQS 16
#define IRQ_VECTOR_BASE 0x20 /* IRQ n arrives on vector IRQ_VECTOR_BASE + n */

/* Called by the IDT code, interrupts off, for vectors IRQ_VECTOR_BASE..+NR_IRQS-1. */
void irq_dispatch(unsigned int irq);

/* One line per IRQ with handlers or hits ("  4:        12  ttyS0"), then the spurious count;
 * for the shell's `irqs` command. */
void irq_show_stats(void (*out)(const char *line));
/* For /proc/interrupts: line irq's count and its handlers' names ("a, b", "" when none) at
 * one instant; false when the line has neither handlers nor interrupts. Never sleeps. */
bool irq_snapshot(unsigned int irq, u64 *count, char *names, size_t size);
/* Interrupts no line claimed (spurious IRQ 7/15), for /proc/interrupts' ERR row. */
u64 irq_spurious(void);
/* Frees handlers whose code or dev_id lies in [start, end) (module teardown); returns the count. */
unsigned int irq_release_range(unsigned long start, unsigned long end, const char *owner);

#endif
