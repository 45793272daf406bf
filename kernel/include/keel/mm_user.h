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
 * Demand paging: maps a zeroed page (a file page in a file VMA) at addr when addr lies in a
 * VMA allowing the access (write: VM_WRITE, exec: VM_EXEC); a write to a copy-on-write page
 * copies it. 0, -EFAULT (outside any VMA: SIGSEGV), -EACCES (the VMA forbids the access:
 * SIGSEGV), -EFBIG and -EIO (file VMAs: SIGBUS), -ENOMEM. Interrupts off is fine for
 * anonymous memory (GFP-free page allocator); file pages need to sleep (-EFAULT otherwise).
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
 * below start_brk, past MMAP_BASE, meets another mapping, would pass RLIMIT_AS or RLIMIT_DATA
 * or memory ran out (Linux's rule: no errno). Task context. Follows Linux's sys_brk().
 */
unsigned long mm_brk(struct mm_struct *mm, unsigned long brk);
/*
 * mmap(2): a VMA of len bytes (rounded up to pages) with prot's rights, at addr exactly with
 * MAP_FIXED (replacing what was there), else at the highest free gap under MMAP_BASE.
 * file NULL: anonymous memory (MAP_SHARED: every page allocated now, shared with children
 * after fork). Else file's pages from page pgoff on (the mapping takes a file reference):
 * MAP_PRIVATE copies on write, MAP_SHARED writes through the page cache. Returns the
 * address, or -EINVAL (len 0 or too large, addr unaligned, MAP_FIXED outside user space,
 * neither MAP_PRIVATE nor MAP_SHARED), -ENODEV (not a regular file; MAP_SHARED of a file
 * without a page cache), -EACCES (file not open for reading; MAP_SHARED with PROT_WRITE
 * and not open for writing), -EOVERFLOW (pgoff + len wraps), -ENOMEM (no gap, no memory,
 * RLIMIT_AS or, for private writable memory, RLIMIT_DATA reached).
 * Task context; sleeps. Follows Linux's do_mmap().
 */
long mm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, struct file *file, u64 pgoff);
/*
 * msync(2): the pages of shared file mappings in [start, start + len) written since the
 * last msync go to the page cache as dirty; MS_SYNC also writes the files' dirty pages and
 * waits. 0, -EINVAL (start unaligned, unknown flags, MS_ASYNC with MS_SYNC), -ENOMEM (part
 * of the range is not mapped), -EIO (a write failed). Task context; sleeps. Follows Linux's
 * sys_msync().
 */
long mm_msync(struct mm_struct *mm, unsigned long start, unsigned long len, int flags);
/*
 * mremap(2) of anonymous private memory: [old, old + old_len) becomes new_len bytes long,
 * shrunk in place, grown in place when the pages above are free, else (MREMAP_MAYMOVE) moved
 * with its pages to a new gap. The new address, or -EINVAL (unaligned, len 0, unknown
 * flags, MREMAP_FIXED), -EFAULT (old range not one VMA), -ENOMEM (no room without
 * MREMAP_MAYMOVE, no memory, RLIMIT_AS/RLIMIT_DATA). Task context. Follows Linux's sys_mremap() in part: file and
 * shared mappings are -EINVAL here.
 */
long mm_mremap(struct mm_struct *mm, unsigned long old, unsigned long old_len,
	       unsigned long new_len, unsigned long flags);

/* Whether len more bytes of memory with vm_flags fit the current process's RLIMIT_AS (all
 * of mm's VMAs) and RLIMIT_DATA (private writable memory but the stack). Follows Linux's
 * may_expand_vm(). kernel/mm only. */
bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long len);
/* VMA helpers for files of kernel/mm (filemap_fault.c, vma_set_start in mmap.c): a copy of
 * vma (another file reference), one freed (its file reference dropped), vma taking file (a
 * new reference, or NULL) at page pgoff, dst taking src's file and offset, and a VMA's start
 * moved up with its file offset. */
struct vm_area_struct *vm_area_dup(const struct vm_area_struct *vma);
void vm_area_free(struct vm_area_struct *vma);
void vma_set_file(struct vm_area_struct *vma, struct file *file, u64 pgoff);
void vma_copy_file(struct vm_area_struct *dst, const struct vm_area_struct *src);
void vma_set_start(struct vm_area_struct *vma, unsigned long start);
/* filemap_fault.c: mmap's checks of file, prot and flags, adding VM_SHARED (MAP_SHARED) and
 * dropping VM_MAYWRITE (shared, file not writable) in *vm_flags; mm_mmap's errors. A fault
 * on a file VMA's page that is not present, and a write to a shared file VMA's read-only
 * page: 0, -EFBIG (past the file's end: SIGBUS), -EIO (read failed: SIGBUS), -EFAULT (the
 * faulting code may not sleep), -ENOMEM. Sleep. */
int mmap_vm_flags(struct file *file, unsigned long prot, unsigned long flags, u64 pgoff,
		  unsigned long len, unsigned long *vm_flags);
int filemap_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		  bool write);
int filemap_page_mkwrite(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
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
