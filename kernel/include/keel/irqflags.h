/* Saving, disabling and restoring the local CPU's interrupt flag. */
#ifndef KEEL_IRQFLAGS_H
#define KEEL_IRQFLAGS_H

static inline unsigned long local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

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
