/* Interrupt controller and timer setup for the base kernel. */
#ifndef KEEL_IRQ_IRQ_H
#define KEEL_IRQ_IRQ_H

#include <keel/irq.h>

void irq_init(void);   /* remapped 8259 PICs (or APIC), dispatch, spurious IRQ handling */

/*
 * IRQ n arrives on vector IRQ_VECTOR_BASE + n, whatever the controller: 0-15 ISA (8259 or
 * I/O APIC), 16-47 I/O APIC GSIs, IRQ_MSI_FIRST.. MSI; the Local APIC's spurious vector 0xff
 * sits above them all.
 */
#define IRQ_VECTOR_BASE 0x20
#define NR_IRQS 192 /* vectors 0x20-0xdf */
#define NR_ISA_IRQS 16
#define IRQ_GSI_LIMIT 48
#define IRQ_MSI_FIRST IRQ_GSI_LIMIT
#define LAPIC_SPURIOUS_VECTOR 0xff

/* Called by the IDT code, interrupts off, for vectors IRQ_VECTOR_BASE..0xff. */
void irq_dispatch_vector(unsigned int vector);
void irq_dispatch(unsigned int irq);

/* One line of /proc/interrupts or `irqs`, copied at one instant. */
struct irq_info {
	u64 count, unhandled;
	bool disabled;
	const char *chip; /* "XT-PIC", "IO-APIC", "PCI-MSI", "none" */
	char hw[24];      /* "2-edge", "16-fasteoi" */
	char names[96];   /* "a, b", "" when no handler */
};

/* One line per IRQ with handlers or hits ("  4:        12  ttyS0"), then the spurious count;
 * for the shell's `irqs` command. */
void irq_show_stats(void (*out)(const char *line));
/* For /proc/interrupts: line irq at one instant; false when the line has neither handlers
 * nor interrupts (or irq >= NR_IRQS). Never sleeps. */
bool irq_snapshot(unsigned int irq, struct irq_info *info);

/* Interrupts no line claimed (spurious IRQ 7/15), for /proc/interrupts' ERR row. */
u64 irq_spurious(void);
/* Frees handlers whose code or dev_id lies in [start, end) (module teardown); returns the count. */
unsigned int irq_release_range(unsigned long start, unsigned long end, const char *owner);

#endif
