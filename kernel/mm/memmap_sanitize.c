/*
 * Normalising the boot loader's memory map before anything trusts it. Firmware and loaders hand
 * over entries unsorted, overlapping (free RAM over a reserved or bad range), nested, adjacent,
 * empty or absurdly long; taken as they come, the page allocator would free reserved pages and
 * count RAM twice. The map is rewritten as sorted, disjoint entries in which, wherever entries
 * overlapped, the most restrictive type wins (the idea of Linux's e820 sanitiser and Limine's).
 */
#include <keel/errno.h>
#include <keel/minmax.h>
#include "mm/pmm.h"

#define NO_BOUNDARY ((u64)-1)

/* [*start, *end) of an entry clipped to what x86_64 can address; false when nothing is left. */
static bool entry_span(const struct boot_mmap_entry *e, u64 *start, u64 *end)
{
	if (e->len == 0 || e->base >= MEMMAP_PHYS_LIMIT)
		return false;
	*start = e->base;
	*end = e->len > MEMMAP_PHYS_LIMIT - e->base ? MEMMAP_PHYS_LIMIT : e->base + e->len;
	return true;
}

/* The lowest start or end of any entry above pos; NO_BOUNDARY when there is none. */
static u64 next_boundary(const struct boot_mmap_entry *map, unsigned int n, u64 pos)
{
	u64 next = NO_BOUNDARY, start, end;

	for (unsigned int i = 0; i < n; i++) {
		if (!entry_span(&map[i], &start, &end))
			continue;
		if (start > pos)
			next = min(next, start);
		if (end > pos)
			next = min(next, end);
	}
	return next;
}

/* How restrictive a type is: RAM least, bad memory most; unknown types are never RAM. */
static unsigned int type_rank(u32 type)
{
	switch (type) {
	case BOOT_MEM_AVAILABLE: return 0;
	case BOOT_MEM_ACPI: return 1; /* reclaimable, but only once the tables are read */
	case BOOT_MEM_NVS: return 2;
	case BOOT_MEM_RESERVED: return 3;
	case BOOT_MEM_BAD: return 5;
	}
	return 4;
}

static bool more_restrictive(u32 a, u32 b)
{
	return type_rank(a) > type_rank(b) || (type_rank(a) == type_rank(b) && a > b);
}

/* The winning type of the entries covering pos; false in a hole. */
static bool type_at(const struct boot_mmap_entry *map, unsigned int n, u64 pos, u32 *type)
{
	bool found = false;
	u64 start, end;

	for (unsigned int i = 0; i < n; i++) {
		if (!entry_span(&map[i], &start, &end) || pos < start || pos >= end)
			continue;
		if (!found || more_restrictive(map[i].type, *type))
			*type = map[i].type;
		found = true;
	}
	return found;
}

/*
 * Sweeps the address space from boundary to boundary: no entry starts or ends strictly inside
 * [pos, next), so one type holds for all of it. O(n^2) over at most 2n pieces, without scratch
 * memory (this runs before any allocator exists).
 */
int memmap_sanitize(const struct boot_mmap_entry *map, unsigned int n,
		    struct boot_mmap_entry *out, unsigned int max)
{
	unsigned int count = 0;
	u64 pos = 0, next;
	u32 type;

	for (; (next = next_boundary(map, n, pos)) != NO_BOUNDARY; pos = next) {
		if (!type_at(map, n, pos, &type))
			continue;
		if (count && out[count - 1].type == type &&
		    out[count - 1].base + out[count - 1].len == pos) {
			out[count - 1].len += next - pos; /* adjacent, same type: one entry */
			continue;
		}
		if (count == max)
			return -ENOSPC;
		out[count++] = (struct boot_mmap_entry){ pos, next - pos, type };
	}
	return (int)count;
}

/* Pairs of entries whose ranges share at least one byte. */
unsigned int memmap_count_overlaps(const struct boot_mmap_entry *map, unsigned int n)
{
	unsigned int overlaps = 0;
	u64 s1, e1, s2, e2;

	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (entry_span(&map[i], &s1, &e1) && entry_span(&map[j], &s2, &e2) &&
			    s1 < e2 && s2 < e1)
				overlaps++;
	return overlaps;
}
