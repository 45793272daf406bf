/*
 * Process address spaces: the mm_struct, its sorted list of VMAs, demand paging of anonymous
 * memory, and the brk/mmap/munmap operations behind the system calls (file mappings' faults
 * are filemap_fault.c's, and so is every use of struct file: this file does not see its
 * definition, as binfmt_elf does not, so that find_vma's symbol CRC is the same for both). Page tables are
 * user_pgtable.c's business; this file decides what is valid, that one what is mapped.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/minmax.h>
#include <keel/mman.h>
#include <keel/mm_user.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "mm/mm.h"
#include "mm/pgtable.h"

static bool page_aligned(unsigned long a) { return (a & (PAGE_SIZE - 1)) == 0; }

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = user_pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users = 1;
	return mm;
}

void vma_set_start(struct vm_area_struct *vma, unsigned long start)
{
	vma->vm_pgoff += (start - vma->vm_start) >> PAGE_SHIFT; /* start only moves up */
	vma->vm_start = start;
}

void mmput(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	if (!mm || --mm->mm_users > 0)
		return;
	user_pgd_free(mm->pgd); /* first: dirty shared file pages are handed to the cache */
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		list_del(&vma->vm_list);
		vm_area_free(vma);
	}
	kfree(mm->exe_path);
	kfree(mm);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (addr < vma->vm_start)
			return NULL; /* sorted: nothing further can contain it */
		if (addr < vma->vm_end)
			return vma;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(find_vma);

/* True when [start, end) meets no VMA. */
static bool range_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list)
		if (start < vma->vm_end && vma->vm_start < end)
			return false;
	return true;
}

int mm_add_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned long flags)
{
	struct vm_area_struct *vma, *pos;

	if (!page_aligned(start) || !page_aligned(end) || start >= end || end > TASK_SIZE ||
	    start < PAGE_SIZE)
		return -EINVAL;
	if (!range_free(mm, start, end))
		return -EEXIST;
	vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	list_for_each_entry(pos, &mm->mmap, vm_list)
		if (pos->vm_start > start)
			break;
	list_add_tail(&vma->vm_list, &pos->vm_list); /* before pos: keeps the list sorted */
	return 0;
}
EXPORT_SYMBOL_GPL(mm_add_vma);

/* Cuts [start, end) out of one VMA that it meets; may split it in two. */
static int vma_cut(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct vm_area_struct *tail;

	if (start <= vma->vm_start && end >= vma->vm_end) {
		list_del(&vma->vm_list);
		vm_area_free(vma);
	} else if (start <= vma->vm_start) {
		vma_set_start(vma, end);
	} else if (end >= vma->vm_end) {
		vma->vm_end = start;
	} else {
		tail = vm_area_dup(vma);
		if (!tail)
			return -ENOMEM;
		vma_set_start(tail, end);
		vma->vm_end = start;
		list_add(&tail->vm_list, &vma->vm_list);
	}
	return 0;
}

int mm_remove_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma, *next;
	int err;

	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_end <= start || vma->vm_start >= end)
			continue;
		err = vma_cut(vma, start, end);
		if (err)
			return err;
	}
	user_unmap_range(mm, start, end);
	return 0;
}

/* Maps a fresh zeroed page at the page containing addr. */
static int map_zeroed_page(struct mm_struct *mm, unsigned long addr, unsigned long flags)
{
	void *page = alloc_page();
	int err;

	if (!page)
		return -ENOMEM;
	memset(page, 0, PAGE_SIZE);
	err = user_map_page(mm, addr & ~(PAGE_SIZE - 1), page, flags);
	if (err)
		free_page(page);
	return err;
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	u64 *pte;

	if (!vma)
		return -EFAULT;
	if ((write && !(vma->vm_flags & VM_WRITE)) || (exec && !(vma->vm_flags & VM_EXEC)) ||
	    !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return -EACCES;
	pte = user_pte(mm, addr, false);
	if (pte && (*pte & PTE_PRESENT) && write && !(*pte & PTE_WRITE) && vma->vm_file &&
	    (vma->vm_flags & VM_SHARED))
		return filemap_page_mkwrite(mm, vma, addr); /* a shared file page written */
	if (pte && (*pte & PTE_PRESENT) && write && !(*pte & PTE_WRITE))
		return do_wp_page(mm, vma, addr, pte); /* copy-on-write (cow.c) */
	if (pte && (*pte & PTE_PRESENT))
		return -EACCES; /* present and still faulting: a protection violation */
	if (vma->vm_file)
		return filemap_fault(mm, vma, addr, write);
	return map_zeroed_page(mm, addr, vma->vm_flags);
}

void *mm_get_page_addr(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	u64 *pte;

	if (!vma)
		return NULL;
	pte = user_pte(mm, addr, false);
	if ((!pte || !(*pte & PTE_PRESENT)) && map_zeroed_page(mm, addr, vma->vm_flags))
		return NULL;
	pte = user_pte(mm, addr, false);
	return (char *)phys_to_virt(*pte & PTE_ADDR) + (addr & (PAGE_SIZE - 1));
}

/* Data memory as Linux counts it for RLIMIT_DATA: private, writable, not the stack. */
static bool is_data_mapping(unsigned long flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
}

bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long len)
{
	unsigned long total = 0, data = 0;
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		total += vma->vm_end - vma->vm_start;
		if (is_data_mapping(vma->vm_flags))
			data += vma->vm_end - vma->vm_start;
	}
	if (total + len > rlimit(RLIMIT_AS))
		return false;
	return !is_data_mapping(flags) || data + len <= rlimit(RLIMIT_DATA);
}

