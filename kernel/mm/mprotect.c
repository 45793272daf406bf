/*
 * mprotect(2): changing the rights of a range of a process's memory (Linux's mm/mprotect.c in
 * small). The VMAs covering the range are split at its ends and get the new rights; pages
 * already present get their PTE's write and NX bits to match. Write rights are granted lazily:
 * a page made writable stays read-only in its PTE until the first write fault, which either
 * copies it (shared after fork) or just sets the bit (cow.c's do_wp_page), so mprotect never
 * breaks copy-on-write.
 */
#include <keel/errno.h>
#include <keel/mman.h>
#include <keel/mm_user.h>
#include <keel/slab.h>
#include "mm/pgtable.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Splits vma at addr (strictly inside it): vma keeps [start, addr), a new one [addr, end). */
static int split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *tail = vm_area_dup(vma);

	if (!tail)
		return -ENOMEM;
	vma_set_start(tail, addr);
	vma->vm_end = addr;
	list_add(&tail->vm_list, &vma->vm_list);
	return 0;
}

/* -ENOMEM when some page of [start, end) belongs to no VMA (Linux's answer); -EACCES when
 * write rights are asked of a shared mapping of a file not open for writing. */
static int range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned long rights)
{
	unsigned long addr = start;
	struct vm_area_struct *vma;

	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma)
			return -ENOMEM;
		if ((rights & VM_WRITE) && vma->vm_file && (vma->vm_flags & VM_SHARED) &&
		    !(vma->vm_flags & VM_MAYWRITE))
			return -EACCES;
		addr = vma->vm_end;
	}
	return 0;
}

/* The PTEs of [start, end) that are present follow the new flags (see the top comment). */
static void change_pte_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			     unsigned long vm_flags)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		u64 *pte = user_pte(mm, addr, false);

		if (!pte || !(*pte & PTE_PRESENT))
			continue;
		/* PROT_NONE keeps the page but takes it from user mode (Linux: a PROT_NONE pte) */
		if (vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
			*pte |= PTE_USER;
		else
			*pte &= ~PTE_USER;
		if (!(vm_flags & VM_WRITE))
			*pte &= ~PTE_WRITE;
		if (vm_flags & VM_EXEC)
			*pte &= ~PTE_NX;
		else
			*pte |= vmm_nx_bit();
	}
	flush_tlb_mm(mm);
}

/* Splits the VMAs at start and end, then sets the rights of every VMA between. */
static int apply_prot(struct mm_struct *mm, unsigned long start, unsigned long end,
		      unsigned long rights)
{
	struct vm_area_struct *vma;
	int err;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (vma->vm_end <= start || vma->vm_start >= end)
			continue;
		if (vma->vm_start < start) {
			err = split_vma(vma, start);
			if (err)
				return err;
			continue; /* the tail comes next in the list */
		}
		if (vma->vm_end > end) {
			err = split_vma(vma, end);
			if (err)
				return err;
		}
		vma->vm_flags = (vma->vm_flags & ~(unsigned long)(VM_READ | VM_WRITE | VM_EXEC)) |
				rights;
	}
	change_pte_range(mm, start, end, rights);
	return 0;
}

long mm_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		 unsigned long prot)
{
	unsigned long end, rights;
	int err;

	if ((start & (PAGE_SIZE - 1)) || (prot & ~(unsigned long)PROT_ALL))
		return -EINVAL;
	if (len > TASK_SIZE || start > TASK_SIZE - ALIGN_UP(len, PAGE_SIZE))
		return -ENOMEM;
	if (!len)
		return 0;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	rights = ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
		 ((prot & PROT_EXEC) ? VM_EXEC : 0);
	err = range_mapped(mm, start, end, rights);
	if (err)
		return err;
	return apply_prot(mm, start, end, rights);
}
