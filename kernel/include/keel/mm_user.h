/*
 * Address spaces of processes: creating and destroying them, VMAs, demand paging and the
 * mmap/brk calls (kernel/mm/mmap.c, user_pgtable.c). Linux spreads these over <linux/mm.h>
 * and <linux/sched/mm.h>. Task context, except where noted. See docs/user.md.
 */
#ifndef KEEL_MM_USER_H
#define KEEL_MM_USER_H

#include <keel/mm_types.h>

/* A new address space with no VMAs: a PML4 whose kernel half is the kernel's. NULL when out
 * of memory. Follows Linux's mm_alloc(). */
struct mm_struct *mm_alloc(void);
/* Drops one user (mm_users) of mm; the last frees every user page (shared ones through their
 * count), every page-table page, every VMA and the PML4. The last user's mm must not be loaded
 * in CR3 (switch away first). Follows Linux's mmput(). */
void mmput(struct mm_struct *mm);
/* A copy of oldmm for fork: the same VMAs, every present page shared copy-on-write (mapped
 * read-only in both; the first write copies it, kernel/mm/cow.c). NULL when out of memory
 * (oldmm is then intact, though some of its pages may be read-only until written). Task
 * context. Follows Linux's dup_mm(). */
struct mm_struct *dup_mm(struct mm_struct *oldmm);
/* Loads next's PML4 into CR3 when it differs from the loaded one; NULL next loads the
 * kernel's. Interrupts off. Follows Linux's switch_mm_irqs_off(). */
void switch_mm(struct mm_struct *next);

/* The VMA containing addr, or NULL. Follows Linux's vma_lookup(). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Adds [start, end) (page aligned, inside user space, free) with flags. 0, -EINVAL (bad
 * range), -EEXIST (overlaps a VMA), -ENOMEM. */
int mm_add_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned long flags);
/* Unmaps [start, end) (page aligned): splits/shrinks/removes VMAs, frees the pages. 0 or
 * -ENOMEM (a split needed memory). Follows Linux's do_munmap(). */
int mm_remove_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/*
 * Demand paging: maps a zeroed page at addr when addr lies in a VMA allowing the access
 * (write: VM_WRITE, exec: VM_EXEC); a write to a copy-on-write page copies it. 0, -EFAULT (outside any VMA: SIGSEGV), -EACCES (the VMA
 * forbids the access: SIGSEGV), -ENOMEM. Interrupts off is fine (GFP-free page allocator).
 * Follows Linux's handle_mm_fault().
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec);
/* The kernel (direct-map) address of the byte at addr in mm, mapping a zeroed page there
 * first if none is; NULL when addr lies in no VMA or memory ran out. The VMA's protection
 * is not checked: exec's loader fills read-only text this way. */
void *mm_get_page_addr(struct mm_struct *mm, unsigned long addr);

/*
 * brk(2) on mm: moves the end of the heap VMA to brk (grown pages appear zeroed on first
 * touch, shrunk ones are freed). Returns the new break, or the old one unchanged when brk is
 * below start_brk, past MMAP_BASE, meets another mapping or memory ran out (Linux's rule: no
 * errno). Task context. Follows Linux's sys_brk().
 */
unsigned long mm_brk(struct mm_struct *mm, unsigned long brk);
/*
 * mmap(2) for MAP_PRIVATE|MAP_ANONYMOUS: a VMA of len bytes (rounded up to pages) with prot's
 * rights, at addr exactly with MAP_FIXED (replacing what was there), else at the highest free
 * gap under MMAP_BASE. Returns the address, or -ENODEV (a file or shared mapping: not yet),
 * -EINVAL (len 0 or too large, addr unaligned, MAP_FIXED outside user space), -ENOMEM (no
 * gap, no memory). Task context. Follows Linux's do_mmap() for anonymous memory.
 */
long mm_mmap_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		  unsigned long prot, unsigned long flags);
/*
 * mprotect(2): [start, start + len) (len rounded up to pages) gets prot's rights (PROT_READ,
 * PROT_WRITE, PROT_EXEC); VMAs are split at the ends. 0, -EINVAL (start unaligned, unknown
 * prot bits), -ENOMEM (part of the range is not mapped, or no memory to split a VMA; the
 * rights are then unchanged). Task context. Follows Linux's do_mprotect_pkey().
 */
long mm_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		 unsigned long prot);

struct task_struct;
/*
 * Copies up to len bytes at user address addr of mm (any address space, not only the
 * current one) into buf, stopping at the first page not present: nothing is mapped or
 * faulted in. Returns the bytes copied (0..len). Never sleeps; the caller keeps mm alive and
 * unchanged (preemption off: its owner cannot run). Follows Linux's access_remote_vm().
 */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len);
/*
 * The command line of task (its argument strings, NUL-separated, as /proc/PID/cmdline) into
 * buffer: at most buflen bytes, ending in a NUL when there is room. Returns the bytes
 * written; 0 for kernel threads and before the first exec. Never sleeps; the same rule for
 * keeping task and its mm as access_remote_vm. Follows Linux's get_cmdline().
 */
int get_cmdline(struct task_struct *task, char *buffer, int buflen);

#endif
