/* Host unit test of the physical page allocator core and the memory map helpers (kernel/mm). */
/* UNIT_SOURCES: kernel/mm/pmm.c kernel/mm/memmap.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mm/pmm.h"
#include "unit.h"

static char last_msg[256];
static int msg_count;

int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	msg_count++;
	return 0;
}

static struct pmm *new_pmm(u64 npages)
{
	struct pmm *p = malloc(sizeof(*p));

	pmm_init(p, npages, malloc(pmm_storage_bytes(npages)));
	return p;
}

static void free_pmm(struct pmm *p)
{
	free(p->used);
	free(p);
}

static void test_init_and_ram(void)
{
	struct pmm *p = new_pmm(1000);

	CHECK(p->free_pages == 0);
	CHECK(pmm_alloc(p, 0, ~0ULL) == PMM_NO_PAGE);
	pmm_add_ram(p, 10, 100);
	pmm_add_ram(p, 50, 100); /* overlap counts once */
	CHECK(p->free_pages == 140 && p->managed_pages == 140);
	pmm_reserve(p, 0, 20);   /* only 10 of them are RAM */
	CHECK(p->free_pages == 130 && p->reserved_pages == 10);
	CHECK(pmm_alloc(p, 0, ~0ULL) == 20);
	CHECK(pmm_alloc(p, 0, ~0ULL) == 21);
	CHECK(p->free_pages == 128);
	free_pmm(p);
}

static void test_orders_and_alignment(void)
{
	struct pmm *p = new_pmm(4096);
	u64 a, b, c;

	pmm_add_ram(p, 1, 4095);
	a = pmm_alloc(p, 0, ~0ULL);
	CHECK(a == 1);
	b = pmm_alloc(p, 3, ~0ULL);
	CHECK(b == 8);
	c = pmm_alloc(p, 9, ~0ULL);
	CHECK(c == 512);
	CHECK(pmm_alloc(p, 0, ~0ULL) == 2);
	CHECK(p->free_pages == 4095 - 1 - 8 - 512 - 1);
	CHECK(pmm_free(p, b, 3) == 0);
	CHECK(pmm_alloc(p, 2, ~0ULL) == 4);
	CHECK(pmm_alloc(p, 2, ~0ULL) == 8);
	CHECK(pmm_alloc(p, 12, ~0ULL) == PMM_NO_PAGE);
	CHECK(pmm_alloc(p, 11, ~0ULL) == 2048);
	CHECK(pmm_alloc(p, 11, ~0ULL) == PMM_NO_PAGE);
	CHECK(pmm_alloc(p, 0, 3) == PMM_NO_PAGE); /* limit honoured */
	free_pmm(p);
}

static void test_bad_frees(void)
{
	struct pmm *p = new_pmm(256);
	u64 a, free_before;

	pmm_add_ram(p, 0, 256);
	pmm_reserve(p, 0, 16);
	a = pmm_alloc(p, 2, ~0ULL);
	CHECK(a == 16);
	free_before = p->free_pages;
	msg_count = 0;
	CHECK(pmm_free(p, 40, 0) == -22);             /* never allocated */
	CHECK(pmm_free(p, 3, 0) == -22);              /* reserved */
	CHECK(pmm_free(p, 17, 0) == 0);               /* part of a block is fine... */
	CHECK(pmm_free(p, 17, 0) == -22);             /* ...but not twice */
	CHECK(pmm_free(p, 16, 2) == -22);             /* whole block with a hole in it */
	CHECK(pmm_free(p, 18, 1) == 0);
	CHECK(pmm_free(p, 300, 0) == -22);            /* beyond the end */
	CHECK(pmm_free(p, 0, 60) == -22);             /* absurd order */
	CHECK(msg_count == 6);
	CHECK(strstr(last_msg, "was not allocated") != NULL);
	CHECK(p->free_pages == free_before + 3);
	CHECK(pmm_free(p, 16, 0) == 0);
	CHECK(p->free_pages == 240);
	free_pmm(p);
}

static void test_stress(void)
{
	enum { N = 1 << 14, SLOTS = 512 };
	struct pmm *p = new_pmm(N);
	u64 pfn[SLOTS];
	unsigned int order[SLOTS];

	pmm_add_ram(p, 0, N);
	srand(1);
	memset(pfn, 0xff, sizeof(pfn));
	for (int round = 0; round < 20000; round++) {
		int s = rand() % SLOTS;

		if (pfn[s] != PMM_NO_PAGE) {
			CHECK(pmm_free(p, pfn[s], order[s]) == 0);
			pfn[s] = PMM_NO_PAGE;
			continue;
		}
		order[s] = rand() % 5;
		pfn[s] = pmm_alloc(p, order[s], ~0ULL);
		if (pfn[s] != PMM_NO_PAGE) {
			CHECK(pfn[s] % (1u << order[s]) == 0);
			for (u64 i = 0; i < (1u << order[s]); i++)
				CHECK(pmm_page_allocated(p, pfn[s] + i));
		}
	}
	for (int s = 0; s < SLOTS; s++)
		if (pfn[s] != PMM_NO_PAGE)
			CHECK(pmm_free(p, pfn[s], order[s]) == 0);
	CHECK(p->free_pages == N);
	CHECK(pmm_alloc(p, 14, ~0ULL) == 0);
	free_pmm(p);
}

/* The map QEMU's SeaBIOS gives with -m 32M. */
static const struct boot_mmap_entry bios_32m[] = {
	{ 0x0, 0x9fc00, 1 },        { 0x9fc00, 0x400, 2 },        { 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x1ee0000, 1 }, { 0x1fe0000, 0x20000, 2 },    { 0xfffc0000, 0x40000, 2 },
};

static void test_memmap(void)
{
	struct phys_range res[] = { { 0, 0x100000 }, { 0x100000, 0x180000 }, { 0x200000, 0x201000 } };
	unsigned int n = sizeof(bios_32m) / sizeof(bios_32m[0]);
	struct pmm *p;
	phys_addr_t spot;

	CHECK(memmap_usable_bytes(bios_32m, n) == 0x9fc00 + 0x1ee0000);
	CHECK(memmap_end_pfn(bios_32m, n) == 0x1fe0);
	spot = memmap_find_free(bios_32m, n, res, 3, 0x81000, 0x100000, 1ULL << 32);
	CHECK(spot == 0x201000);
	spot = memmap_find_free(bios_32m, n, res, 3, 0x1000, 0x100000, 1ULL << 32);
	CHECK(spot == 0x180000);
	CHECK(memmap_find_free(bios_32m, n, res, 3, 0x4000000, 0, 1ULL << 32) == 0);
	CHECK(memmap_find_free(bios_32m, n, res, 3, 0x1000, 0x100000, 0x180000) == 0);

	p = new_pmm(memmap_end_pfn(bios_32m, n));
	memmap_populate(p, bios_32m, n, res, 3);
	CHECK(p->managed_pages == 0x9f + 0x1ee0);
	CHECK(p->reserved_pages == 0x9f + 0x80 + 1);
	CHECK(p->free_pages == p->managed_pages - p->reserved_pages);
	CHECK(pmm_alloc(p, 0, ~0ULL) == 0x180);
	CHECK(pmm_free(p, 0x100, 0) == -22); /* the kernel image */
	free_pmm(p);
}

int main(void)
{
	test_init_and_ram();
	test_orders_and_alignment();
	test_bad_frees();
	test_stress();
	test_memmap();
	return unit_summary();
}
