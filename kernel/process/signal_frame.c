/*
 * Delivering signals to a process (Linux's arch/x86/kernel/signal.c): on the way back to user
 * mode a pending signal either takes its default action or gets a struct rt_sigframe on the
 * user stack (return address = the SA_RESTORER trampoline, a ucontext with the saved
 * registers, mask and FPU state, a siginfo) and the handler runs; rt_sigreturn reads the frame
 * back, refusing what a forged one could abuse (kernel segments, a non-canonical RIP, IOPL).
 * Also the restart of system calls a signal interrupted.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/sched/jobctl.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "cpu/traps.h"
#include "process/itimer.h"
#include "process/process_tree.h"
#include "process/signal_types.h"
#include "process/syscalls.h"
#include "process/thread.h"
#include "sched/sched.h"

#define X86_EFLAGS_CF 0x0001UL
#define X86_EFLAGS_PF 0x0004UL
#define X86_EFLAGS_AF 0x0010UL
#define X86_EFLAGS_ZF 0x0040UL
#define X86_EFLAGS_SF 0x0080UL
#define X86_EFLAGS_TF 0x0100UL
#define X86_EFLAGS_DF 0x0400UL
#define X86_EFLAGS_OF 0x0800UL
#define X86_EFLAGS_RF 0x10000UL
#define X86_EFLAGS_AC 0x40000UL
/* The flags a frame may set (Linux's FIX_EFLAGS): never IF, IOPL, NT or VM. */
#define FIX_EFLAGS                                                                        \
	(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_SF |   \
	 X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | X86_EFLAGS_CF | X86_EFLAGS_RF)
#define RED_ZONE 128
#define __NR_restart_syscall 219
#define FPSTATE_SIZE 512
#define FPSTATE_ALIGN 64

/* Linux's struct sigcontext (x86_64), the uc_mcontext musl reads as gregs[]. */
struct sigcontext_64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate; /* user address of the FXSAVE image, 0 for none */
	u64 reserved1[8];
};

struct ucontext_64 {
	u64 uc_flags;
	u64 uc_link;
	struct user_stack uc_stack;
	struct sigcontext_64 uc_mcontext;
	u64 uc_sigmask;
};

/* Linux's siginfo_t: 128 bytes, the union at offset 16. */
struct siginfo_64 {
	int si_signo, si_errno, si_code, pad;
	union {
		struct {
			int pid;
			unsigned int uid;
			int status; /* SIGCHLD */
		} kill;
		u64 addr; /* faults */
		u8 raw[112];
	};
};

struct rt_sigframe {
	u64 pretcode; /* the handler's return address: the restorer */
	struct ucontext_64 uc;
	struct siginfo_64 info;
};

_Static_assert(sizeof(struct sigcontext_64) == 256, "sigcontext layout");
_Static_assert(sizeof(struct siginfo_64) == 128, "siginfo layout");
_Static_assert(offsetof(struct ucontext_64, uc_mcontext) == 40, "ucontext layout");

/* Takes the lowest pending unblocked signal off current's set; 0 when none. */
static int dequeue_signal(void)
{
	unsigned long pending, flags;
	int sig = 0;

	local_irq_save(flags);
	pending = current->sigpending & ~current->blocked;
	if (pending) {
		sig = __builtin_ctzl(pending) + 1;
		current->sigpending &= ~sigmask(sig);
		if (sigmask(sig) & SIG_KERNEL_STOP_MASK)
			current->jobctl |= JOBCTL_STOP_DEQUEUED; /* a SIGCONT from now cancels it */
	}
	local_irq_restore(flags);
	itimer_signal_dequeued(sig);
	return sig;
}

/* The default action of a signal that is not ignored: the process ends. */
static void __noreturn sig_default_kill(int sig)
{
	if (SIG_KERNEL_COREDUMP_MASK & sigmask(sig))
		do_group_exit(sig | WCOREFLAG); /* no core file is written, but the flag says so */
	do_group_exit(sig);
}

static void fill_sigcontext(struct sigcontext_64 *sc, const struct pt_regs *regs)
{
	*sc = (struct sigcontext_64){
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
		.r12 = regs->r12, .r13 = regs->r13, .r14 = regs->r14, .r15 = regs->r15,
		.rdi = regs->rdi, .rsi = regs->rsi, .rbp = regs->rbp, .rbx = regs->rbx,
		.rdx = regs->rdx, .rax = regs->rax, .rcx = regs->rcx, .rsp = regs->rsp,
		.rip = regs->rip, .eflags = regs->rflags, .cs = USER_CS, .ss = USER_DS,
	};
	if (regs->vector != (u64)-1) {
		sc->trapno = regs->vector;
		sc->err = regs->error_code;
	}
	if (regs->vector == VEC_PAGE_FAULT && current->sighand->fault.sig)
		sc->cr2 = current->sighand->fault.addr;
}

