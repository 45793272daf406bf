/*
 * The SYSCALL entry (LSTAR points here) and the way back. SYSCALL leaves the user RIP in RCX,
 * RFLAGS in R11 (FMASK cleared IF, DF, TF, AC), and does not switch stacks: swapgs makes GS
 * the per-CPU area, whose top_of_stack is the task's kernel stack. A struct pt_regs is built
 * there exactly as an interrupt from ring 3 would build it (ss, rsp, rflags, cs, rip, error
 * code, vector, then the registers), with vector -1 marking a system call and the error code
 * slot holding the system call number (Linux's orig_ax).
 *
 * do_syscall_64() returns whether SYSRET may be used: it may not when the return RIP is
 * non-canonical (SYSRET would #GP in ring 0 with the user's RSP: Intel's SYSRET bug, which
 * Linux avoids the same way) or TF/RF are set; then IRET returns instead.
 */
#include <keel/layout.h>

#define CPU_USER_RSP 0      /* offsetof(struct cpu_entry_area, user_rsp), checked in syscall.c */
#define CPU_TOP_OF_STACK 8
#define USER_DS (0x30 | 3)
#define USER_CS (0x38 | 3)

	.text
	.global entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_TOP_OF_STACK, %rsp
	pushq $USER_DS
	pushq %gs:CPU_USER_RSP
	pushq %r11		/* user RFLAGS */
	pushq $USER_CS
	pushq %rcx		/* user RIP */
	pushq %rax		/* error code slot: the system call number */
	pushq $-1		/* vector: a system call */
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
	xorl %ebp, %ebp		/* backtraces end here, not in user memory */
	movq %rsp, %rdi
	call do_syscall_64	/* returns with interrupts off */
	testb %al, %al
	jz restore_regs_and_return	/* entry.S: IRET, with swapgs */
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
	addq $16, %rsp		/* vector and error code */
	movq (%rsp), %rcx	/* RIP, checked canonical */
	movq 16(%rsp), %r11	/* RFLAGS */
	movq 24(%rsp), %rsp	/* the user stack */
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/* void ret_to_user_mode(struct pt_regs *regs): the first entry of a process into ring 3, from
 * a frame at the top of its kernel stack (everything below it is abandoned). */
	.global ret_to_user_mode
	.type ret_to_user_mode, @function
ret_to_user_mode:
	cli
	movq %rdi, %rsp
	jmp restore_regs_and_return
	.size ret_to_user_mode, . - ret_to_user_mode

	.section .note.GNU-stack, "", @progbits
