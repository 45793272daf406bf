/* The register frame every exception and interrupt entry saves (kernel/cpu/entry.S builds it). */
#ifndef KEEL_PTRACE_H
#define KEEL_PTRACE_H

#include <keel/types.h>

/* Lowest address first: the order entry.S pushes in, reversed. */
struct pt_regs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi;
	u64 vector;     /* IDT vector the entry stub pushed */
	u64 error_code; /* the CPU's error code, or 0 for vectors without one */
	/* Pushed by the CPU. */
	u64 rip, cs, rflags, rsp, ss;
};

#endif
