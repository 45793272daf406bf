/* Host unit test of the kernel heap (kernel/mm/heap.c through the kmalloc API of kmalloc.c). */
/* UNIT_SOURCES: kernel/mm/heap.c kernel/mm/kmalloc.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keel/mm.h>
#include <keel/slab.h>
#include "mm/mm_internal.h"
#include "unit.h"

static char last_msg[256];
static int msg_count;
static long pages_out;   /* pages the heap holds from us */
static int fail_allocs;  /* make the next page allocations fail */

int printk(const char *fmt, ...)
{
	va_list ap;

	if (fmt[0] == '\001' && fmt[1])
		fmt += 2; /* the KERN_<level> prefix */
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	msg_count++;
	return 0;
}

void *alloc_pages(unsigned int order)
{
	void *p;

	if (fail_allocs > 0) {
		fail_allocs--;
		return NULL;
	}
	p = aligned_alloc(PAGE_SIZE, (size_t)PAGE_SIZE << order);
	if (p)
		pages_out += 1L << order;
	return p;
}

void free_pages(void *addr, unsigned int order)
{
	pages_out -= 1L << order;
	free(addr);
}

static u64 used_bytes(void)
{
	u64 used, blocks, pages;

	heap_get_stats(&used, &blocks, &pages);
	CHECK((long)pages == pages_out);
	return used;
}

static u64 live_blocks(void)
{
	u64 used, blocks, pages;

	heap_get_stats(&used, &blocks, &pages);
	return blocks;
}

static bool expect_msg(const char *what)
{
	bool ok = msg_count == 1 && strstr(last_msg, what) != NULL;

	if (!ok)
		printf("  got %d message(s), last: %s", msg_count, last_msg);
	msg_count = 0;
	last_msg[0] = 0;
	return ok;
}

static void test_basic(void)
{
	char *a = kmalloc(1, GFP_KERNEL), *b = kmalloc(100, GFP_KERNEL);
	char *c = kmalloc(5000, GFP_KERNEL), *z = kmalloc(0, GFP_KERNEL);

	CHECK(a && b && c && z);
	CHECK(((unsigned long)a | (unsigned long)b | (unsigned long)c | (unsigned long)z) % 16 == 0);
	CHECK(used_bytes() == 5101 && live_blocks() == 4);
	CHECK(ksize(a) >= 1 && ksize(b) >= 100 && ksize(c) >= 5000);
	memset(a, 1, ksize(a));
	memset(b, 2, ksize(b));
	memset(c, 3, ksize(c));
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(z);
	kfree(NULL);
	CHECK(used_bytes() == 0 && live_blocks() == 0);
	CHECK(pages_out == 0);
	CHECK(msg_count == 0);
}

static void test_every_size(void)
{
	static char *p[5000];

	for (int i = 0; i < 5000; i++) {
		p[i] = kmalloc(i, GFP_KERNEL);
		CHECK(p[i] && (unsigned long)p[i] % 16 == 0 && ksize(p[i]) >= (size_t)i);
		memset(p[i], i & 0xff, i);
	}
	CHECK(used_bytes() == 4999ULL * 5000 / 2);
	for (int i = 0; i < 5000; i += 2)
		kfree(p[i]);
	for (int i = 1; i < 5000; i += 2) {
		for (int j = 0; j < i; j++)
			if ((unsigned char)p[i][j] != (i & 0xff)) {
				CHECK(!"block contents survive neighbours");
				break;
			}
		kfree(p[i]);
	}
	CHECK(used_bytes() == 0 && live_blocks() == 0 && pages_out == 0);
	CHECK(msg_count == 0);
}

static void test_double_free(void)
{
	char *keep = kmalloc(40, GFP_KERNEL), *a = kmalloc(40, GFP_KERNEL);
	char *big = kmalloc(20000, GFP_KERNEL);
	u64 used = used_bytes();

	kfree(a);
	kfree(a);
	CHECK(expect_msg("kfree: double free of 0x"));
	CHECK(strstr(last_msg, "") && used_bytes() == used - 40);
	kfree(big);
	kfree(big);
	CHECK(expect_msg("double free"));
	kfree(keep);
	kfree(keep); /* its slab page is gone now */
	CHECK(expect_msg("double free"));
	CHECK(used_bytes() == 0 && live_blocks() == 0 && pages_out == 0);
	/* the heap still works */
	a = kmalloc(40, GFP_KERNEL);
	CHECK(a != NULL);
	kfree(a);
	CHECK(msg_count == 0);
}

static void test_double_free_message(void)
{
	char *a = kmalloc(33, GFP_KERNEL), *b = kmalloc(33, GFP_KERNEL);
	char want[80];

	snprintf(want, sizeof(want), "kfree: double free of 0x%lx (size 33)\n", (unsigned long)a);
	kfree(a);
	kfree(a);
	CHECK(strcmp(last_msg, want) == 0);
	msg_count = 0;
	kfree(b);
}

