/*
 * Lazy FPU/SSE switching. Kernel code is built without SSE, so most tasks never touch the FPU
 * and pay nothing for it. A switch to a task that does not own the FPU registers sets CR0.TS;
 * that task's first x87/SSE instruction then traps (#NM), and only then is the owner's state
 * saved (FXSAVE) and the task's restored (FXRSTOR) or initialized. A task's 512-byte save area
 * is allocated on its first use.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "sched/sched.h"

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define MXCSR_DEFAULT 0x1f80 /* every SIMD exception masked, round to nearest */
#define FXSAVE_MXCSR_OFFSET 24
#define MXCSR_VALID_BITS 0xffbfU /* all but DAZ, which old CPUs lack */

struct fpu_state {
	u8 fxsave[512];
} __aligned(16);

static struct task_struct *fpu_owner; /* whose state is in the registers, or NULL */

static unsigned long read_cr0(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void write_cr0(unsigned long v) { __asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory"); }
static void clts(void) { __asm__ __volatile__("clts" ::: "memory"); }
static void stts(void) { write_cr0(read_cr0() | CR0_TS); }

static void fxsave(struct fpu_state *st)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*st) : : "memory");
}

static void fxrstor(const struct fpu_state *st)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(*st) : "memory");
}

static void fpu_init_registers(void)
{
	u32 mxcsr = MXCSR_DEFAULT;

	__asm__ __volatile__("fninit; ldmxcsr %0" : : "m"(mxcsr) : "memory");
}

/* #NM: the current task wants the FPU. Interrupts are off (interrupt gate). */
static bool fpu_trap(void)
{
	struct task_struct *t = current;

	if (in_interrupt()) {
		pr_emerg("BUG: FPU/SSE used in interrupt context\n");
		return false; /* the oops follows */
	}
	clts();
	if (fpu_owner == t)
		return true;
	if (fpu_owner)
		fxsave(fpu_owner->fpu);
	if (!t->fpu) {
		t->fpu = kmalloc(sizeof(*t->fpu), GFP_ATOMIC); /* in the #NM trap */
		if (!t->fpu) {
			pr_emerg("fpu: no memory for the FPU state of %s (pid %d)\n", t->comm, t->pid);
			fpu_owner = NULL;
			return false;
		}
		t->flags |= PF_USED_FPU;
		fpu_init_registers();
	} else {
		fxrstor(t->fpu);
	}
	fpu_owner = t;
	return true;
}

void fpu_switch(struct task_struct *prev, struct task_struct *next)
{
	(void)prev;
	if (next == fpu_owner)
		clts();
	else
		stts();
}

void fpu_release(struct task_struct *t)
{
	unsigned long flags;

	local_irq_save(flags);
	if (fpu_owner == t)
		fpu_owner = NULL;
	local_irq_restore(flags);
	kfree(t->fpu);
	t->fpu = NULL;
}

void fpu_init(void)
{
	unsigned long cr4;

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~CR0_EM);
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
	fpu_trap_hook = fpu_trap;
	stts(); /* nobody owns the FPU yet */
}

int fpu_copy(struct task_struct *dst, struct task_struct *src)
{
	unsigned long flags;

	if (!src->fpu)
		return 0;
	dst->fpu = kmalloc(sizeof(*dst->fpu), GFP_KERNEL);
	if (!dst->fpu)
		return -ENOMEM;
	local_irq_save(flags);
	if (fpu_owner == src)
		fxsave(src->fpu); /* the live registers are newer than the save area */
	memcpy(dst->fpu, src->fpu, sizeof(*dst->fpu));
	local_irq_restore(flags);
	dst->flags |= PF_USED_FPU;
	return 0;
}

bool fpu_get_state(struct task_struct *t, void *buf)
{
	unsigned long flags;

	if (!t->fpu)
		return false;
	local_irq_save(flags);
	if (fpu_owner == t)
		fxsave(t->fpu);
	memcpy(buf, t->fpu, sizeof(*t->fpu));
	local_irq_restore(flags);
	return true;
}

int fpu_set_state(struct task_struct *t, const void *buf)
{
	unsigned long flags;
	u32 *mxcsr;

	if (!t->fpu)
		t->fpu = kmalloc(sizeof(*t->fpu), GFP_KERNEL);
	if (!t->fpu)
		return -ENOMEM;
	local_irq_save(flags);
	memcpy(t->fpu, buf, sizeof(*t->fpu));
	mxcsr = (u32 *)(t->fpu->fxsave + FXSAVE_MXCSR_OFFSET);
	*mxcsr &= MXCSR_VALID_BITS; /* a reserved bit would make FXRSTOR fault in the kernel */
	t->flags |= PF_USED_FPU;
	if (fpu_owner == t)
		fxrstor(t->fpu);
	local_irq_restore(flags);
	return 0;
}