/* Linux's brk(): grows or shrinks the heap VMA; returns the new break, or the old one when
 * the request is refused (below start_brk, into another mapping, past RLIMIT_AS or
 * RLIMIT_DATA, out of memory). */
unsigned long mm_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || brk > MMAP_BASE)
		return mm->brk;
	if (new_end > old_end && (!may_expand_vm(mm, VM_READ | VM_WRITE, new_end - old_end) ||
				  mm_add_vma(mm, old_end, new_end, VM_READ | VM_WRITE)))
		return mm->brk;
	if (new_end < old_end && mm_remove_range(mm, new_end, old_end))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

/* The highest free gap of len bytes under MMAP_BASE and above the heap's break, or 0. */
static unsigned long find_gap_top_down(struct mm_struct *mm, unsigned long len)
{
	unsigned long top = MMAP_BASE, floor = max_t(unsigned long, mm->brk, PAGE_SIZE);
	struct vm_area_struct *vma;

	list_for_each_entry_reverse(vma, &mm->mmap, vm_list) {
		if (top < floor || top - floor < len)
			return 0;
		if (vma->vm_start >= top)
			continue;
		if (vma->vm_end <= top - len)
			return top - len;
		top = vma->vm_start;
	}
	return top >= floor && top - floor >= len ? top - len : 0;
}

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/* A shared anonymous mapping gets all its pages now, so that fork shares every one of them
 * (there is no shmem object to find a page not yet touched). 0 or -ENOMEM. */
static int populate_shared_anon(struct mm_struct *mm, struct vm_area_struct *vma)
{
	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		if (map_zeroed_page(mm, va, vma->vm_flags))
			return -ENOMEM;
		if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
			*user_pte(mm, va, false) &= ~PTE_USER; /* PROT_NONE, as mprotect does */
	}
	return 0;
}

/* Where the mapping goes: addr with MAP_FIXED (what was there is unmapped), else the
 * highest gap. The address or -errno. */
static long mmap_place(struct mm_struct *mm, unsigned long addr, unsigned long len,
		       unsigned long flags)
{
	int err;

	if (flags & MAP_FIXED) {
		if (addr < PAGE_SIZE || addr > TASK_SIZE - len)
			return -EINVAL;
		err = mm_remove_range(mm, addr, addr + len);
		return err ? err : (long)addr;
	}
	addr = find_gap_top_down(mm, len);
	return addr ? (long)addr : -ENOMEM;
}

long mm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, struct file *file, u64 pgoff)
{
	unsigned long vm_flags = prot_to_vm_flags(prot) | VM_MAYWRITE;
	struct vm_area_struct *vma;
	long ret;

	if (!len || len > TASK_SIZE || !page_aligned(addr))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	ret = mmap_vm_flags(file, prot, flags, pgoff, len, &vm_flags);
	if (ret)
		return ret;
	if (!may_expand_vm(mm, vm_flags, len))
		return -ENOMEM;
	ret = mmap_place(mm, addr, len, flags);
	if (ret < 0)
		return ret;
	addr = (unsigned long)ret;
	ret = mm_add_vma(mm, addr, addr + len, vm_flags);
	if (ret)
		return ret;
	vma = find_vma(mm, addr);
	vma_set_file(vma, file, pgoff);
	if (!file && (vm_flags & VM_SHARED) && populate_shared_anon(mm, vma)) {
		mm_remove_range(mm, addr, addr + len);
		return -ENOMEM;
	}
	return (long)addr;
}