/*
 * The kernel's physical page allocator: sets up the bitmap allocator (pmm.c) from the boot
 * loader's memory map, keeping away from everything that is already in use, and hands pages
 * out through the direct map.
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/pagemap.h>
#include <keel/printk.h>
#include "init/bootinfo.h"
#include "mm/mm_internal.h"
#include "mm/pmm.h"

#define LOW_MEMORY_END 0x100000ULL
#define BOOT_MAPPED_END (4ULL << 30) /* the boot page tables' direct map */
#define MAX_RESERVED (4 + BOOT_MODULES_MAX)

extern char __boot_start[], __kernel_end[];

static struct pmm pmm;
static u64 alloc_limit_pfn;
static u64 usable_bytes;
static struct boot_mmap_entry fallback_map[2];
/* The loader's map sorted and made disjoint: sanitising n entries gives at most 2n. */
static struct boot_mmap_entry clean_map[2 * BOOT_MMAP_MAX];
static unsigned int clean_count;

/* The loader's map, or one made from the basic lower/upper memory sizes when there is none. */
static const struct boot_mmap_entry *boot_memory_map(unsigned int *n)
{
	if (boot_info.mmap_count) {
		*n = boot_info.mmap_count;
		return boot_info.mmap;
	}
	pr_warn("mm: no memory map from the boot loader; using the basic memory sizes\n");
	fallback_map[0] = (struct boot_mmap_entry){ 0, boot_info.mem_lower_kb * 1024, 1 };
	fallback_map[1] = (struct boot_mmap_entry){ LOW_MEMORY_END, boot_info.mem_upper_kb * 1024, 1 };
	*n = 2;
	return fallback_map;
}

/* Everything in RAM that must never be handed out, except the allocator's own bitmaps. */
static unsigned int collect_reserved(struct phys_range *r)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	unsigned int n = 0;

	r[n++] = (struct phys_range){ 0, LOW_MEMORY_END };
	r[n++] = (struct phys_range){ (phys_addr_t)__boot_start,
				      (phys_addr_t)__kernel_end - KERNEL_VMA };
	r[n++] = (struct phys_range){ boot_info.mbi_start, boot_info.mbi_end };
	for (unsigned int i = 0; i < boot_info.module_count; i++)
		r[n++] = (struct phys_range){ boot_info.modules[i].start, boot_info.modules[i].end };
	if (boot_info.has_fb)
		r[n++] = (struct phys_range){ fb->addr, fb->addr + (u64)fb->pitch * fb->height };
	return n;
}

/* The loader's map, sorted and disjoint (memmap_sanitize); overlaps are reported. */
static void sanitize_memory_map(void)
{
	const struct boot_mmap_entry *map;
	unsigned int n, overlaps;
	int count;

	map = boot_memory_map(&n);
	overlaps = memmap_count_overlaps(map, n);
	if (overlaps)
		pr_warn("mm: %u overlapping pairs in the boot memory map: the most restrictive type wins\n",
			overlaps);
	count = memmap_sanitize(map, n, clean_map, ARRAY_SIZE(clean_map));
	if (count < 0)
		panic("mm: cannot normalise the boot memory map (%d)", count);
	clean_count = (unsigned int)count;
}

const struct boot_mmap_entry *page_alloc_memory_map(unsigned int *n)
{
	*n = clean_count;
	return clean_map;
}

static void log_memory_map(const struct boot_mmap_entry *map, unsigned int n)
{
	static const char *const names[] = { "?", "available", "reserved", "ACPI data",
					     "ACPI NVS", "bad" };

	for (unsigned int i = 0; i < n; i++)
		pr_debug("mm: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)map[i].base,
			 (unsigned long long)(map[i].base + map[i].len - 1),
			 map[i].type < ARRAY_SIZE(names) ? names[map[i].type] : "other");
}

void page_alloc_init(void)
{
	struct phys_range reserved[MAX_RESERVED + 1];
	const struct boot_mmap_entry *map;
	unsigned int n, nres;
	phys_addr_t bitmaps;
	u64 npages;

	sanitize_memory_map();
	map = page_alloc_memory_map(&n);
	log_memory_map(map, n);
	usable_bytes = memmap_usable_bytes(map, n);
	npages = memmap_end_pfn(map, n);
	nres = collect_reserved(reserved);
	bitmaps = memmap_find_free(map, n, reserved, nres, pmm_storage_bytes(npages),
				   LOW_MEMORY_END, BOOT_MAPPED_END);
	if (!npages || !bitmaps)
		panic("mm: no room for the page allocator (%llu kB of usable memory)",
		      (unsigned long long)usable_bytes / 1024);
	reserved[nres++] = (struct phys_range){ bitmaps, bitmaps + pmm_storage_bytes(npages) };
	pmm_init(&pmm, npages, phys_to_virt(bitmaps));
	memmap_populate(&pmm, map, n, reserved, nres);
	page_alloc_set_limit(BOOT_MAPPED_END);
}

void free_initrd_mem(phys_addr_t start, phys_addr_t end)
{
	u64 first = (start + PAGE_SIZE - 1) >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	unsigned long flags;

	if (last <= first)
		return;
	local_irq_save(flags);
	pmm_release(&pmm, first, last - first);
	local_irq_restore(flags);
	pr_info("mm: freeing initrd memory: %lluK\n",
		(unsigned long long)(last - first) * (PAGE_SIZE / 1024));
}

void page_alloc_set_limit(phys_addr_t limit)
{
	alloc_limit_pfn = limit >> PAGE_SHIFT;
}

#define SHRINK_BATCH 256

static u64 alloc_pfns(unsigned int order)
{
	unsigned long flags;
	u64 pfn;

	local_irq_save(flags);
	pfn = pmm_alloc(&pmm, order, alloc_limit_pfn);
	local_irq_restore(flags);
	return pfn;
}

/* Out of pages: clean page cache pages are given back (a batch, more for a large order, as
 * they need not be contiguous), then one more try. */
void *alloc_pages(unsigned int order)
{
	u64 pfn = alloc_pfns(order);

	if (pfn == PMM_NO_PAGE && shrink_page_cache(SHRINK_BATCH << min(order, 4u)))
		pfn = alloc_pfns(order);
	if (pfn == PMM_NO_PAGE)
		return NULL;
	return phys_to_virt(pfn << PAGE_SHIFT);
}
EXPORT_SYMBOL(alloc_pages);

void free_pages(void *addr, unsigned int order)
{
	unsigned long va = (unsigned long)addr, flags;

	if (!addr)
		return;
	if (va < DIRECT_MAP_BASE || va - DIRECT_MAP_BASE >= (pmm.npages << PAGE_SHIFT) ||
	    va % PAGE_SIZE) {
		pr_err("free_pages: 0x%lx is not a page from alloc_pages\n", va);
		return;
	}
	local_irq_save(flags);
	pmm_free(&pmm, (va - DIRECT_MAP_BASE) >> PAGE_SHIFT, order);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(free_pages);

void page_alloc_get_stats(struct page_stats *st)
{
	unsigned long flags;

	local_irq_save(flags);
	st->usable_bytes = usable_bytes;
	st->free_pages = pmm.free_pages;
	st->reserved_pages = pmm.reserved_pages;
	st->managed_pages = pmm.managed_pages;
	st->end_pfn = pmm.npages;
	local_irq_restore(flags);
}
