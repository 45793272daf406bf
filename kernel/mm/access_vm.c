/*
 * Reading another process's memory from the kernel (Linux's access_remote_vm and
 * get_cmdline): /proc/PID/cmdline and environ, exec's note of where its strings lie, and
 * the shell's ps. Only pages already present are read: a reader must never map pages into
 * someone else's address space, and a page not yet touched holds nothing but zeros anyway.
 */
#include <keel/minmax.h>
#include <keel/mm_user.h>
#include <keel/sched.h>
#include <keel/string.h>
#include "mm/mm.h"
#include "mm/pgtable.h"

int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len)
{
	int done = 0;

	while (done < len && addr < TASK_SIZE) {
		u64 *pte = user_pte(mm, addr, false);
		unsigned long off = addr & (PAGE_SIZE - 1);
		int n = (int)min((unsigned long)(len - done), PAGE_SIZE - off);

		if (!pte || !(*pte & PTE_PRESENT))
			break;
		memcpy((char *)buf + done, (char *)phys_to_virt(*pte & PTE_ADDR) + off, (size_t)n);
		done += n;
		addr += (unsigned long)n;
	}
	return done;
}

int get_cmdline(struct task_struct *task, char *buffer, int buflen)
{
	struct mm_struct *mm = task->mm;
	unsigned long len;
	int n;

	if (!mm || mm->arg_end <= mm->arg_start || buflen <= 0)
		return 0;
	len = min(mm->arg_end - mm->arg_start, (unsigned long)buflen);
	n = access_remote_vm(mm, mm->arg_start, buffer, (int)len);
	if (n > 0 && buffer[n - 1] != '\0' && n < buflen)
		buffer[n++] = '\0';
	return n;
}