static void fill_siginfo(struct siginfo_64 *info, int sig)
{
	struct fault_info *fault = &current->sighand->fault;

	struct sig_sender *from = &current->sighand->sender[sig - 1];

	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = from->code;
	info->kill.pid = from->pid;
	info->kill.status = from->status;
	*from = (struct sig_sender){ 0 };
	if (fault->sig == sig) {
		info->si_code = fault->code;
		info->addr = fault->addr;
		fault->sig = 0;
	}
}

/* Writes the FPU state under sp; returns the new sp, or 0 on a fault. *fp: its address. */
static unsigned long push_fpstate(unsigned long sp, u64 *fp)
{
	u8 buf[FPSTATE_SIZE] __aligned(16);

	*fp = 0;
	if (!fpu_get_state(current, buf))
		return sp;
	sp = (sp - FPSTATE_SIZE) & ~(FPSTATE_ALIGN - 1UL);
	if (copy_to_user((void __user *)sp, buf, FPSTATE_SIZE))
		return 0;
	*fp = sp;
	return sp;
}

/* Whether sp lies on the current thread's alternate signal stack. */
static bool on_sig_stack(unsigned long sp)
{
	struct task_struct *t = current;

	return t->sas_ss_size && sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* Where the frame goes: the alternate stack for SA_ONSTACK (unless already on it), else
 * under the interrupted stack's red zone. */
static unsigned long frame_top(const struct k_sigaction *ka, const struct pt_regs *regs)
{
	struct task_struct *t = current;

	if ((ka->flags & SA_ONSTACK) && t->sas_ss_size && !on_sig_stack(regs->rsp))
		return t->sas_ss_sp + t->sas_ss_size;
	return regs->rsp - RED_ZONE;
}

static void save_altstack(struct user_stack *st, unsigned long sp)
{
	struct task_struct *t = current;

	st->ss_sp = t->sas_ss_sp;
	st->ss_size = t->sas_ss_size;
	st->ss_flags = !t->sas_ss_size ? SS_DISABLE : on_sig_stack(sp) ? SS_ONSTACK : 0;
}

long sys_sigaltstack(unsigned long uss, unsigned long uoss)
{
	struct user_stack old = { .ss_flags = SS_DISABLE }, new;

	save_altstack(&old, current_pt_regs()->rsp);
	if (uss) {
		if (copy_from_user(&new, (const void __user *)uss, sizeof(new)))
			return -EFAULT;
		if (old.ss_flags == SS_ONSTACK)
			return -EPERM; /* not while running on it */
		if (new.ss_flags != 0 && new.ss_flags != SS_DISABLE)
			return -EINVAL;
		if (new.ss_flags == 0 && new.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		current->sas_ss_sp = new.ss_flags ? 0 : new.ss_sp;
		current->sas_ss_size = new.ss_flags ? 0 : new.ss_size;
	}
	if (uoss && copy_to_user((void __user *)uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Builds the frame for sig on the user stack and points regs at the handler. */
static int setup_rt_frame(int sig, const struct k_sigaction *ka, struct pt_regs *regs,
			  unsigned long oldmask)
{
	struct rt_sigframe frame;
	unsigned long sp;
	u64 fp;

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT; /* x86_64 has no vDSO trampoline here: the C library must give one */
	sp = push_fpstate(frame_top(ka, regs), &fp);
	if (!sp)
		return -EFAULT;
	sp = ((sp - sizeof(frame)) & ~15UL) - 8; /* as after a call: (sp + 8) 16-aligned */
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	save_altstack(&frame.uc.uc_stack, regs->rsp);
	fill_sigcontext(&frame.uc.uc_mcontext, regs);
	frame.uc.uc_mcontext.fpstate = fp;
	frame.uc.uc_mcontext.oldmask = oldmask;
	frame.uc.uc_sigmask = oldmask;
	fill_siginfo(&frame.info, sig);
	if (copy_to_user((void __user *)sp, &frame, sizeof(frame)))
		return -EFAULT;
	regs->rdi = sig;
	regs->rsi = sp + offsetof(struct rt_sigframe, info);
	regs->rdx = sp + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rsp = sp;
	regs->rip = ka->handler;
	regs->rflags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	return 0;
}

/* A system call interrupted by a signal: restart it (back to the SYSCALL instruction with
 * the number in RAX) or fail it with EINTR, as Linux decides; handler says whether one runs. */
static void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka)
{
	long ret = (long)regs->rax;
	bool restart;

	if (regs->vector != (u64)-1 || (long)regs->error_code < 0)
		return; /* not a system call, or already dealt with */
	if (ret != -ERESTARTSYS && ret != -ERESTARTNOINTR && ret != -ERESTARTNOHAND &&
	    ret != -ERESTART_RESTARTBLOCK)
		return;
	if (!ka && ret == -ERESTART_RESTARTBLOCK) {
		regs->rax = __NR_restart_syscall; /* on with the time left (restart_block) */
		regs->rip -= 2;
		regs->error_code = (u64)-1;
		return;
	}
	if (!ka)
		restart = true;
	else if (ret == -ERESTARTSYS)
		restart = ka->flags & SA_RESTART;
	else
		restart = ret == -ERESTARTNOINTR;
	if (restart) {
		regs->rax = regs->error_code;
		regs->rip -= 2; /* the SYSCALL instruction is 2 bytes */
	} else {
		regs->rax = (u64)-EINTR;
	}
	regs->error_code = (u64)-1; /* once */
}

/* Runs sig's handler: the frame, then the mask the handler runs with. */
static void handle_signal(int sig, struct k_sigaction *ka, struct pt_regs *regs)
{
	unsigned long oldmask = current->restore_sigmask ? current->saved_sigmask
							 : current->blocked;
	unsigned long flags;

	syscall_restart(regs, ka);
	if (setup_rt_frame(sig, ka, regs, oldmask)) {
		pr_info("%s[%d]: cannot set up the frame for signal %d\n", current->comm,
			current->pid, sig);
		sig_default_kill(SIGSEGV); /* Linux's force_sigsegv */
	}
	current->restore_sigmask = false;
	local_irq_save(flags);
	current->blocked = oldmask | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		current->blocked |= sigmask(sig);
	current->blocked &= ~SIG_KERNEL_ONLY_MASK;
	local_irq_restore(flags);
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
}

/* The action to take for sig: its handler, or NULL for the default. */
static struct k_sigaction *sig_action(int sig)
{
	struct sighand_struct *sh = current->sighand;

	return sh ? &sh->action[sig - 1] : NULL;
}

void do_signal(struct pt_regs *regs)
{
	struct k_sigaction *ka;
	int sig;

	while ((sig = dequeue_signal())) {
		ka = sig_action(sig);
		if (ka && ka->handler == SIG_IGN)
			continue;
		if (!ka || ka->handler == SIG_DFL) {
			if (sigmask(sig) & SIG_KERNEL_STOP_MASK) {
				jobctl_do_stop(sig); /* back here once continued */
				continue;
			}
			if (sig_default_ignored(sig))
				continue;
			sig_default_kill(sig);
		}
		handle_signal(sig, ka, regs);
	}
	syscall_restart(regs, NULL); /* no handler ran for it */
	if (current->restore_sigmask) {
		current->restore_sigmask = false;
		current->blocked = current->saved_sigmask;
		take_shared_signals();
	}
}

/* Copies the frame's registers back; false when they are not acceptable. */
static bool restore_sigcontext(struct pt_regs *regs, const struct sigcontext_64 *sc)
{
	if (sc->rip >= TASK_SIZE)
		return false; /* IRET to a non-canonical RIP would fault in the kernel */
	regs->r8 = sc->r8, regs->r9 = sc->r9, regs->r10 = sc->r10, regs->r11 = sc->r11;
	regs->r12 = sc->r12, regs->r13 = sc->r13, regs->r14 = sc->r14, regs->r15 = sc->r15;
	regs->rdi = sc->rdi, regs->rsi = sc->rsi, regs->rbp = sc->rbp, regs->rbx = sc->rbx;
	regs->rdx = sc->rdx, regs->rax = sc->rax, regs->rcx = sc->rcx, regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	regs->cs = USER_CS; /* whatever the frame says: ring 3 only */
	regs->ss = USER_DS;
	regs->error_code = (u64)-1; /* no system call to restart */
	return true;
}

static bool restore_fpstate(u64 fp)
{
	u8 buf[FPSTATE_SIZE] __aligned(16);

	if (!fp)
		return true;
	if (copy_from_user(buf, (const void __user *)fp, FPSTATE_SIZE))
		return false;
	return fpu_set_state(current, buf) == 0;
}

long sys_restart_syscall(void)
{
	struct restart_block *rb = &current->restart_block;
	long (*fn)(struct restart_block *rb) = rb->fn;

	rb->fn = NULL; /* once */
	return fn ? fn(rb) : -EINTR;
}

long sys_rt_sigreturn(void)
{
	struct pt_regs *regs = current_pt_regs();
	unsigned long frame = regs->rsp - 8; /* the handler's RET popped pretcode */
	struct ucontext_64 uc;
	unsigned long flags;

	if (copy_from_user(&uc, (const void __user *)(frame + offsetof(struct rt_sigframe, uc)),
			   sizeof(uc)))
		goto out_bad_frame;
	if (!restore_sigcontext(regs, &uc.uc_mcontext) || !restore_fpstate(uc.uc_mcontext.fpstate))
		goto out_bad_frame;
	local_irq_save(flags);
	current->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY_MASK;
	local_irq_restore(flags);
	take_shared_signals();
	return regs->rax; /* the interrupted code's RAX, not a return value */

out_bad_frame:
	pr_info("%s[%d]: bad frame in rt_sigreturn ip %lx sp %lx\n", current->comm, current->pid,
		regs->rip, regs->rsp);
	sig_default_kill(SIGSEGV);
}
