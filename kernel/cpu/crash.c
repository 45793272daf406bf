/*
 * Faults on purpose (the shell's `crash` command), to show and test the oops path. Each fault
 * happens inside its own noinline crash_<kind> function so the oops names it. The faulting
 * instructions are inline assembly so the compiler can neither fold nor drop them.
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "cpu/cpu.h"

/* Inside no region of keel/layout.h: never mapped. */
#define CRASH_UNMAPPED_ADDR 0xffffc7ff00000000UL
#define CRASH_NONCANONICAL_ADDR 0xdead000000000000UL

/* Taking the frame address makes GCC give even these leaf functions an RBP frame, so the trace
 * reaches crash_trigger reliably (crash_df's stack cannot be read to find it otherwise). */
#define CRASH_KEEP_FRAME() __asm__ __volatile__("" : : "r"(__builtin_frame_address(0)))

void crash_pf(void);
void crash_gp(void);
void crash_ud(void);
void crash_de(void);
void crash_df(void);

void __noinline crash_pf(void)
{
	CRASH_KEEP_FRAME();
	__asm__ __volatile__("movl $0x4b45454c, (%0)" : : "r"(CRASH_UNMAPPED_ADDR) : "memory");
}

void __noinline crash_gp(void)
{
	unsigned long v;

	CRASH_KEEP_FRAME();
	__asm__ __volatile__("movq (%1), %0" : "=r"(v) : "r"(CRASH_NONCANONICAL_ADDR) : "memory");
}

void __noinline crash_ud(void)
{
	CRASH_KEEP_FRAME();
	__asm__ __volatile__("ud2");
}

void __noinline crash_de(void)
{
	unsigned int quotient, divisor = 0;

	CRASH_KEEP_FRAME();
	__asm__ __volatile__("xorl %%edx, %%edx\n\t"
			     "divl %1"
			     : "=a"(quotient), "+r"(divisor)
			     : "0"(1U)
			     : "rdx");
	(void)quotient;
}

/*
 * The stack pointer goes to an unmapped page and a push faults: delivering that #PF needs the
 * same stack, so it faults again, which the CPU turns into a double fault. #DF runs on its IST
 * stack and RBP still points at this function's frame, so the trace stays readable.
 */
void __noinline crash_df(void)
{
	CRASH_KEEP_FRAME();
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "pushq $0"
			     :
			     : "r"(CRASH_UNMAPPED_ADDR + 0x1000)
			     : "memory");
	__builtin_unreachable();
}

static const struct {
	const char *kind;
	void (*fn)(void);
} crash_kinds[] = {
	{ "pf", crash_pf }, { "gp", crash_gp }, { "ud", crash_ud },
	{ "de", crash_de }, { "df", crash_df },
};

int crash_trigger(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(crash_kinds); i++) {
		if (kind && strcmp(kind, crash_kinds[i].kind) == 0) {
			pr_emerg("crash: triggering %s on purpose\n", kind);
			crash_kinds[i].fn();
			return 0; /* not reached: the fault halts the kernel */
		}
	}
	return -EINVAL;
}
