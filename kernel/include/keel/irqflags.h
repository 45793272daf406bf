/* Saving, disabling and restoring the local CPU's interrupt flag. */
#ifndef KEEL_IRQFLAGS_H
#define KEEL_IRQFLAGS_H

#include <keel/types.h>

/* Returns the flags and disables interrupts; local_irq_save(flags) is the usual spelling. */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

/* Linux's form: a macro that assigns the caller's `unsigned long flags`. IRQ-safe. */
#define local_irq_save(flags)                                                              \
	do {                                                                               \
		(flags) = arch_local_irq_save();                                           \
	} while (0)

static inline bool irqs_disabled_flags(unsigned long flags) { return !(flags & (1UL << 9)); }

static inline unsigned long arch_local_save_flags(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags) : : "memory");
	return flags;
}

static inline bool irqs_disabled(void) { return irqs_disabled_flags(arch_local_save_flags()); }

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		__asm__ __volatile__("sti" ::: "memory");
}

static inline void local_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ __volatile__("hlt" ::: "memory"); }
/* Atomically enable interrupts and halt, so a wake-up interrupt cannot slip in between. */
static inline void cpu_idle(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }

#endif
