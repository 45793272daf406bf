/*
 * The oops: what an unexpected exception prints before Keel halts. Linux-shaped on purpose so
 * people who know Linux oopses read it at a glance: what happened, where, registers, trace.
 */
#include <keel/console.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "console/log.h"
#include "cpu/cpu.h"
#include "cpu/traps.h"

#define PF_PRESENT (1 << 0)
#define PF_WRITE (1 << 1)
#define PF_USER (1 << 2)
#define PF_RESERVED (1 << 3)
#define PF_INSTR (1 << 4)

struct exception_info {
	const char *name;
	const char *mnemonic;
	bool has_error_code;
};

static const struct exception_info exceptions[NR_EXCEPTIONS] = {
	[0] = { "divide error", "#DE", false },
	[1] = { "debug exception", "#DB", false },
	[2] = { "non-maskable interrupt", "NMI", false },
	[3] = { "breakpoint", "#BP", false },
	[4] = { "overflow", "#OF", false },
	[5] = { "bound range exceeded", "#BR", false },
	[6] = { "invalid opcode", "#UD", false },
	[7] = { "device not available", "#NM", false },
	[8] = { "double fault", "#DF", true },
	[9] = { "coprocessor segment overrun", "#CSO", false },
	[10] = { "invalid TSS", "#TS", true },
	[11] = { "segment not present", "#NP", true },
	[12] = { "stack-segment fault", "#SS", true },
	[13] = { "general protection fault", "#GP", true },
	[14] = { "page fault", "#PF", true },
	[16] = { "x87 floating-point error", "#MF", false },
	[17] = { "alignment check", "#AC", true },
	[18] = { "machine check", "#MC", false },
	[19] = { "SIMD floating-point exception", "#XM", false },
	[20] = { "virtualization exception", "#VE", false },
	[21] = { "control protection exception", "#CP", true },
	[28] = { "hypervisor injection exception", "#HV", false },
	[29] = { "VMM communication exception", "#VC", true },
	[30] = { "security exception", "#SX", true },
};

void (*oops_print_modules_hook)(void);
void (*oops_print_task_hook)(unsigned long fault_addr, unsigned long rsp);
static volatile int oops_in_progress;

#define READ_CR(n)                                                                  \
	({                                                                          \
		unsigned long __v;                                                  \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(__v));             \
		__v;                                                                \
	})

static void __noreturn halt_forever(void)
{
	for (;;) {
		local_irq_disable();
		cpu_halt();
	}
}

static void describe_error_code(unsigned long vector, unsigned long err, char *buf, size_t size)
{
	buf[0] = '\0';
	if (vector == VEC_PAGE_FAULT) {
		scnprintf(buf, size, " [%s, %s, %s%s]",
			  (err & PF_INSTR) ? "instruction fetch" : (err & PF_WRITE) ? "write" : "read",
			  (err & PF_PRESENT) ? "protection" : "not-present",
			  (err & PF_USER) ? "user" : "kernel",
			  (err & PF_RESERVED) ? ", reserved bit set" : "");
	} else if (err && vector != VEC_DOUBLE_FAULT) {
		/* Selector error code: index, table (GDT/IDT/LDT), external event. */
		scnprintf(buf, size, " [selector 0x%lx in %s%s]", err & ~7UL,
			  (err & 2) ? "IDT" : (err & 4) ? "LDT" : "GDT",
			  (err & 1) ? ", external" : "");
	}
}

static void print_oops_header(const struct pt_regs *regs)
{
	const struct exception_info *info = &exceptions[regs->vector];
	char detail[96];

	if (!info->name) {
		printk(KERN_EMERG "Oops: reserved exception vector %lu\n", regs->vector);
		return;
	}
	if (!info->has_error_code) {
		printk(KERN_EMERG "Oops: %s (%s)\n", info->name, info->mnemonic);
		return;
	}
	describe_error_code(regs->vector, regs->error_code, detail, sizeof(detail));
	printk(KERN_EMERG "Oops: %s (%s), error code 0x%04lx%s\n", info->name, info->mnemonic,
	       regs->error_code, detail);
	if (regs->vector == VEC_PAGE_FAULT)
		printk(KERN_EMERG "BUG: unable to handle page fault for address: 0x%016lx\n",
		       READ_CR(2));
}

static void print_registers(const struct pt_regs *regs)
{
	char sym[128];

	symbolize_address(regs->rip, false, sym, sizeof(sym));
	printk(KERN_EMERG "RIP: %04lx:%s\n", regs->cs, sym);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n", regs->ss, regs->rsp, regs->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->rax, regs->rbx, regs->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n", regs->rbp, regs->r8, regs->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	printk(KERN_EMERG "CS:  %04lx SS: %04lx\n", regs->cs, regs->ss);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx%s\n", READ_CR(0), READ_CR(2),
	       regs->vector == VEC_PAGE_FAULT ? " (page fault address)" : "");
	printk(KERN_EMERG "CR3: %016lx CR4: %016lx\n", READ_CR(3), READ_CR(4));
}

void oops(struct pt_regs *regs)
{
	local_irq_disable();
	console_verbose(); /* whatever loglevel= said, the oops must be seen */
	console_flush(); /* a console waiting for interrupts to drain would never print this */
	if (oops_in_progress++) {
		/* Faulting while printing an oops: say the least and stop. */
		printk(KERN_EMERG "Oops: nested exception %lu at RIP 0x%016lx while printing an oops\n",
		       regs->vector, regs->rip);
		halt_forever();
	}
	print_oops_header(regs);
	if (oops_print_task_hook)
		oops_print_task_hook(regs->vector == VEC_PAGE_FAULT ? READ_CR(2) : 0, regs->rsp);
	print_registers(regs);
	show_backtrace(regs->rip, regs->rsp, regs->rbp);
	if (oops_print_modules_hook)
		oops_print_modules_hook();
	printk(KERN_EMERG "---[ end of oops: halted ]---\n");
	halt_forever();
}
