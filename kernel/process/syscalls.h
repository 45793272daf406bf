/* The system call handlers of kernel/process/ (Linux's sys_* with the six argument registers
 * as unsigned longs; each returns a value or a negative errno) and the table's helpers. */
#ifndef KEEL_PROCESS_SYSCALLS_H
#define KEEL_PROCESS_SYSCALLS_H

#include <keel/ptrace.h>
#include <keel/types.h>

#define NR_SYSCALL_NAMES 335
extern const char *const syscall_names[NR_SYSCALL_NAMES];

/* syscall_module.c: runs a module's system call nr into *ret; false when none is there. */
bool module_syscall(unsigned long nr, const struct pt_regs *regs, long *ret);

/* sys.c */
long sys_exit(unsigned long code);
long sys_exit_group(unsigned long code);
long sys_getpid(void);
long sys_brk(unsigned long brk);
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot);
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_msync(unsigned long addr, unsigned long len, unsigned long flags);
long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
		unsigned long flags, unsigned long new_addr);
long sys_madvise(unsigned long addr, unsigned long len, unsigned long advice);
long sys_arch_prctl(unsigned long code, unsigned long addr);
long sys_set_tid_address(unsigned long tidptr);
long sys_uname(unsigned long buf);
long sys_getuid(void);

/* fork.c, execve.c, wait.c, pgrp.c, signal.c: processes and signals */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(unsigned long clone_flags, unsigned long newsp, unsigned long parent_tid,
	       unsigned long child_tid, unsigned long tls);
long sys_execve(unsigned long filename, unsigned long argv, unsigned long envp);
long sys_wait4(unsigned long pid, unsigned long stat_addr, unsigned long options,
	       unsigned long ru);
long sys_kill(unsigned long pid, unsigned long sig);
long sys_getppid(void);
long sys_getpgrp(void);
long sys_getpgid(unsigned long pid);
long sys_getsid(unsigned long pid);
long sys_setsid(void);
long sys_setpgid(unsigned long pid, unsigned long pgid);
long sys_tkill(unsigned long tid, unsigned long sig);
long sys_tgkill(unsigned long tgid, unsigned long tid, unsigned long sig);
long sys_rt_sigaction(unsigned long sig, unsigned long act, unsigned long oact,
		      unsigned long sigsetsize);
long sys_rt_sigprocmask(unsigned long how, unsigned long set, unsigned long oset,
			unsigned long sigsetsize);
long sys_rt_sigpending(unsigned long uset, unsigned long sigsetsize);
long sys_rt_sigsuspend(unsigned long umask, unsigned long sigsetsize);
long sys_pause(void);
long sys_rt_sigreturn(void);
long sys_restart_syscall(void);
long sys_sigaltstack(unsigned long uss, unsigned long uoss);
/* itimer.c: ITIMER_REAL only (others -EINVAL) */
long sys_alarm(unsigned long seconds);
long sys_getitimer(unsigned long which, unsigned long uval);
long sys_setitimer(unsigned long which, unsigned long uval, unsigned long uoval);
/* sigtimedwait.c */
long sys_rt_sigtimedwait(unsigned long uthese, unsigned long uinfo, unsigned long uts,
			 unsigned long sigsetsize);

#endif
