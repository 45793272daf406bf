/* Host unit test of the boot memory map's normalisation (kernel/mm/memmap_sanitize.c): overlapping,
 * unsorted, adjacent, nested, empty and huge entries, random maps against a byte-by-byte model,
 * and the page allocator fed from a hostile map never handing out a reserved page. */
/* UNIT_SOURCES: kernel/mm/memmap_sanitize.c kernel/mm/memmap.c kernel/mm/pmm.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keel/errno.h>
#include "mm/pmm.h"
#include "unit.h"

#define MAX_OUT 64
#define U64_MAX_ ((u64)-1)

int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

static struct boot_mmap_entry out[MAX_OUT];

static int sanitize(const struct boot_mmap_entry *map, unsigned int n)
{
	return memmap_sanitize(map, n, out, MAX_OUT);
}

/* out[0..count) is sorted, disjoint, non-empty, and never has two adjacent entries alike. */
static bool well_formed(int count)
{
	for (int i = 0; i < count; i++) {
		if (out[i].len == 0 || out[i].base + out[i].len > MEMMAP_PHYS_LIMIT)
			return false;
		if (i && out[i - 1].base + out[i - 1].len > out[i].base)
			return false;
		if (i && out[i - 1].base + out[i - 1].len == out[i].base &&
		    out[i - 1].type == out[i].type)
			return false;
	}
	return true;
}

#define CHECK_ENTRY(i, b, l, t) \
	CHECK(out[i].base == (b) && out[i].len == (l) && out[i].type == (t))

static void test_overlapping_ram_and_reserved(void)
{
	/* Free RAM over a reserved and a bad range, given in reverse order. */
	static const struct boot_mmap_entry map[] = {
		{ 0x800000, 0x1000, BOOT_MEM_BAD },
		{ 0x200000, 0x100000, BOOT_MEM_RESERVED },
		{ 0x100000, 0x1000000, BOOT_MEM_AVAILABLE },
	};
	int n = sanitize(map, 3);

	CHECK_INT(n, 5);
	CHECK(well_formed(n));
	CHECK_ENTRY(0, 0x100000, 0x100000, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(1, 0x200000, 0x100000, BOOT_MEM_RESERVED);
	CHECK_ENTRY(2, 0x300000, 0x500000, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(3, 0x800000, 0x1000, BOOT_MEM_BAD);
	CHECK_ENTRY(4, 0x801000, 0x8ff000, BOOT_MEM_AVAILABLE);
	CHECK_UINT(memmap_count_overlaps(map, 3), 2);
	CHECK(memmap_usable_bytes(out, (unsigned int)n) == 0x1000000 - 0x101000);
}

static void test_adjacent_nested_duplicate(void)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x3000, 0x1000, BOOT_MEM_AVAILABLE }, /* adjacent RAM merges */
		{ 0x0, 0x3000, BOOT_MEM_AVAILABLE },
		{ 0x0, 0x3000, BOOT_MEM_AVAILABLE },    /* the same entry twice counts once */
		{ 0x1000, 0x800, BOOT_MEM_ACPI },       /* nested in RAM */
		{ 0x1200, 0x100, BOOT_MEM_NVS },        /* nested in the nested one */
		{ 0x4000, 0x1000, BOOT_MEM_RESERVED },  /* adjacent, another type: kept apart */
	};
	int n = sanitize(map, 6);

	CHECK(well_formed(n));
	CHECK_INT(n, 6);
	CHECK_ENTRY(0, 0x0, 0x1000, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(1, 0x1000, 0x200, BOOT_MEM_ACPI);
	CHECK_ENTRY(2, 0x1200, 0x100, BOOT_MEM_NVS);
	CHECK_ENTRY(3, 0x1300, 0x500, BOOT_MEM_ACPI);
	CHECK_ENTRY(4, 0x1800, 0x2800, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(5, 0x4000, 0x1000, BOOT_MEM_RESERVED);
}

static void test_empty_huge_and_unknown(void)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x5000, 0, BOOT_MEM_RESERVED },            /* empty: gone, splits nothing */
		{ 0x100000, U64_MAX_, BOOT_MEM_AVAILABLE },   /* base + len wraps */
		{ 1ULL << 60, 0x1000, BOOT_MEM_AVAILABLE },  /* beyond what x86_64 addresses */
		{ U64_MAX_, U64_MAX_, BOOT_MEM_AVAILABLE },
		{ 0x200000, 0x1000, 7 },                     /* a type we do not know beats RAM */
		{ 0x200000, 0x1000, BOOT_MEM_RESERVED },     /* ...and reserved */
		{ 0x0, 0x6000, BOOT_MEM_AVAILABLE },
	};
	int n = sanitize(map, 7);

	CHECK(well_formed(n));
	CHECK_INT(n, 4);
	CHECK_ENTRY(0, 0x0, 0x6000, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(1, 0x100000, 0x100000, BOOT_MEM_AVAILABLE);
	CHECK_ENTRY(2, 0x200000, 0x1000, 7);
	CHECK_ENTRY(3, 0x201000, MEMMAP_PHYS_LIMIT - 0x201000, BOOT_MEM_AVAILABLE);
	CHECK_INT(sanitize(map, 0), 0);
	CHECK_INT(sanitize(map, 1), 0);
	CHECK_INT(memmap_sanitize(map, 7, out, 3), -ENOSPC);
	CHECK_INT(memmap_sanitize(map, 7, out, 4), 4);
}

