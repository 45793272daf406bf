/*
 * Copy-on-write for fork (Linux's mm/memory.c wp_page_copy and kernel/fork.c dup_mm). Keel
 * has no struct page, so the pages mapped by more than one address space are counted in a
 * small hash table keyed by frame number: a page that is not in it has one user. fork maps
 * every present page read-only in both address spaces and counts it; the first write fault
 * copies a shared page (or, for the last user, just makes it writable again).
 *
 * The same table tracks page-cache pages that file mappings map (filemap_fault.c): their
 * entry points at the cache_page and counts the PTEs mapping it, each holding one cache
 * reference, so a mapped page is never evicted and is never given to free_page. Pages of
 * shared mappings (VM_SHARED) are never copied: a write fault only makes them writable.
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/list.h>
#include <keel/minmax.h>
#include <keel/mm_user.h>
#include <keel/pagemap.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "mm/mm.h"
#include "mm/pagecache_internal.h"
#include "mm/pgtable.h"

#define SHARE_BUCKETS 256

/* An anonymous page mapped by 1 + extra address spaces, or a cache page (cpage set) mapped
 * by extra PTEs. */
struct page_share {
	u64 pfn;
	unsigned int extra;
	struct cache_page *cpage;
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
		if (s->cpage)
			get_page(s->cpage);
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

/* A cache page's bytes that a shared mapping wrote (the PTE's dirty bit) go to the cache:
 * the page and the buffers inside the file's size (Linux's set_page_dirty_buffers). */
static void cache_page_mark_dirty(struct cache_page *cpage)
{
	struct address_space *m = cpage->mapping;
	struct inode *inode = m ? m->host : NULL;
	u64 pos = cpage->index * PAGE_SIZE;

	if (!inode || pos >= (u64)inode->i_size)
		return;
	page_buffers_written(cpage, 0, (size_t)min_t(u64, PAGE_SIZE, inode->i_size - pos));
	set_page_dirty(cpage);
}

/* One address space stops mapping page (dirty: its PTE says it was written); true when it
 * was the last user of an anonymous page (the caller frees it). */
static bool page_share_put(void *page, bool dirty)
{
	struct page_share *s, *gone = NULL;
	struct cache_page *cpage = NULL;
	unsigned long flags;

	local_irq_save(flags);
	s = share_find(page);
	if (s)
		cpage = s->cpage;
	if (s && --s->extra == 0) {
		list_del(&s->node);
		gone = s;
	}
	local_irq_restore(flags);
	kfree(gone);
	if (cpage && dirty)
		cache_page_mark_dirty(cpage);
	if (cpage)
		put_page(cpage);
	return !s;
}

void user_page_free(void *page, bool dirty)
{
	if (page_share_put(page, dirty))
		free_page(page);
}

int user_map_cache_page(struct mm_struct *mm, unsigned long va, struct cache_page *cpage,
			unsigned long vm_flags)
{
	struct page_share *s, *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	unsigned long flags;
	int err;

	if (!fresh)
		return -ENOMEM;
	local_irq_save(flags);
	err = user_map_page(mm, va, cpage->data, vm_flags);
	s = err ? NULL : share_find(cpage->data);
	if (s) {
		s->extra++;
	} else if (!err) {
		fresh->pfn = page_pfn(cpage->data);
		fresh->extra = 1;
		fresh->cpage = cpage;
		list_add(&fresh->node, share_bucket(fresh->pfn));
		fresh = NULL;
	}
	local_irq_restore(flags);
	kfree(fresh);
	return err;
}

void user_pte_sync_dirty(u64 *pte)
{
	struct cache_page *cpage = NULL;
	struct page_share *s;
	unsigned long flags;

	if (!(*pte & PTE_DIRTY))
		return;
	local_irq_save(flags);
	s = share_find(phys_to_virt(*pte & PTE_ADDR));
	if (s && s->cpage) {
		cpage = s->cpage;
		get_page(cpage);
	}
	*pte &= ~PTE_DIRTY;
	local_irq_restore(flags);
	if (cpage) {
		cache_page_mark_dirty(cpage);
		put_page(cpage);
	}
}

/* Shares the present pages of [vma) with dst: read-only in both (copy-on-write), except in
 * shared mappings, whose pages keep their rights. */
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
		if (!(vma->vm_flags & VM_SHARED))
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
		if (mm_add_vma(mm, vma->vm_start, vma->vm_end, vma->vm_flags))
			goto out_mmput;
		vma_copy_file(find_vma(mm, vma->vm_start), vma);
		if (share_vma_pages(mm, oldmm, vma))
			goto out_mmput;
	}
	flush_tlb_mm(oldmm); /* the parent's pages just became read-only */
	return mm;

out_mmput:
	flush_tlb_mm(oldmm);
	mmput(mm);
	return NULL;
}

/* A write to a private mapping's page: the writer gets its own copy, mapped writable, and
 * drops its use of the old page (a shared anonymous page or a cache page). Interrupts off. */
static int wp_page_copy(struct mm_struct *mm, unsigned long addr, u64 *pte)
{
	void *old = phys_to_virt(*pte & PTE_ADDR), *copy = alloc_page();

	if (!copy)
		return -ENOMEM;
	memcpy(copy, old, PAGE_SIZE);
	*pte = (*pte & ~(PTE_ADDR | PTE_DIRTY)) | virt_to_phys(copy) | PTE_WRITE;
	flush_tlb_page(mm, addr);
	user_page_free(old, false); /* not the last user: it was shared or cached */
	return 0;
}

int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	       u64 *pte)
{
	void *old = phys_to_virt(*pte & PTE_ADDR);
	struct page_share *s;
	unsigned long flags;
	int err = 0;

	local_irq_save(flags);
	s = share_find(old);
	if (s && !(vma->vm_flags & VM_SHARED)) {
		err = wp_page_copy(mm, addr, pte);
	} else {
		*pte |= PTE_WRITE; /* the last user, or a shared mapping: the page is written */
		flush_tlb_page(mm, addr);
	}
	local_irq_restore(flags);
	return err;
}
