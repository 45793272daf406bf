/*
 * Entry stubs for all 256 IDT vectors. Each stub is 16 bytes: it pushes a zero error code when
 * the CPU does not push one, then the vector number, and joins isr_common, which completes a
 * struct pt_regs (keel/ptrace.h) and calls idt_dispatch(regs).
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

	.global isr_common
isr_common:
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	/* A frame record (interrupted RIP, interrupted RBP) so backtraces continue into the
	 * interrupted code. 17 pushes of 8 bytes each plus the CPU's frame keep RSP 16-aligned. */
	pushq 17 * 8(%rsp)
	pushq %rbp
	mov %rsp, %rbp
	lea 16(%rsp), %rdi
	call idt_dispatch
	add $16, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	add $16, %rsp	/* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
