/*
 * Entry stubs for all 256 IDT vectors. Each stub is 16 bytes: it pushes a zero error code when
 * the CPU does not push one, then the vector number, and joins isr_common, which completes a
 * struct pt_regs (keel/ptrace.h) and calls idt_dispatch(regs).
 *
 * isr_common carries DWARF CFI (in .debug_frame, as the C code's) so that gdb unwinds through
 * an interrupt into the interrupted code: the canonical frame address is just above the CPU's
 * frame (ss), and the interrupted rip, rsp and registers are read from where they were pushed.
 */

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
			   (v) == 29 || (v) == 30)
#define STUB_SIZE 16

	.text
	.balign STUB_SIZE
	.global isr_stub_table
isr_stub_table:
	vector = 0
	.rept 256
	.balign STUB_SIZE
	.if HAS_ERROR_CODE(vector) == 0
	pushq $0
	.endif
	pushq $vector
	jmp isr_common
	vector = vector + 1
	.endr

/* A push the unwinder knows about: the CFA moves, the register is saved at the new top. */
.macro PUSH_REG reg
	pushq %\reg
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset \reg, 0
.endm

.macro POP_REG reg
	popq %\reg
	.cfi_adjust_cfa_offset -8
	.cfi_restore \reg
.endm

	.cfi_sections .debug_frame
	.global isr_common
	.type isr_common, @function
isr_common:
	/* On entry: vector, error code, then the CPU's rip, cs, rflags, rsp, ss (7 words). The
	 * interrupted rip is exact, not a return address: a signal frame for the unwinder. */
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa rsp, 7 * 8
	.cfi_offset rip, -5 * 8
	.cfi_offset rsp, -2 * 8
	testb $3, 3 * 8(%rsp)	/* the interrupted CS: from ring 3? */
	jz 1f
	swapgs
1:
	PUSH_REG rdi
	PUSH_REG rsi
	PUSH_REG rdx
	PUSH_REG rcx
	PUSH_REG rax
	PUSH_REG r8
	PUSH_REG r9
	PUSH_REG r10
	PUSH_REG r11
	PUSH_REG rbx
	PUSH_REG rbp
	PUSH_REG r12
	PUSH_REG r13
	PUSH_REG r14
	PUSH_REG r15
	cld
	/* A frame record (interrupted RIP, interrupted RBP) so backtraces continue into the
	 * interrupted code. 17 pushes of 8 bytes each plus the CPU's frame keep RSP 16-aligned. */
	pushq 17 * 8(%rsp)
	.cfi_adjust_cfa_offset 8
	pushq %rbp
	.cfi_adjust_cfa_offset 8
	mov %rsp, %rbp
	lea 16(%rsp), %rdi
	call idt_dispatch
	add $16, %rsp
	.cfi_adjust_cfa_offset -16
	.global restore_regs_and_return
restore_regs_and_return:
	POP_REG r15
	POP_REG r14
	POP_REG r13
	POP_REG r12
	POP_REG rbp
	POP_REG rbx
	POP_REG r11
	POP_REG r10
	POP_REG r9
	POP_REG r8
	POP_REG rax
	POP_REG rcx
	POP_REG rdx
	POP_REG rsi
	POP_REG rdi
	add $16, %rsp	/* vector and error code */
	.cfi_adjust_cfa_offset -16
	testb $3, 8(%rsp)	/* returning to ring 3? */
	jz 2f
	swapgs
2:
	iretq
	.cfi_endproc
	.size isr_common, . - isr_common

	.section .note.GNU-stack, "", @progbits
