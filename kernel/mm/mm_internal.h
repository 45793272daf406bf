/* Declarations shared between the files of kernel/mm only. */
#ifndef KEEL_MM_INTERNAL_H
#define KEEL_MM_INTERNAL_H

#include <keel/types.h>

/* Physical memory (page_alloc.c). */
struct page_stats {
	u64 usable_bytes;   /* available RAM the boot loader reported */
	u64 free_pages;
	u64 reserved_pages; /* available RAM set aside at boot (kernel, initrd, mbi, bitmaps...) */
	u64 managed_pages;  /* available RAM in whole pages */
	u64 end_pfn;        /* one past the highest page of available RAM */
};
void page_alloc_init(void);
struct boot_mmap_entry;
/* The boot memory map as page_alloc_init() normalised it: sorted, disjoint. */
const struct boot_mmap_entry *page_alloc_memory_map(unsigned int *n);
/* Before the switch to the kernel's page tables only the first 4 GiB are mapped. */
void page_alloc_set_limit(phys_addr_t limit);
void page_alloc_get_stats(struct page_stats *st);

/* Page tables (vmm.c). */
void paging_init(void);

/* The heap (kmalloc.c). */
void heap_get_stats(u64 *used_bytes, u64 *blocks, u64 *pages);
/* Live blocks (and their bytes) whose owner lies in [start, end); walks the heap. */
void heap_get_owned_stats(unsigned long start, unsigned long end, u64 *bytes, u64 *blocks);

#endif
