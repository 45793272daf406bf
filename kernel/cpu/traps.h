/* Internal interfaces between the pieces of kernel/cpu/ (GDT, IDT, oops, backtrace). */
#ifndef KEEL_CPU_TRAPS_H
#define KEEL_CPU_TRAPS_H

#include <keel/ptrace.h>
#include <keel/types.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SELECTOR 0x18 /* two slots: 0x18 and 0x20 */
/* User segments in the order SYSRET wants (STAR[63:48] = USER_STAR_BASE: SS is base + 8, the
 * 64-bit CS base + 16), with the requested privilege level 3 in the selectors. */
#define USER_STAR_BASE (0x28 | 3)
#define USER_DS (0x30 | 3)
#define USER_CS (0x38 | 3)

/* Interrupt Stack Table slots (1-based, as the IDT gate's IST field encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

#define VEC_DIVIDE_ERROR 0
#define VEC_INVALID_OPCODE 6
#define VEC_GENERAL_PROTECTION 13
#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_PAGE_FAULT 14
#define VEC_MACHINE_CHECK 18
#define NR_EXCEPTIONS 32

void gdt_init(void);
void idt_init(void);
bool stack_is_ist(unsigned long addr); /* inside one of the IST stacks */
bool stack_is_task(unsigned long addr); /* inside the running task's kernel stack */
/* Called by entry.S with interrupts off, for every vector. */
void idt_dispatch(struct pt_regs *regs);

/* traps.c: exceptions that are not bugs -- user page faults (demand paging), faults in ring 3
 * (the process is killed), uaccess faults in the kernel (exception-table fixups). True when
 * handled; false: oops. Interrupts off on entry. */
bool handle_exception(struct pt_regs *regs);
/* traps.c: on the way back to ring 3 (interrupts, exceptions): a killed process exits here. */
void exit_to_user_mode(struct pt_regs *regs);
static inline bool user_mode(const struct pt_regs *regs) { return (regs->cs & 3) == 3; }

/* extable.c: the fixup address for a faulting kernel instruction, or 0. */
unsigned long search_exception_tables(unsigned long ip);

/* syscall.c: the per-CPU area the syscall entry reaches through %gs after swapgs. */
struct cpu_entry_area {
	unsigned long user_rsp;     /* scratch: the user stack pointer at syscall entry */
	unsigned long top_of_stack; /* the running task's kernel stack top (= TSS RSP0) */
};
extern struct cpu_entry_area cpu_area;
void syscall_init(void);

/* Prints the oops for an exception frame and halts this CPU with interrupts off. */
void __attribute__((noreturn)) oops(struct pt_regs *regs);

/* "name+0xoff/0xsize", "[mod] name+...", or "? 0x..." for an address; is_return_address looks
 * the symbol up at addr - 1 so a call that ends a function is not blamed on the next one. */
void symbolize_address(unsigned long addr, bool is_return_address, char *buf, size_t size);
/* Prints "Call Trace:" then one symbolized frame per line: first_ip (when non-zero; rsp is the
 * stack pointer there, or 0), then the RBP chain. Unverifiable frames are prefixed "? ". */
void show_backtrace(unsigned long first_ip, unsigned long rsp, unsigned long rbp);

#endif
