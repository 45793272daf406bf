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
#include "fs/fs_syscalls.h"
#include "net/net_syscalls.h"
#include "process/thread.h"

#define NR_syscalls 448 /* up to faccessat2 (439) and a little room */
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

WRAP6(sys_mmap)
WRAP3(sys_mprotect)
WRAP2(sys_munmap)
WRAP3(sys_msync)
WRAP5(sys_mremap)
WRAP1(sys_brk)
/* files, terminals, time, system (fs_syscalls*.c, ...) */
WRAP3(sys_read)
WRAP3(sys_write)
WRAP3(sys_open)
WRAP1(sys_close)
WRAP2(sys_stat)
WRAP2(sys_fstat)
WRAP2(sys_lstat)
WRAP3(sys_lseek)
WRAP3(sys_ioctl)
WRAP4(sys_pread64)
WRAP4(sys_pwrite64)
WRAP3(sys_readv)
WRAP3(sys_writev)
WRAP2(sys_access)
WRAP1(sys_pipe)
WRAP1(sys_dup)
WRAP2(sys_dup2)
WRAP3(sys_fcntl)
WRAP1(sys_fsync)
WRAP2(sys_truncate)
WRAP2(sys_ftruncate)
WRAP2(sys_getcwd)
WRAP1(sys_chdir)
WRAP1(sys_fchdir)
WRAP2(sys_rename)
WRAP2(sys_mkdir)
WRAP1(sys_rmdir)
WRAP2(sys_creat)
WRAP2(sys_link)
WRAP1(sys_unlink)
WRAP2(sys_symlink)
WRAP3(sys_readlink)
WRAP2(sys_chmod)
WRAP2(sys_fchmod)
WRAP3(sys_chown)
WRAP3(sys_fchown)
WRAP1(sys_umask)
WRAP3(sys_mknod)
WRAP2(sys_statfs)
WRAP2(sys_fstatfs)
WRAP0(sys_sync)
WRAP5(sys_mount)
WRAP2(sys_umount2)
WRAP3(sys_getdents64)
WRAP4(sys_openat)
WRAP3(sys_mkdirat)
WRAP4(sys_mknodat)
WRAP5(sys_fchownat)
WRAP4(sys_newfstatat)
WRAP3(sys_unlinkat)
WRAP4(sys_renameat)
WRAP5(sys_linkat)
WRAP3(sys_symlinkat)
WRAP4(sys_readlinkat)
WRAP3(sys_fchmodat)
WRAP3(sys_faccessat)
WRAP4(sys_utimensat)
WRAP3(sys_dup3)
WRAP2(sys_pipe2)
WRAP1(sys_syncfs)
WRAP5(sys_renameat2)
WRAP0(sys_sched_yield)
WRAP2(sys_nanosleep)
WRAP2(sys_gettimeofday)
WRAP2(sys_getrlimit)
WRAP1(sys_sysinfo)
WRAP3(sys_syslog)
WRAP2(sys_setrlimit)
WRAP4(sys_reboot)
WRAP3(sys_init_module)
WRAP2(sys_delete_module)
WRAP1(sys_time)
WRAP2(sys_clock_gettime)
WRAP2(sys_clock_getres)
WRAP4(sys_clock_nanosleep)
WRAP4(sys_prlimit64)
WRAP3(sys_getcpu)
WRAP3(sys_finit_module)
WRAP3(sys_getrandom)
WRAP4(sys_faccessat2)
WRAP3(sys_poll)
WRAP5(sys_select)
WRAP6(sys_pselect6)
WRAP5(sys_ppoll)
WRAP4(sys_sendfile)
WRAP5(sys_statx)
/* end of files, terminals, time, system */
/* sockets (kernel/net/socket_sys.c, socket_msg.c) */
WRAP3(sys_socket)
WRAP3(sys_connect)
WRAP3(sys_accept)
WRAP6(sys_sendto)
WRAP6(sys_recvfrom)
WRAP3(sys_sendmsg)
WRAP3(sys_recvmsg)
WRAP2(sys_shutdown)
WRAP3(sys_bind)
WRAP2(sys_listen)
WRAP3(sys_getsockname)
WRAP3(sys_getpeername)
WRAP4(sys_socketpair)
WRAP5(sys_setsockopt)
WRAP5(sys_getsockopt)
WRAP4(sys_accept4)
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
WRAP0(sys_restart_syscall)
WRAP2(sys_sigaltstack)
WRAP4(sys_rt_sigtimedwait)
WRAP1(sys_alarm)
WRAP2(sys_getitimer)
WRAP3(sys_setitimer)
WRAP0(sys_gettid)
WRAP6(sys_futex)
WRAP2(sys_set_robust_list)
WRAP3(sys_get_robust_list)

