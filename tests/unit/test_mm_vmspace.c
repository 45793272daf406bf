/* Host unit test of the virtual range allocator behind the module and ioremap areas. */
/* UNIT_SOURCES: kernel/mm/vm_space.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/layout.h>
#include <keel/slab.h>
#include "mm/vm_space.h"
#include "unit.h"

static long live_nodes;
static int fail_allocs;

void *kmalloc(size_t size, gfp_t gfp)
{
	if (fail_allocs) {
		fail_allocs--;
		return NULL;
	}
	live_nodes++;
	return malloc(size);
}

void kfree(const void *p)
{
	if (p)
		live_nodes--;
	free((void *)p);
}

#define BASE 0x100000UL
#define PG PAGE_SIZE

static void test_first_fit_and_guard(void)
{
	struct vm_space vs = { .base = BASE, .end = BASE + 16 * PG };
	unsigned long a, b, c, d;

	a = vm_space_alloc(&vs, 2 * PG);
	b = vm_space_alloc(&vs, PG);
	CHECK(a == BASE);
	CHECK(b == BASE + 3 * PG);              /* one guard page after a */
	c = vm_space_alloc(&vs, 4 * PG);
	CHECK(c == BASE + 5 * PG);
	CHECK(vm_space_size(&vs, b) == PG && vm_space_size(&vs, b + PG) == 0);
	CHECK(vm_space_free(&vs, a) == 2 * PG);
	CHECK(vm_space_free(&vs, a) == 0);      /* not allocated any more */
	d = vm_space_alloc(&vs, PG);
	CHECK(d == BASE);                       /* the hole is reused */
	CHECK(vm_space_alloc(&vs, 2 * PG) == BASE + 10 * PG);
	CHECK(vm_space_alloc(&vs, 4 * PG) == 0); /* 13..16 is 3 pages + no room for the guard */
	CHECK(vm_space_alloc(&vs, 2 * PG) == BASE + 13 * PG);
	CHECK(vm_space_alloc(&vs, 0) == 0 && vm_space_alloc(&vs, 100) == 0);
	CHECK(vm_space_alloc(&vs, (size_t)-PG) == 0);
	vm_space_free(&vs, b);
	vm_space_free(&vs, c);
	vm_space_free(&vs, d);
	vm_space_free(&vs, BASE + 10 * PG);
	vm_space_free(&vs, BASE + 13 * PG);
	CHECK(vs.ranges == NULL && live_nodes == 0);
}

static void test_out_of_memory(void)
{
	struct vm_space vs = { .base = BASE, .end = BASE + 16 * PG };

	fail_allocs = 1;
	CHECK(vm_space_alloc(&vs, PG) == 0);
	CHECK(vm_space_alloc(&vs, PG) == BASE);
	vm_space_free(&vs, BASE);
	CHECK(live_nodes == 0);
}

static void test_top_of_address_space(void)
{
	struct vm_space vs = { .base = 0xffffffffa0000000UL, .end = 0xfffffffff0000000UL };
	unsigned long a = vm_space_alloc(&vs, 0x4fffe000UL);

	CHECK(a == 0xffffffffa0000000UL);
	CHECK(vm_space_alloc(&vs, PG) == 0);
	vm_space_free(&vs, a);
	CHECK(live_nodes == 0);
}

int main(void)
{
	test_first_fit_and_guard();
	test_out_of_memory();
	test_top_of_address_space();
	return unit_summary();
}
