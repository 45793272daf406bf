/*
 * Copy-on-write for fork (Linux's mm/memory.c wp_page_copy and kernel/fork.c dup_mm). Keel
 * has no struct page, so the pages mapped by more than one address space are counted in a
 * small hash table keyed by frame number: a page that is not in it has one user. fork maps
 * every present page read-only in both address spaces and counts it; the first write fault
 * copies a shared page (or, for the last user, just makes it writable again).
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/list.h>
#include <keel/mm_user.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "mm/mm.h"
#include "mm/pgtable.h"

#define SHARE_BUCKETS 256

/* A page mapped by 1 + extra address spaces. */
struct page_share {
	u64 pfn;
	unsigned int extra;
	struct list_head node;
};

static struct list_head share_table[SHARE_BUCKETS];
static bool share_table_ready;

static struct list_head *share_bucket(u64 pfn)
{
	if (!share_table_ready) {
		for (int i = 0; i < SHARE_BUCKETS; i++)
			INIT_LIST_HEAD(&share_table[i]);
		share_table_ready = true;
	}
	return &share_table[pfn % SHARE_BUCKETS];
}

static u64 page_pfn(void *page) { return virt_to_phys(page) >> PAGE_SHIFT; }

/* The share entry of page, or NULL (one user). Interrupts off. */
static struct page_share *share_find(void *page)
{
	u64 pfn = page_pfn(page);
	struct page_share *s;

	list_for_each_entry(s, share_bucket(pfn), node)
		if (s->pfn == pfn)
			return s;
	return NULL;
}

/* One more address space maps page. 0 or -ENOMEM. Task context. */
static int page_share_get(void *page)
{
	struct page_share *s, *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	unsigned long flags;
	int err = 0;

	local_irq_save(flags);
	s = share_find(page);
	if (s) {
		s->extra++;
	} else if (fresh) {
		fresh->pfn = page_pfn(page);
		fresh->extra = 1;
		list_add(&fresh->node, share_bucket(fresh->pfn));
		fresh = NULL; /* now in the table */
	} else {
		err = -ENOMEM;
	}
	local_irq_restore(flags);
	kfree(fresh); /* unused: the page was shared already */
	return err;
}

/* One address space stops mapping page; true when it was the last (the caller frees it). */
static bool page_share_put(void *page)
{
	struct page_share *s, *gone = NULL;
	unsigned long flags;

	local_irq_save(flags);
	s = share_find(page);
	if (s && --s->extra == 0) {
		list_del(&s->node);
		gone = s;
	}
	local_irq_restore(flags);
	kfree(gone);
	return !s;
}

void user_page_free(void *page)
{
	if (page_share_put(page))
		free_page(page);
}

/* Shares the present pages of [vma) with dst, read-only in both. */
static int share_vma_pages(struct mm_struct *dst, struct mm_struct *src,
			   const struct vm_area_struct *vma)
{
	u64 *spte, *dpte;

	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		spte = user_pte(src, va, false);
		if (!spte || !(*spte & PTE_PRESENT))
			continue;
		dpte = user_pte(dst, va, true);
		if (!dpte || page_share_get(phys_to_virt(*spte & PTE_ADDR)))
			return -ENOMEM;
		*spte &= ~PTE_WRITE;
		*dpte = *spte;
		dst->nr_pages++;
	}
	return 0;
}

struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;

	if (!mm)
		return NULL;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->arg_start = oldmm->arg_start;
	mm->arg_end = oldmm->arg_end;
	mm->env_start = oldmm->env_start;
	mm->env_end = oldmm->env_end;
	mm->exe_path = oldmm->exe_path ? kstrdup(oldmm->exe_path, GFP_KERNEL) : NULL;
	list_for_each_entry(vma, &oldmm->mmap, vm_list) {
		if (mm_add_vma(mm, vma->vm_start, vma->vm_end, vma->vm_flags) ||
		    share_vma_pages(mm, oldmm, vma))
			goto out_mmput;
	}
	flush_tlb_mm(oldmm); /* the parent's pages just became read-only */
	return mm;

out_mmput:
	flush_tlb_mm(oldmm);
	mmput(mm);
	return NULL;
}

int do_wp_page(struct mm_struct *mm, unsigned long addr, u64 *pte)
{
	void *old = phys_to_virt(*pte & PTE_ADDR), *copy;
	unsigned long flags;

	local_irq_save(flags);
	if (!share_find(old)) {
		*pte |= PTE_WRITE; /* the last user: the page is its own again */
		goto out_flush;
	}
	copy = alloc_page();
	if (!copy) {
		local_irq_restore(flags);
		return -ENOMEM;
	}
	memcpy(copy, old, PAGE_SIZE);
	page_share_put(old);
	*pte = (*pte & ~PTE_ADDR) | virt_to_phys(copy) | PTE_WRITE;
out_flush:
	flush_tlb_page(mm, addr);
	local_irq_restore(flags);
	return 0;
}
