/* The Local APIC and the I/O APICs (kernel/irq/apic.c, ioapic.c), for the IRQ core. */
#ifndef KEEL_IRQ_APIC_H
#define KEEL_IRQ_APIC_H

#include <keel/types.h>
#include "irq/irq.h"

struct madt_info;
struct irq_chip;


/* Maps and enables the Local APIC at phys (xAPIC, uncached): 0, -ENODEV (no APIC in CPUID,
 * or x2APIC-only), -ENOMEM (no mapping). 8259 interrupts (LINT0) are masked from here on. */
int lapic_init(u64 phys);
void lapic_eoi(void);
u32 lapic_id(void);
bool lapic_enabled(void);

/* The I/O APICs the MADT lists, every pin masked: 0, -ENOMEM or -ENODEV (none answered). */
int ioapic_init(const struct madt_info *madt);
/* GSI and flags for irq (0-15: ISA through the overrides; 16 and up: the GSI of that number,
 * PCI's level/active low): 0, -ENODEV when no I/O APIC pin has that GSI, -EBUSY when an
 * override gives that GSI to another ISA IRQ. */
int ioapic_irq_to_gsi(unsigned int irq, u32 *gsi, bool *level, bool *active_low);
/* Programs the pin of gsi for vector (masked); 0 or -ENODEV. */
int ioapic_setup_pin(u32 gsi, u8 vector, bool level, bool active_low);
extern const struct irq_chip ioapic_chip;

#endif
