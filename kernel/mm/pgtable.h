/* Page-table entry bits and helpers shared by the kernel's tables (vmm.c) and user address
 * spaces (user_pgtable.c). x86_64 4-level paging, as the SDM names the bits. */
#ifndef KEEL_MM_PGTABLE_H
#define KEEL_MM_PGTABLE_H

#include <keel/types.h>

#define PTE_PRESENT 0x1ULL
#define PTE_WRITE 0x2ULL
#define PTE_USER 0x4ULL
#define PTE_PWT 0x8ULL
#define PTE_PCD 0x10ULL
#define PTE_DIRTY 0x40ULL /* set by the CPU at the first write through the entry */
#define PTE_LARGE 0x80ULL
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* The kernel's PML4 (direct-map address): user PML4s copy its upper half. */
u64 *vmm_kernel_pgd(void);
/* PTE_NX when EFER.NXE is on, else 0 (bit 63 is reserved then). */
u64 vmm_nx_bit(void);

struct mm_struct;
/* user_pgtable.c: a user PML4 (kernel half copied), and its teardown (every table and page
 * of the lower half, then the PML4). */
u64 *user_pgd_alloc(void);
void user_pgd_free(u64 *pgd);
/* The page-table entry for va in mm (tables made when create); NULL if missing/no memory. */
u64 *user_pte(struct mm_struct *mm, unsigned long va, bool create);
/* Maps page (direct-map address) at va with the VMA flags' rights; -ENOMEM, -EEXIST. */
int user_map_page(struct mm_struct *mm, unsigned long va, void *page, unsigned long vm_flags);
/* Flushes the TLB entries of mm (of one page of it) when mm is loaded in CR3. */
void flush_tlb_mm(struct mm_struct *mm);
void flush_tlb_page(struct mm_struct *mm, unsigned long va);
/* cow.c: drops one address space's use of a user page; frees an anonymous page with its
 * last user; a cache page loses one reference (dirty: its PTE was written, the cache page
 * is marked dirty first). */
void user_page_free(void *page, bool dirty);
struct cache_page;
struct vm_area_struct;
/* cow.c: maps the cache page at va (page aligned) with vm_flags' rights; the caller's page
 * reference passes to the mapping (put by user_page_free). 0, -ENOMEM, -EEXIST (a page is
 * mapped there already: the reference stays the caller's). Any context. */
int user_map_cache_page(struct mm_struct *mm, unsigned long va, struct cache_page *cpage,
			unsigned long vm_flags);
/* cow.c: a present PTE whose dirty bit is set and that maps a cache page: the cache page is
 * marked dirty and the bit cleared (the caller flushes the TLB). Task context. */
void user_pte_sync_dirty(u64 *pte);
/* cow.c: a write fault on the present read-only pte of addr in a writable VMA: copies a
 * shared or cached page of a private mapping, or makes the page writable (its last user, or
 * a shared mapping). 0 or -ENOMEM. Interrupts off is fine. */
int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	       u64 *pte);
/* Unmaps and frees the user pages in [start, end); page tables stay until teardown. */
void user_unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end);

#endif
