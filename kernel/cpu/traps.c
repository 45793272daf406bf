/*
 * Exceptions that are not kernel bugs. A page fault on a user address inside a VMA maps a page
 * (demand paging, copy-on-write), from ring 3 or from a uaccess helper. Any other exception
 * from ring 3 raises a signal for the process (SIGSEGV, SIGILL, SIGFPE, SIGBUS): its handler
 * runs, or it dies with the one line Linux prints (show_signal_msg / do_trap's "traps:"). A
 * fault in a uaccess helper resumes at its exception-table fixup. Everything else oopses.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/sched.h>
#include "cpu/cpu.h"
#include "cpu/traps.h"
#include "process/process_tree.h"

#define PF_WRITE (1 << 1)
#define PF_INSTR (1 << 4)
#define RFLAGS_IF (1UL << 9)
#define BUS_ADRERR 2
#define VEC_DEVICE_NOT_AVAILABLE 7

static unsigned long read_cr2(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* Demand paging for the current process: 0 when the access can be retried, else
 * handle_mm_fault's error (-EFAULT when it is not a user access at all). A file page may
 * have to be read, which sleeps: interrupts go back on when the faulting code had them on,
 * as Linux's do_user_addr_fault does. */
static int user_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	bool irqs_on = regs->rflags & RFLAGS_IF;
	int err;

	if (!mm || addr >= TASK_SIZE)
		return -EFAULT;
	if (!user_mode(regs) && !search_exception_tables(regs->rip))
		return -EFAULT; /* the kernel touched user memory outside uaccess: a bug */
	if (irqs_on)
		local_irq_enable();
	err = handle_mm_fault(mm, addr, regs->error_code & PF_WRITE, regs->error_code & PF_INSTR);
	if (irqs_on)
		local_irq_disable();
	return err;
}

static bool fixup_exception(struct pt_regs *regs)
{
	unsigned long fixup = search_exception_tables(regs->rip);

	if (!fixup)
		return false;
	regs->rip = fixup;
	return true;
}

static const char *trap_name(unsigned long v)
{
	switch (v) {
	case VEC_DIVIDE_ERROR:
		return "divide error";
	case VEC_INVALID_OPCODE:
		return "invalid opcode";
	case VEC_GENERAL_PROTECTION:
		return "general protection fault";
	default:
		return "exception";
	}
}

static int trap_signal(unsigned long v)
{
	switch (v) {
	case VEC_DIVIDE_ERROR:
		return SIGFPE;
	case VEC_INVALID_OPCODE:
		return SIGILL;
	case VEC_PAGE_FAULT:
	case VEC_GENERAL_PROTECTION:
		return SIGSEGV;
	default:
		return SIGBUS;
	}
}

/* The si_code of a user exception's signal (Linux's SEGV_MAPERR/ACCERR, ILL_ILLOPN,
 * FPE_INTDIV; SI_KERNEL for a #GP). */
static int trap_code(const struct pt_regs *regs, unsigned long addr)
{
	switch (regs->vector) {
	case VEC_PAGE_FAULT:
		return find_vma(current->mm, addr) ? 2 : 1;
	case VEC_INVALID_OPCODE:
		return 2;
	case VEC_DIVIDE_ERROR:
		return 1;
	default:
		return 0x80;
	}
}

/* An exception in ring 3 raises its signal; with no handler to run, the process dies of it
 * with the one line Linux prints (show_signal_msg / do_trap's "traps:"). A file mapping's
 * page past the end of its file, or one that could not be read, is SIGBUS (BUS_ADRERR),
 * which Linux does not report. */
static void user_exception_signal(struct pt_regs *regs, unsigned long addr, int fault)
{
	struct task_struct *t = current;
	int sig = trap_signal(regs->vector);
	bool vector_pf = regs->vector == VEC_PAGE_FAULT;

	if (vector_pf && (fault == -EFBIG || fault == -EIO)) {
		force_sig_fault(SIGBUS, BUS_ADRERR, addr);
		return;
	}
	force_sig_fault(sig, trap_code(regs, addr), vector_pf ? addr : regs->rip);
	if (sig_handled(t, sig))
		return;
	if (vector_pf)
		pr_info("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx\n", t->comm, t->pid,
			addr, regs->rip, regs->rsp, regs->error_code);
	else
		pr_info("traps: %s[%d] %s ip:%lx sp:%lx error:%lx\n", t->comm, t->pid,
			trap_name(regs->vector), regs->rip, regs->rsp, regs->error_code);
}

bool handle_exception(struct pt_regs *regs)
{
	unsigned long addr = regs->vector == VEC_PAGE_FAULT ? read_cr2() : 0;
	int fault = 0;

	if (regs->vector == VEC_PAGE_FAULT) {
		fault = user_page_fault(regs, addr);
		if (!fault)
			return true;
	}
	if (user_mode(regs) && current->mm) {
		user_exception_signal(regs, addr, fault); /* acted on by exit_to_user_mode */
		return true;
	}
	if (regs->vector == VEC_PAGE_FAULT || regs->vector == VEC_GENERAL_PROTECTION)
		return fixup_exception(regs);
	return false;
}

void exit_to_user_mode(struct pt_regs *regs)
{
	if (current->mm && signal_pending(current)) {
		local_irq_enable(); /* acting on a signal may exit, which may sleep */
		do_signal(regs);
		local_irq_disable();
	}
}