/* A byte-by-byte model over a small address space, against random maps. */
enum { SPACE = 256, ROUNDS = 3000, ENTRIES = 12 };

static u32 model_type(const struct boot_mmap_entry *map, unsigned int n, u64 addr, bool *found)
{
	static const unsigned int rank[] = { 4, 0, 3, 1, 2, 5, 4, 4 };
	u32 best = 0;

	*found = false;
	for (unsigned int i = 0; i < n; i++) {
		if (addr < map[i].base || addr - map[i].base >= map[i].len)
			continue;
		if (!*found || rank[map[i].type] > rank[best] ||
		    (rank[map[i].type] == rank[best] && map[i].type > best))
			best = map[i].type;
		*found = true;
	}
	return best;
}

static int out_type(int count, u64 addr, bool *found)
{
	for (int i = 0; i < count; i++)
		if (addr >= out[i].base && addr < out[i].base + out[i].len) {
			*found = true;
			return (int)out[i].type;
		}
	*found = false;
	return 0;
}

static void test_random_maps(void)
{
	struct boot_mmap_entry map[ENTRIES];
	int mismatches = 0, malformed = 0;

	srand(11);
	for (int round = 0; round < ROUNDS; round++) {
		unsigned int n = (unsigned int)(rand() % ENTRIES) + 1;
		int count;

		for (unsigned int i = 0; i < n; i++)
			map[i] = (struct boot_mmap_entry){ (u64)(rand() % SPACE),
							   (u64)(rand() % (SPACE / 4)),
							   (u32)(rand() % 8) };
		count = sanitize(map, n);
		malformed += count < 0 || !well_formed(count);
		for (u64 a = 0; a < 2 * SPACE; a++) {
			bool in_model, in_out;
			u32 want = model_type(map, n, a, &in_model);
			int got = out_type(count, a, &in_out);

			mismatches += in_model != in_out || (in_model && (u32)got != want);
		}
	}
	CHECK_INT(malformed, 0);
	CHECK_INT(mismatches, 0);
}

/* The example from the issue: RAM overlapping a reserved range and listed twice. */
static void test_allocator_from_hostile_map(void)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x100000, 0x400000, BOOT_MEM_AVAILABLE },
		{ 0x0, 0x9f000, BOOT_MEM_AVAILABLE },
		{ 0x180000, 0x10000, BOOT_MEM_RESERVED },
		{ 0x100000, 0x400000, BOOT_MEM_AVAILABLE },
		{ 0x300800, 0x1000, BOOT_MEM_BAD }, /* not page-aligned: both pages it touches go */
	};
	struct phys_range res[] = { { 0, 0x100000 } };
	struct pmm p;
	void *storage;
	u64 pfn, npages, allocated = 0;
	int n = sanitize(map, 5);

	CHECK(n > 0 && well_formed(n));
	CHECK(memmap_usable_bytes(out, (unsigned int)n) == 0x9f000 + 0x400000 - 0x10000 - 0x1000);
	npages = memmap_end_pfn(out, (unsigned int)n);
	CHECK(npages == 0x500);
	storage = malloc(pmm_storage_bytes(npages));
	pmm_init(&p, npages, storage);
	memmap_populate(&p, out, (unsigned int)n, res, 1);
	CHECK(p.managed_pages == 0x9f + 0x400 - 0x10 - 2);
	while ((pfn = pmm_alloc(&p, 0, ~0ULL)) != PMM_NO_PAGE) {
		CHECK(pfn >= 0x100 && !(pfn >= 0x180 && pfn < 0x190) && pfn != 0x300 && pfn != 0x301);
		allocated++;
	}
	CHECK(allocated == p.managed_pages - 0x9f);
	free(storage);
}

int main(void)
{
	test_overlapping_ram_and_reserved();
	test_adjacent_nested_duplicate();
	test_empty_huge_and_unknown();
	test_random_maps();
	test_allocator_from_hostile_map();
	return unit_summary();
}
