/* Memory management bring-up (physical pages, then the kernel's page tables) and statistics. */
#include <keel/printk.h>
#include "mm/mm.h"
#include "mm/mm_internal.h"

extern char __boot_start[], __kernel_end[];

void mm_init(void)
{
	struct meminfo mi;
	unsigned long kernel_bytes = (unsigned long)__kernel_end - KERNEL_VMA -
				     (unsigned long)__boot_start;

	page_alloc_init();
	paging_init();
	mm_get_meminfo(&mi);
	pr_info("mm: %llu kB usable, %llu kB free, kernel %lu kB%s\n",
		(unsigned long long)mi.total_kb, (unsigned long long)mi.free_kb,
		kernel_bytes / 1024, mm_nx_enabled() ? "" : " (no NX: data is executable)");
}

void mm_get_meminfo(struct meminfo *mi)
{
	struct page_stats st;
	u64 heap_pages;

	page_alloc_get_stats(&st);
	mi->total_kb = st.usable_bytes / 1024;
	mi->free_kb = st.free_pages * (PAGE_SIZE / 1024);
	mi->reserved_kb = st.reserved_pages * (PAGE_SIZE / 1024);
	heap_get_stats(&mi->heap_used_bytes, &mi->heap_blocks, &heap_pages);
	/* Module code lives in the module area, so its blocks are owned from there. */
	heap_get_owned_stats(MODULES_VADDR, MODULES_END, &mi->heap_module_bytes,
			     &mi->heap_module_blocks);
}
