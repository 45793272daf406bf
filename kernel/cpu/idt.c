/*
 * The IDT: 256 interrupt gates into entry.S's stubs, and idt_dispatch(), which routes a saved
 * frame to the oops code (exceptions), the NMI report or the IRQ layer (PIC vectors).
 */
#include <keel/compiler.h>
#include <keel/export.h>
#include <keel/preempt.h>
#include <keel/printk.h>
#include "cpu/cpu.h"
#include "cpu/traps.h"
#include "irq/irq.h"

#define IDT_ENTRIES 256
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */
#define STUB_SIZE 16

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct idt_pointer {
	u16 limit;
	u64 base;
} __packed;

extern const u8 isr_stub_table[]; /* entry.S: IDT_ENTRIES stubs of STUB_SIZE bytes */

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
static unsigned long unexpected_vectors;

/* This CPU's preemption state (<keel/preempt.h>), here because interrupt entry keeps it.
 * Exported: preempt_disable()/spin_lock() in modules are inline and touch them directly. */
int __preempt_count;
EXPORT_SYMBOL(__preempt_count);
bool __need_resched;
EXPORT_SYMBOL(__need_resched);
bool (*fpu_trap_hook)(void);
void (*irq_exit_preempt_hook)(void);

#define RFLAGS_IF (1UL << 9)
#define VEC_DEVICE_NOT_AVAILABLE 7

_Static_assert(sizeof(struct pt_regs) == 22 * 8, "entry.S pushes 22 quadwords");
_Static_assert(__builtin_offsetof(struct pt_regs, rip) == 17 * 8, "entry.S finds RIP there");

static void idt_set_gate(unsigned int vector, unsigned long handler, unsigned int ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

static unsigned int vector_ist(unsigned int vector)
{
	switch (vector) {
	case VEC_DOUBLE_FAULT:
		return IST_DOUBLE_FAULT;
	case VEC_NMI:
		return IST_NMI;
	case VEC_MACHINE_CHECK:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

void idt_init(void)
{
	struct idt_pointer ptr = { .limit = sizeof(idt) - 1, .base = (u64)idt };

	for (unsigned int v = 0; v < IDT_ENTRIES; v++)
		idt_set_gate(v, (unsigned long)isr_stub_table + v * STUB_SIZE, vector_ist(v));
	__asm__ __volatile__("lidt %0" : : "m"(ptr) : "memory");
}

/* An NMI is reported, not fatal: QEMU's `nmi` monitor command and watchdogs send them. */
static void nmi_report(struct pt_regs *regs)
{
	char sym[128];

	symbolize_address(regs->rip, false, sym, sizeof(sym));
	pr_emerg("NMI received (RIP %s); continuing\n", sym);
}

void idt_dispatch(struct pt_regs *regs)
{
	unsigned long v = regs->vector;

	if ((v >= IRQ_VECTOR_BASE && v < IRQ_VECTOR_BASE + NR_IRQS) || v == LAPIC_SPURIOUS_VECTOR) {
		preempt_count_add(HARDIRQ_OFFSET);
		irq_dispatch_vector(v);
		preempt_count_sub(HARDIRQ_OFFSET);
		/* Preempt only code that had interrupts on: code with them off is atomic. */
		if ((regs->rflags & RFLAGS_IF) && irq_exit_preempt_hook)
			irq_exit_preempt_hook();
	} else if (v == VEC_DEVICE_NOT_AVAILABLE && fpu_trap_hook && fpu_trap_hook()) {
		return;
	} else if (v == VEC_NMI) {
		nmi_report(regs);
	} else if (v < NR_EXCEPTIONS) {
		if (!handle_exception(regs))
			oops(regs);
	} else if (unexpected_vectors++ < 10) {
		pr_warn("cpu: unexpected interrupt on vector 0x%lx; ignored\n", v);
	}
	if (user_mode(regs))
		exit_to_user_mode(regs);
}

void cpu_init(void)
{
	gdt_init();
	idt_init();
	syscall_init();
	/* Before apply_log_options(): logged, not shown on the console. */
	pr_debug("cpu: GDT, TSS (IST stacks for #DF, NMI, #MC) and IDT (%d vectors) loaded\n",
		IDT_ENTRIES);
}
