/* Interrupt controller and timer setup for the base kernel. */
#ifndef KEEL_IRQ_IRQ_H
#define KEEL_IRQ_IRQ_H

#include <keel/irq.h>

void irq_init(void);   /* remapped 8259 PICs (or APIC), dispatch, spurious IRQ handling */
void timer_init(void); /* periodic tick at HZ, TSC calibration, uptime */
u64 boot_tsc_start(void); /* TSC at kernel entry, for the entry-to-prompt figure */
u64 tsc_to_ns(u64 ticks);

#endif
