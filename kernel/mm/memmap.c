/*
 * Reading the boot loader's memory map: how much RAM there is, where the page allocator's own
 * bitmaps can go, and feeding the allocator. Only type 1 (available) entries are RAM to us.
 */
#include <keel/compiler.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include "mm/pmm.h"

static bool entry_usable(const struct boot_mmap_entry *e)
{
	return e->type == BOOT_MEM_AVAILABLE && e->len != 0 && e->base + e->len > e->base;
}

u64 memmap_usable_bytes(const struct boot_mmap_entry *map, unsigned int n)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < n; i++)
		if (entry_usable(&map[i]))
			sum += map[i].len;
	return sum;
}

/* The whole pages of an entry, as frame numbers [*first, *end). */
static bool entry_pages(const struct boot_mmap_entry *e, u64 *first, u64 *end)
{
	if (!entry_usable(e))
		return false;
	*first = ALIGN_UP(e->base, (u64)PAGE_SIZE) >> PAGE_SHIFT;
	*end = (e->base + e->len) >> PAGE_SHIFT;
	return *first < *end;
}

u64 memmap_end_pfn(const struct boot_mmap_entry *map, unsigned int n)
{
	u64 first, end, last = 0;

	for (unsigned int i = 0; i < n; i++)
		if (entry_pages(&map[i], &first, &end))
			last = max(last, end);
	return last;
}

/* The end of a reserved range overlapping [start, start+size), or 0 when none does. */
static phys_addr_t overlapping_end(const struct phys_range *reserved, unsigned int nres,
				   phys_addr_t start, u64 size)
{
	for (unsigned int i = 0; i < nres; i++)
		if (reserved[i].start < start + size && start < reserved[i].end)
			return reserved[i].end;
	return 0;
}

static phys_addr_t find_in_entry(const struct boot_mmap_entry *e, const struct phys_range *reserved,
				 unsigned int nres, u64 size, phys_addr_t lowest, phys_addr_t limit)
{
	u64 first, end;
	phys_addr_t start, stop, blocker;

	if (!entry_pages(e, &first, &end))
		return 0;
	start = max(first << PAGE_SHIFT, ALIGN_UP(lowest, (u64)PAGE_SIZE));
	stop = min(end << PAGE_SHIFT, limit);
	while (start < stop && size <= stop - start) {
		blocker = overlapping_end(reserved, nres, start, size);
		if (!blocker)
			return start;
		start = ALIGN_UP(blocker, (u64)PAGE_SIZE);
	}
	return 0;
}

phys_addr_t memmap_find_free(const struct boot_mmap_entry *map, unsigned int n,
			     const struct phys_range *reserved, unsigned int nres, u64 size,
			     phys_addr_t min, phys_addr_t limit)
{
	phys_addr_t found, best = 0;

	for (unsigned int i = 0; i < n; i++) {
		found = find_in_entry(&map[i], reserved, nres, size, min, limit);
		if (found && (!best || found < best))
			best = found;
	}
	return best;
}

void memmap_populate(struct pmm *p, const struct boot_mmap_entry *map, unsigned int n,
		     const struct phys_range *reserved, unsigned int nres)
{
	u64 first, end;

	for (unsigned int i = 0; i < n; i++)
		if (entry_pages(&map[i], &first, &end))
			pmm_add_ram(p, first, end - first);
	for (unsigned int i = 0; i < nres; i++) {
		if (reserved[i].end <= reserved[i].start)
			continue;
		first = reserved[i].start >> PAGE_SHIFT;
		end = ALIGN_UP(reserved[i].end, (u64)PAGE_SIZE) >> PAGE_SHIFT;
		pmm_reserve(p, first, end - first);
	}
}
