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
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_madvise(unsigned long addr, unsigned long len, unsigned long advice);
long sys_arch_prctl(unsigned long code, unsigned long addr);
long sys_set_tid_address(unsigned long tidptr);
long sys_uname(unsigned long buf);
long sys_rt_sigaction(unsigned long sig, unsigned long act, unsigned long oact,
		      unsigned long sigsetsize);
long sys_rt_sigprocmask(unsigned long how, unsigned long set, unsigned long oset,
			unsigned long sigsetsize);
long sys_getuid(void);

#endif