static const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	/* files, terminals, time, system (fs_syscalls*.c, ...) */
	[0] = __x64_sys_read,
	[1] = __x64_sys_write,
	[2] = __x64_sys_open,
	[3] = __x64_sys_close,
	[4] = __x64_sys_stat,
	[5] = __x64_sys_fstat,
	[6] = __x64_sys_lstat,
	[7] = __x64_sys_poll,
	[8] = __x64_sys_lseek,
	[16] = __x64_sys_ioctl,
	[17] = __x64_sys_pread64,
	[18] = __x64_sys_pwrite64,
	[19] = __x64_sys_readv,
	[20] = __x64_sys_writev,
	[21] = __x64_sys_access,
	[22] = __x64_sys_pipe,
	[23] = __x64_sys_select,
	[24] = __x64_sys_sched_yield,
	[32] = __x64_sys_dup,
	[33] = __x64_sys_dup2,
	[35] = __x64_sys_nanosleep,
	[40] = __x64_sys_sendfile,
	[41] = __x64_sys_socket,
	[42] = __x64_sys_connect,
	[43] = __x64_sys_accept,
	[44] = __x64_sys_sendto,
	[45] = __x64_sys_recvfrom,
	[46] = __x64_sys_sendmsg,
	[47] = __x64_sys_recvmsg,
	[48] = __x64_sys_shutdown,
	[49] = __x64_sys_bind,
	[50] = __x64_sys_listen,
	[51] = __x64_sys_getsockname,
	[52] = __x64_sys_getpeername,
	[53] = __x64_sys_socketpair,
	[54] = __x64_sys_setsockopt,
	[55] = __x64_sys_getsockopt,
	[72] = __x64_sys_fcntl,
	[74] = __x64_sys_fsync,
	[75] = __x64_sys_fsync, /* fdatasync: data and metadata alike */
	[76] = __x64_sys_truncate,
	[77] = __x64_sys_ftruncate,
	[79] = __x64_sys_getcwd,
	[80] = __x64_sys_chdir,
	[81] = __x64_sys_fchdir,
	[82] = __x64_sys_rename,
	[83] = __x64_sys_mkdir,
	[84] = __x64_sys_rmdir,
	[85] = __x64_sys_creat,
	[86] = __x64_sys_link,
	[87] = __x64_sys_unlink,
	[88] = __x64_sys_symlink,
	[89] = __x64_sys_readlink,
	[90] = __x64_sys_chmod,
	[91] = __x64_sys_fchmod,
	[92] = __x64_sys_chown,
	[93] = __x64_sys_fchown,
	[94] = __x64_sys_chown, /* lchown: nothing is stored either way */
	[95] = __x64_sys_umask,
	[96] = __x64_sys_gettimeofday,
	[97] = __x64_sys_getrlimit,
	[99] = __x64_sys_sysinfo,
	[103] = __x64_sys_syslog,
	[133] = __x64_sys_mknod,
	[137] = __x64_sys_statfs,
	[138] = __x64_sys_fstatfs,
	[160] = __x64_sys_setrlimit,
	[162] = __x64_sys_sync,
	[165] = __x64_sys_mount,
	[166] = __x64_sys_umount2,
	[169] = __x64_sys_reboot,
	[175] = __x64_sys_init_module,
	[176] = __x64_sys_delete_module,
	[201] = __x64_sys_time,
	[217] = __x64_sys_getdents64,
	[228] = __x64_sys_clock_gettime,
	[229] = __x64_sys_clock_getres,
	[230] = __x64_sys_clock_nanosleep,
	[257] = __x64_sys_openat,
	[258] = __x64_sys_mkdirat,
	[259] = __x64_sys_mknodat,
	[260] = __x64_sys_fchownat,
	[262] = __x64_sys_newfstatat,
	[263] = __x64_sys_unlinkat,
	[264] = __x64_sys_renameat,
	[265] = __x64_sys_linkat,
	[266] = __x64_sys_symlinkat,
	[267] = __x64_sys_readlinkat,
	[268] = __x64_sys_fchmodat,
	[269] = __x64_sys_faccessat,
	[270] = __x64_sys_pselect6,
	[271] = __x64_sys_ppoll,
	[280] = __x64_sys_utimensat,
	[288] = __x64_sys_accept4,
	[292] = __x64_sys_dup3,
	[293] = __x64_sys_pipe2,
	[302] = __x64_sys_prlimit64,
	[306] = __x64_sys_syncfs,
	[309] = __x64_sys_getcpu,
	[313] = __x64_sys_finit_module,
	[316] = __x64_sys_renameat2,
	[318] = __x64_sys_getrandom,
	[332] = __x64_sys_statx,
	[439] = __x64_sys_faccessat2,
	/* end of files, terminals, time, system */
	[9] = __x64_sys_mmap,
	[10] = __x64_sys_mprotect,
	[11] = __x64_sys_munmap,
	[12] = __x64_sys_brk,
	[25] = __x64_sys_mremap,
	[26] = __x64_sys_msync,
	[28] = __x64_sys_madvise,
	[39] = __x64_sys_getpid,
	[60] = __x64_sys_exit,
	[63] = __x64_sys_uname,
	[102] = __x64_sys_getuid, /* getuid */
	[104] = __x64_sys_getuid, /* getgid: root only, all ids are 0 */
	[107] = __x64_sys_getuid, /* geteuid */
	[108] = __x64_sys_getuid, /* getegid */
	[158] = __x64_sys_arch_prctl,
	[186] = __x64_sys_gettid,
	/* threads (thread.c, futex.c, robust_list.c) */
	[202] = __x64_sys_futex,
	[273] = __x64_sys_set_robust_list,
	[274] = __x64_sys_get_robust_list,
	[218] = __x64_sys_set_tid_address,
	[231] = __x64_sys_exit_group,
	/* processes and signals (fork.c, exit.c, signal.c, itimer.c) */
	[13] = __x64_sys_rt_sigaction,
	[14] = __x64_sys_rt_sigprocmask,
	[15] = __x64_sys_rt_sigreturn,
	[34] = __x64_sys_pause,
	[36] = __x64_sys_getitimer,
	[37] = __x64_sys_alarm,
	[38] = __x64_sys_setitimer,
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
	[128] = __x64_sys_rt_sigtimedwait,
	[130] = __x64_sys_rt_sigsuspend,
	[131] = __x64_sys_sigaltstack,
	[200] = __x64_sys_tkill,
	[219] = __x64_sys_restart_syscall,
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