static void test_foreign(void)
{
	static char stack_like[64] __attribute__((aligned(16)));
	char *heap_obj = malloc(64);
	char *a = kmalloc(100, GFP_KERNEL), *big = kmalloc(10000, GFP_KERNEL);
	u64 used = used_bytes(), blocks = live_blocks();
	char want[80];

	kfree(stack_like);
	CHECK(expect_msg("was not allocated by kmalloc"));
	snprintf(want, sizeof(want), "kfree: 0x%lx was not allocated by kmalloc\n",
		 (unsigned long)heap_obj);
	kfree(heap_obj);
	CHECK(strcmp(last_msg, want) == 0);
	msg_count = 0;
	kfree(a + 128);                /* the next block of the slab, never handed out */
	CHECK(expect_msg("not allocated by kmalloc"));
	kfree(a + 16);                 /* inside a block, 16-aligned */
	CHECK(expect_msg("not allocated by kmalloc"));
	kfree(a + 1);                  /* misaligned */
	CHECK(expect_msg("not allocated by kmalloc"));
	kfree(big + 4096);             /* inside a large block, on its second page */
	CHECK(expect_msg("not allocated by kmalloc"));
	kfree(big + 16);
	CHECK(expect_msg("not allocated by kmalloc"));
	CHECK(ksize(heap_obj) == 0);
	CHECK(expect_msg("ksize: "));
	CHECK(krealloc(a + 32, 10, GFP_KERNEL) == NULL);
	CHECK(expect_msg("krealloc: "));
	CHECK(used_bytes() == used && live_blocks() == blocks);
	kfree(a);
	kfree(big);
	CHECK(used_bytes() == 0 && pages_out == 0 && msg_count == 0);
	free(heap_obj);
}

static void test_realloc_and_strdup(void)
{
	char *p = krealloc(NULL, 10, GFP_KERNEL), *q, *s;

	CHECK(p != NULL && used_bytes() == 10);
	memcpy(p, "0123456789", 10);
	q = krealloc(p, 12, GFP_KERNEL); /* fits in place */
	CHECK(q == p && used_bytes() == 12);
	q = krealloc(p, 3000, GFP_KERNEL);
	CHECK(q && memcmp(q, "0123456789", 10) == 0 && used_bytes() == 3000 && live_blocks() == 1);
	q = krealloc(q, 5, GFP_KERNEL);
	CHECK(q && used_bytes() == 5);
	CHECK(krealloc(q, 0, GFP_KERNEL) == NULL);
	CHECK(used_bytes() == 0 && live_blocks() == 0);
	s = kstrdup("hello, heap", GFP_KERNEL);
	CHECK(s && strcmp(s, "hello, heap") == 0 && used_bytes() == 12);
	CHECK(kstrdup(NULL, GFP_KERNEL) == NULL);
	q = kzalloc(200, GFP_KERNEL);
	CHECK(q && q[0] == 0 && q[199] == 0);
	kfree(q);
	kfree(s);
	CHECK(used_bytes() == 0 && pages_out == 0 && msg_count == 0);
}

static void test_out_of_memory(void)
{
	char *a;

	fail_allocs = 1;
	CHECK(kmalloc(64, GFP_KERNEL) == NULL);
	fail_allocs = 1;
	CHECK(kmalloc(100000, GFP_KERNEL) == NULL);
	fail_allocs = 0;
	CHECK(kmalloc((size_t)-1, GFP_KERNEL) == NULL);
	CHECK(kmalloc((size_t)1 << 50, GFP_KERNEL) == NULL);
	a = kmalloc(64, GFP_KERNEL);
	fail_allocs = 1;
	CHECK(krealloc(a, 100000, GFP_KERNEL) == NULL); /* the old block stays valid */
	CHECK(used_bytes() == 64 && live_blocks() == 1);
	kfree(a);
	CHECK(used_bytes() == 0 && pages_out == 0 && msg_count == 0);
}

static void test_stress(void)
{
	enum { SLOTS = 3000 };
	static char *p[SLOTS];
	static size_t len[SLOTS];
	u64 expect = 0;

	srand(7);
	for (int round = 0; round < 200000; round++) {
		int s = rand() % SLOTS;

		if (p[s]) {
			CHECK((unsigned char)p[s][len[s] ? len[s] - 1 : 0] == (len[s] ? (s & 0xff) : 0xee) ||
			      !len[s]);
			kfree(p[s]);
			expect -= len[s];
			p[s] = NULL;
			continue;
		}
		len[s] = rand() % 8 ? rand() % 600 : rand() % 40000;
		p[s] = kmalloc(len[s], GFP_KERNEL);
		CHECK(p[s] != NULL);
		memset(p[s], s & 0xff, len[s]);
		expect += len[s];
	}
	CHECK(used_bytes() == expect);
	for (int s = 0; s < SLOTS; s++)
		kfree(p[s]);
	CHECK(used_bytes() == 0 && live_blocks() == 0 && pages_out == 0 && msg_count == 0);
}

int main(void)
{
	test_basic();
	test_every_size();
	test_double_free();
	test_double_free_message();
	test_foreign();
	test_realloc_and_strdup();
	test_out_of_memory();
	test_stress();
	return unit_summary();
}
