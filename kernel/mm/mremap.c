/*
 * mremap(2) for anonymous private memory (Linux's mm/mremap.c in small), which musl's
 * realloc uses for large blocks: shrink in place, grow in place when the addresses above are
 * free, else move the pages themselves (their PTEs) to a new gap, so nothing is copied.
 */
#include <keel/errno.h>
#include <keel/mman.h>
#include <keel/mm_user.h>
#include "mm/pgtable.h"

/* Whether [vma->vm_end, end) is free and inside the mmap area. */
static bool can_grow_in_place(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long end)
{
	struct vm_area_struct *next;

	if (end > MMAP_BASE || end < vma->vm_end)
		return false;
	if (list_is_last(&vma->vm_list, &mm->mmap))
		return true;
	next = list_next_entry(vma, vm_list);
	return next->vm_start >= end;
}

/* Moves the present PTEs of [old, old + len) to new; both ranges are in VMAs. */
static int move_ptes(struct mm_struct *mm, unsigned long old, unsigned long new,
		     unsigned long len)
{
	u64 *src, *dst;

	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		src = user_pte(mm, old + off, false);
		if (!src || !(*src & PTE_PRESENT))
			continue;
		dst = user_pte(mm, new + off, true);
		if (!dst)
			return -ENOMEM;
		*dst = *src;
		*src = 0;
	}
	flush_tlb_mm(mm);
	return 0;
}

static unsigned long vm_flags_to_prot(unsigned long vm_flags)
{
	return ((vm_flags & VM_READ) ? PROT_READ : 0) | ((vm_flags & VM_WRITE) ? PROT_WRITE : 0) |
	       ((vm_flags & VM_EXEC) ? PROT_EXEC : 0);
}

/* MREMAP_MAYMOVE: a new anonymous VMA with the same rights, the pages moved into it. */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old,
		     unsigned long old_len, unsigned long new_len)
{
	unsigned long flags = vma->vm_flags;
	long new = mm_mmap(mm, 0, new_len, vm_flags_to_prot(flags), MAP_PRIVATE | MAP_ANONYMOUS,
			   NULL, 0);
	int err;

	if (new < 0)
		return new;
	find_vma(mm, (unsigned long)new)->vm_flags = flags;
	err = move_ptes(mm, old, (unsigned long)new, old_len);
	if (!err)
		err = mm_remove_range(mm, old, old + old_len); /* no pages left there */
	if (err) {
		move_ptes(mm, (unsigned long)new, old, old_len); /* tables exist: cannot fail */
		mm_remove_range(mm, (unsigned long)new, (unsigned long)new + new_len);
		return err;
	}
	return new;
}

long mm_mremap(struct mm_struct *mm, unsigned long old, unsigned long old_len,
	       unsigned long new_len, unsigned long flags)
{
	struct vm_area_struct *vma;

	if ((old & (PAGE_SIZE - 1)) || (flags & ~(unsigned long)MREMAP_MAYMOVE) || !new_len ||
	    !old_len || old_len > TASK_SIZE || new_len > TASK_SIZE)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	vma = find_vma(mm, old);
	if (!vma || old > TASK_SIZE - old_len || old + old_len > vma->vm_end)
		return -EFAULT;
	if (vma->vm_file || (vma->vm_flags & VM_SHARED))
		return -EINVAL; /* not in Keel: file and shared mappings stay where they are */
	if (new_len <= old_len) {
		if (new_len < old_len && mm_remove_range(mm, old + new_len, old + old_len))
			return -ENOMEM;
		return (long)old;
	}
	if (!may_expand_vm(mm, vma->vm_flags, new_len - old_len))
		return -ENOMEM;
	if (old + old_len == vma->vm_end && can_grow_in_place(mm, vma, old + new_len)) {
		vma->vm_end = old + new_len;
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	return move_vma(mm, vma, old, old_len, new_len);
}
