/*
 * The context switch: the only place one kernel stack is left for another. Everything the C
 * calling convention lets a callee clobber is already saved by the compiler around the call
 * of __switch_to_asm, so only the callee-saved registers and the stack pointer change hands.
 *
 *   prev's stack after the pushes          next's stack before the pops
 *   | return address into schedule |       | return address (schedule, or ret_from_kthread) |
 *   | rbp rbx r12 r13 r14 r15      | <-sp  | rbp rbx r12 r13 r14 r15                       |
 *
 * CFI (in .debug_frame, like the C code's) lets gdb unwind through both: ret_from_kthread_asm
 * says the return address is undefined, which ends a kernel thread's backtrace there.
 */
#define TASK_THREAD_SP 0 /* offsetof(struct task_struct, thread.sp), checked in core.c */

	.cfi_sections .debug_frame
	.text
	.global __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	.cfi_startproc
	pushq %rbp
	.cfi_adjust_cfa_offset 8
	pushq %rbx
	.cfi_adjust_cfa_offset 8
	pushq %r12
	.cfi_adjust_cfa_offset 8
	pushq %r13
	.cfi_adjust_cfa_offset 8
	pushq %r14
	.cfi_adjust_cfa_offset 8
	pushq %r15
	.cfi_adjust_cfa_offset 8
	movq %rsp, TASK_THREAD_SP(%rdi)
	movq TASK_THREAD_SP(%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	.cfi_adjust_cfa_offset -6 * 8
	movq %rdi, %rax		/* the resumed task learns which task ran before it */
	ret
	.cfi_endproc
	.size __switch_to_asm, . - __switch_to_asm

/*
 * Where a new task's first switch "returns" to. task_alloc() leaves the entry function in
 * %rbx, its argument in %r12 and %rbp zero, so a backtrace from the thread ends here.
 */
	.global ret_from_kthread_asm
	.type ret_from_kthread_asm, @function
ret_from_kthread_asm:
	.cfi_startproc
	.cfi_undefined rip	/* the first frame of the thread: nothing called it */
	movq %rax, %rdi
	call schedule_tail
	movq %r12, %rdi
	call *%rbx
	ud2			/* entry functions end in do_exit() and never return */
	.cfi_endproc
	.size ret_from_kthread_asm, . - ret_from_kthread_asm

	.section .note.GNU-stack, "", @progbits
