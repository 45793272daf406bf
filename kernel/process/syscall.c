/*
 * The system call dispatcher: sys_call_table maps Linux x86_64 numbers to handlers taking the
 * saved user registers (as Linux's __x64_sys_* wrappers do), do_syscall_64 runs one and says
 * whether SYSRET may return (entry_syscall.S). Unknown numbers give -ENOSYS and one log line
 * per number.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/mm_types.h>
#include "cpu/traps.h"
#include "process/syscalls.h"

#define NR_syscalls 335
#define LOGGED_MAX 1024 /* numbers below this are logged once each; above, once in all */
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_RF (1UL << 16)

typedef long (*sys_call_ptr_t)(const struct pt_regs *regs);

/* The wrappers unpack the argument registers: rdi, rsi, rdx, r10, r8, r9. */
#define WRAP0(name) static long __x64_##name(const struct pt_regs *r) { return name(); }
#define WRAP1(name) static long __x64_##name(const struct pt_regs *r) { return name(r->rdi); }
#define WRAP2(name)                                                                         \
	static long __x64_##name(const struct pt_regs *r) { return name(r->rdi, r->rsi); }
#define WRAP3(name)                                                                         \
	static long __x64_##name(const struct pt_regs *r)                                   \
	{                                                                                   \
		return name(r->rdi, r->rsi, r->rdx);                                        \
	}
#define WRAP4(name)                                                                         \
	static long __x64_##name(const struct pt_regs *r)                                   \
	{                                                                                   \
		return name(r->rdi, r->rsi, r->rdx, r->r10);                                \
	}
#define WRAP5(name)                                                                         \
	static long __x64_##name(const struct pt_regs *r)                                   \
	{                                                                                   \
		return name(r->rdi, r->rsi, r->rdx, r->r10, r->r8);                         \
	}
#define WRAP6(name)                                                                         \
	static long __x64_##name(const struct pt_regs *r)                                   \
	{                                                                                   \
		return name(r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9);                  \
	}

WRAP3(sys_read)
WRAP3(sys_write)
WRAP3(sys_open)
WRAP1(sys_close)
WRAP6(sys_mmap)
WRAP2(sys_munmap)
WRAP1(sys_brk)
WRAP3(sys_ioctl)
WRAP3(sys_writev)
WRAP3(sys_madvise)
WRAP0(sys_getpid)
WRAP1(sys_exit)
WRAP1(sys_uname)
WRAP0(sys_getuid)
WRAP2(sys_arch_prctl)
WRAP1(sys_set_tid_address)
WRAP1(sys_exit_group)
WRAP0(sys_fork)
WRAP0(sys_vfork)
WRAP5(sys_clone)
WRAP3(sys_execve)
WRAP4(sys_wait4)
WRAP2(sys_kill)
WRAP0(sys_getppid)
WRAP0(sys_getpgrp)
WRAP1(sys_getpgid)
WRAP1(sys_getsid)
WRAP0(sys_setsid)
WRAP2(sys_setpgid)
WRAP2(sys_tkill)
WRAP3(sys_tgkill)
WRAP4(sys_rt_sigaction)
WRAP4(sys_rt_sigprocmask)
WRAP2(sys_rt_sigpending)
WRAP2(sys_rt_sigsuspend)
WRAP0(sys_pause)
WRAP0(sys_rt_sigreturn)
WRAP2(sys_sigaltstack)

static const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[0] = __x64_sys_read,
	[1] = __x64_sys_write,
	[2] = __x64_sys_open,
	[3] = __x64_sys_close,
	[9] = __x64_sys_mmap,
	[11] = __x64_sys_munmap,
	[12] = __x64_sys_brk,
	[16] = __x64_sys_ioctl,
	[20] = __x64_sys_writev,
	[28] = __x64_sys_madvise,
	[39] = __x64_sys_getpid,
	[60] = __x64_sys_exit,
	[63] = __x64_sys_uname,
	[102] = __x64_sys_getuid, /* getuid */
	[104] = __x64_sys_getuid, /* getgid: root only, all ids are 0 */
	[107] = __x64_sys_getuid, /* geteuid */
	[108] = __x64_sys_getuid, /* getegid */
	[158] = __x64_sys_arch_prctl,
	[186] = __x64_sys_getpid, /* gettid: one thread per process */
	[218] = __x64_sys_set_tid_address,
	[231] = __x64_sys_exit_group,
	/* processes and signals (fork.c, exit.c, signal.c) */
	[13] = __x64_sys_rt_sigaction,
	[14] = __x64_sys_rt_sigprocmask,
	[15] = __x64_sys_rt_sigreturn,
	[34] = __x64_sys_pause,
	[56] = __x64_sys_clone,
	[57] = __x64_sys_fork,
	[58] = __x64_sys_vfork,
	[59] = __x64_sys_execve,
	[61] = __x64_sys_wait4,
	[62] = __x64_sys_kill,
	[109] = __x64_sys_setpgid,
	[110] = __x64_sys_getppid,
	[111] = __x64_sys_getpgrp,
	[112] = __x64_sys_setsid,
	[121] = __x64_sys_getpgid,
	[124] = __x64_sys_getsid,
	[127] = __x64_sys_rt_sigpending,
	[130] = __x64_sys_rt_sigsuspend,
	[131] = __x64_sys_sigaltstack,
	[200] = __x64_sys_tkill,
	[234] = __x64_sys_tgkill,
};

static unsigned long logged[LOGGED_MAX / (8 * sizeof(unsigned long))];
static bool logged_big;

/* "syscall: unimplemented 123 (name) called by prog[5]", once per number. */
static void log_unimplemented(unsigned long nr)
{
	const unsigned long bits = 8 * sizeof(unsigned long);

	if (nr < LOGGED_MAX) {
		if (logged[nr / bits] & (1UL << (nr % bits)))
			return;
		logged[nr / bits] |= 1UL << (nr % bits);
	} else if (logged_big) {
		return;
	} else {
		logged_big = true;
	}
	pr_info("syscall: unimplemented %lu (%s) called by %s[%d]\n", nr,
		nr < NR_SYSCALL_NAMES && syscall_names[nr] ? syscall_names[nr] : "?",
		current->comm, current->pid);
}

static long invoke_syscall(unsigned long nr, const struct pt_regs *regs)
{
	long ret;

	if (nr < NR_syscalls && sys_call_table[nr])
		return sys_call_table[nr](regs);
	if (module_syscall(nr, regs, &ret))
		return ret;
	log_unimplemented(nr);
	return -ENOSYS;
}

/* SYSRET is safe: a canonical user RIP, no single-stepping flags, and RCX/R11 hold what SYSRET
 * would load anyway (Linux's checks): after rt_sigreturn or a signal frame they hold user
 * values that SYSRET would clobber, so IRET returns. */
static bool can_sysret(const struct pt_regs *regs)
{
	return regs->rip < TASK_SIZE && regs->cs == USER_CS && regs->ss == USER_DS &&
	       !(regs->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF)) && regs->rcx == regs->rip &&
	       regs->r11 == regs->rflags;
}

bool do_syscall_64(struct pt_regs *regs);
bool do_syscall_64(struct pt_regs *regs)
{
	local_irq_enable();
	regs->rax = invoke_syscall(regs->error_code, regs);
	cond_resched(); /* a wake-up during the call may want the CPU before user code runs */
	local_irq_disable();
	exit_to_user_mode(regs);
	return can_sysret(regs);
}
