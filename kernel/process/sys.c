/*
 * The small system calls: exit, ids, memory (brk, mmap, munmap, msync, mremap), TLS (arch_prctl) and uname.
 * (The signal calls are kernel/process/signal.c's.)
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/kdev_t.h>
#include <keel/mman.h>
#include <keel/mm_user.h>
#include <keel/process.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "char/mem.h"
#include "cpu/cpu.h"
#include "init/version.h"
#include "mm/pgtable.h"
#include "process/syscalls.h"

#define MADV_DONTNEED 4
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define UTS_LEN 65

long sys_exit(unsigned long code)
{
	do_thread_exit(W_EXITCODE(code, 0)); /* this thread; the process with its last one */
}

long sys_exit_group(unsigned long code)
{
	do_group_exit(W_EXITCODE(code, 0));
}

long sys_getpid(void) { return current->tgid; }
long sys_getuid(void) { return 0; }

long sys_brk(unsigned long brk)
{
	return mm_brk(current->mm, brk);
}

static bool is_dev_zero(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && inode->i_rdev == MKDEV(MEM_MAJOR, 5);
}

/* The file comes first, as in Linux's ksys_mmap_pgoff: a bad fd is -EBADF whatever else is
 * wrong; the console and pipes cannot be mapped (-ENODEV), /dev/zero is anonymous memory. */
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off)
{
	struct fd f;
	long ret;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (flags & MAP_ANONYMOUS)
		return mm_mmap(current->mm, addr, len, prot, flags, NULL, 0);
	if (fdget((unsigned int)fd, &f))
		return -EBADF;
	if (f.file && is_dev_zero(f.file)) /* Linux: anonymous memory, private or shared */
		ret = mm_mmap(current->mm, addr, len, prot, flags, NULL, 0);
	else
		ret = f.file ? mm_mmap(current->mm, addr, len, prot, flags, f.file,
				       off >> PAGE_SHIFT) : -ENODEV;
	fdput(f);
	return ret;
}

long sys_msync(unsigned long addr, unsigned long len, unsigned long flags)
{
	return mm_msync(current->mm, addr, len, (int)flags);
}

long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
		unsigned long flags, unsigned long new_addr)
{
	(void)new_addr; /* MREMAP_FIXED only: refused */
	return mm_mremap(current->mm, addr, old_len, new_len, flags);
}

long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot)
{
	return mm_mprotect(current->mm, addr, len, prot);
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len || len > TASK_SIZE || addr > TASK_SIZE - len)
		return -EINVAL;
	return mm_remove_range(current->mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
}

/* Advice only, except MADV_DONTNEED: its pages must read as zero again, so they go and
 * demand paging brings fresh ones. */
long sys_madvise(unsigned long addr, unsigned long len, unsigned long advice)
{
	if ((addr & (PAGE_SIZE - 1)) || len > TASK_SIZE || addr > TASK_SIZE - len)
		return -EINVAL;
	if (advice == MADV_DONTNEED)
		user_unmap_range(current->mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
	return 0;
}

long sys_arch_prctl(unsigned long code, unsigned long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE)
			return -EPERM; /* as Linux: no kernel or non-canonical TLS base */
		current->fsbase = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		if (copy_to_user((void __user *)addr, &current->fsbase, sizeof(unsigned long)))
			return -EFAULT;
		return 0;
	default:
		return -EINVAL; /* ARCH_SET_GS and the rest: not in this slice */
	}
}

long sys_set_tid_address(unsigned long tidptr)
{
	current->clear_child_tid = tidptr; /* 0 is written there at exit (exit.c) */
	return current->pid;
}

struct new_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN], version[UTS_LEN],
		machine[UTS_LEN], domainname[UTS_LEN];
};

long sys_uname(unsigned long buf)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Keel", UTS_LEN);
	strlcpy(u.nodename, "keel", UTS_LEN);
	strlcpy(u.release, KEEL_VERSION, UTS_LEN);
	strlcpy(u.version, "#1", UTS_LEN);
	strlcpy(u.machine, "x86_64", UTS_LEN);
	strlcpy(u.domainname, "(none)", UTS_LEN);
	if (copy_to_user((void __user *)buf, &u, sizeof(u)))
		return -EFAULT;
	return 0;
}
