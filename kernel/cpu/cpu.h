/* CPU setup (GDT, TSS, IDT, exceptions), oops reporting and on-purpose crashes. */
#ifndef KEEL_CPU_CPU_H
#define KEEL_CPU_CPU_H

#include <keel/types.h>

void cpu_init(void);

/* Model-specific registers (syscall.c). */
#define MSR_FS_BASE 0xc0000100
void wrmsr(u32 msr, u64 val);
u64 rdmsr(u32 msr);

/* "pf", "gp", "ud", "de", "df": fault on purpose (shell `crash`); -EINVAL for anything else. */
int crash_trigger(const char *kind);

/* "name+0xoff/0xsize" for a kernel text address; 0, or -ENOENT when no symbol covers it. */
int kallsyms_lookup(unsigned long addr, char *buf, size_t size);

/* True when a return address in the running task's frame-pointer chain (up to 32 frames) lies
 * in [start, end): the code there called us and will be returned into. Task context. */
bool stack_returns_into(unsigned long start, unsigned long end);

/* Hooks the module subsystem fills in: symbolize module addresses as "[mod] fn+0xoff/0xsize"
 * and print the loaded modules and taint in an oops. NULL until modules exist. */
extern int (*oops_symbolize_hook)(unsigned long addr, char *buf, size_t size);
extern void (*oops_print_modules_hook)(void);

/* The running task's kernel stack [lo, hi): interrupts from user mode will enter at hi (TSS
 * RSP0) and backtraces accept frames inside it. The scheduler calls it on every switch. */
void cpu_set_kernel_stack(unsigned long lo, unsigned long hi);
extern char boot_kernel_stack[], boot_kernel_stack_top[];

/* Hooks the scheduler fills in (the CPU layer sits below it): name the current task and spot
 * a stack overflow in an oops; handle #NM, a task's FPU use (true when handled); switch tasks
 * on the way out of an interrupt when a reschedule is due. */
extern void (*oops_print_task_hook)(unsigned long fault_addr, unsigned long rsp);
extern bool (*fpu_trap_hook)(void);
extern void (*irq_exit_preempt_hook)(void);

#endif
