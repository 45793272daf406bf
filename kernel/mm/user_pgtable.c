/*
 * The user half of a process's page tables: PML4s that share the kernel's upper half, 4 KiB
 * user mappings (U/S set, NX unless executable), lookups, unmapping and the full teardown that
 * gives back every page-table page and user page (pages fork shares go through cow.c's count).
 * VMAs live in mmap.c.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/string.h>
#include "mm/mm.h"
#include "mm/pgtable.h"

#define USER_PML4_ENTRIES 256 /* slots 0..255: the lower half */
#define TABLE_FLAGS_USER (PTE_PRESENT | PTE_WRITE | PTE_USER) /* the leaves decide */

static u64 *loaded_pgd; /* the PML4 in CR3 once a user one was loaded; NULL: the kernel's */

static unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static u64 *table_at(u64 entry) { return phys_to_virt(entry & PTE_ADDR); }

static u64 *zeroed_page(void)
{
	u64 *p = alloc_page();

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

u64 *user_pgd_alloc(void)
{
	u64 *pgd = zeroed_page();

	if (pgd)
		memcpy(pgd + USER_PML4_ENTRIES, vmm_kernel_pgd() + USER_PML4_ENTRIES,
		       USER_PML4_ENTRIES * sizeof(u64));
	return pgd;
}

/* The level-1 entry for va, creating tables on the way when create is set (counted in
 * mm->nr_ptes); NULL when a table is missing or could not be made. */
u64 *user_pte(struct mm_struct *mm, unsigned long va, bool create)
{
	u64 *table = mm->pgd, *e, *t;

	for (int level = 4; level > 1; level--) {
		e = &table[pt_index(va, level)];
		if (!(*e & PTE_PRESENT)) {
			if (!create || !(t = zeroed_page()))
				return NULL;
			mm->nr_ptes++;
			*e = virt_to_phys(t) | TABLE_FLAGS_USER;
		}
		table = table_at(*e);
	}
	return &table[pt_index(va, 1)];
}

static u64 vm_flags_to_pte(unsigned long vm_flags)
{
	u64 pte = PTE_PRESENT | PTE_USER;

	if (vm_flags & VM_WRITE)
		pte |= PTE_WRITE;
	if (!(vm_flags & VM_EXEC))
		pte |= vmm_nx_bit();
	return pte;
}

int user_map_page(struct mm_struct *mm, unsigned long va, void *page, unsigned long vm_flags)
{
	u64 *pte = user_pte(mm, va, true);

	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_PRESENT)
		return -EEXIST;
	*pte = virt_to_phys(page) | vm_flags_to_pte(vm_flags);
	mm->nr_pages++;
	return 0;
}

void flush_tlb_page(struct mm_struct *mm, unsigned long va)
{
	if (loaded_pgd == mm->pgd)
		__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

void flush_tlb_mm(struct mm_struct *mm)
{
	if (loaded_pgd == mm->pgd)
		__asm__ __volatile__("mov %0, %%cr3" ::"r"(virt_to_phys(mm->pgd)) : "memory");
}

/* The PTE of va, or NULL with *gap the bytes (a power of two) the missing table entry would
 * cover: nothing is mapped there, so a walk over a range skips it whole. */
static u64 *pte_or_gap(struct mm_struct *mm, unsigned long va, unsigned long *gap)
{
	u64 *table = mm->pgd, *e;

	for (int level = 4; level > 1; level--) {
		e = &table[pt_index(va, level)];
		if (!(*e & PTE_PRESENT)) {
			*gap = 1UL << (12 + 9 * (level - 1));
			return NULL;
		}
		table = table_at(*e);
	}
	return &table[pt_index(va, 1)];
}

/* Missing tables are skipped, not walked page by page: munmap(0, 128 TiB) is quick. */
void user_unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long gap = PAGE_SIZE, next;
	u64 *pte;

	for (unsigned long va = start; va < end; va = next) {
		pte = pte_or_gap(mm, va, &gap);
		next = pte ? va + PAGE_SIZE : (va + gap) & ~(gap - 1);
		if (next <= va)
			break; /* wrapped past the top */
		if (!pte || !(*pte & PTE_PRESENT))
			continue;
		user_page_free(table_at(*pte), *pte & PTE_DIRTY);
		*pte = 0;
		mm->nr_pages--;
		flush_tlb_page(mm, va);
	}
}

/* Frees a table of the given level (1: page table) and everything below it. */
static void free_table(u64 *table, int level)
{
	for (unsigned int i = 0; i < 512; i++) {
		if (!(table[i] & PTE_PRESENT))
			continue;
		if (level == 1)
			user_page_free(table_at(table[i]), table[i] & PTE_DIRTY); /* may live on */
		else
			free_table(table_at(table[i]), level - 1);
	}
	free_page(table);
}

void user_pgd_free(u64 *pgd)
{
	for (unsigned int i = 0; i < USER_PML4_ENTRIES; i++)
		if (pgd[i] & PTE_PRESENT)
			free_table(table_at(pgd[i]), 3);
	free_page(pgd);
}

void switch_mm(struct mm_struct *next)
{
	u64 *pgd = next ? next->pgd : NULL;

	if (pgd == loaded_pgd)
		return;
	loaded_pgd = pgd;
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(virt_to_phys(pgd ? pgd : vmm_kernel_pgd()))
			     : "memory");
}
