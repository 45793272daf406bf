/*
 * Host unit test of the kernel heap (kernel/mm/heap.c through the kmalloc API of kmalloc.c):
 * allocation, bad frees, realloc, overflow-checked array sizes, and block owners (who
 * allocated each block, and freeing everything one owner range leaked).
 */
/* UNIT_SOURCES: kernel/mm/heap.c kernel/mm/kmalloc.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keel/mm.h>
#include <keel/overflow.h>
#include <keel/slab.h>
#include "mm/heap.h"
#include "mm/mm.h"
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


/* ---- Owners ---- */

/* Tiny allocating functions: the owner each block records must lie inside the one that called
 * the API (not inside kmalloc.c's helpers). Each is far smaller than OWNER_SPAN bytes. */
#define OWNER_SPAN 256

static __noinline void *own_kmalloc(size_t n) { return kmalloc(n, GFP_KERNEL); }
static __noinline void *own_kzalloc(size_t n) { return kzalloc(n, GFP_KERNEL); }
static __noinline void *own_kcalloc(size_t n) { return kcalloc(n, 8, GFP_KERNEL); }
static __noinline void *own_array(size_t n) { return kmalloc_array(n, 8, GFP_KERNEL); }
static __noinline void *own_strdup(const char *s) { return kstrdup(s, GFP_KERNEL); }
static __noinline void *own_strndup(const char *s) { return kstrndup(s, 3, GFP_KERNEL); }
static __noinline void *own_memdup(const void *p) { return kmemdup(p, 40, GFP_KERNEL); }
static __noinline void *own_realloc(void *p, size_t n)
{
	return krealloc(p, n, GFP_KERNEL);
}
static __noinline void *own_track(size_t n)
{
	return kmalloc_track_caller(n, GFP_KERNEL); /* this function's caller owns it */
}

static bool owned_by(const void *p, void *fn)
{
	unsigned long owner = kmalloc_owner(p), start = (unsigned long)fn;

	if (owner - start >= OWNER_SPAN)
		printf("  owner 0x%lx is not in [0x%lx, +%d)\n", owner, start, OWNER_SPAN);
	return owner - start < OWNER_SPAN;
}

static void test_owner_recorded(void)
{
	char *p[8], *q, *r;

	p[0] = own_kmalloc(24);
	p[1] = own_kzalloc(5000);
	p[2] = own_kcalloc(3);
	p[3] = own_array(700);
	p[4] = own_strdup("owner");
	p[5] = own_strndup("owner");
	p[6] = own_memdup("0123456789012345678901234567890123456789");
	p[7] = own_track(10);
	CHECK(owned_by(p[0], own_kmalloc) && owned_by(p[1], own_kzalloc));
	CHECK(owned_by(p[2], own_kcalloc) && owned_by(p[3], own_array));
	CHECK(owned_by(p[4], own_strdup) && owned_by(p[5], own_strndup));
	CHECK(owned_by(p[6], own_memdup));
	CHECK(kmalloc_owner(p[7]) != 0 && kmalloc_owner(p[7]) - (unsigned long)own_track >= OWNER_SPAN);
	CHECK(strcmp(p[5], "own") == 0 && memcmp(p[6], "0123456789", 10) == 0);
	CHECK(p[2][0] == 0 && p[2][23] == 0 && p[1][4999] == 0);

	/* krealloc hands the block to its caller, in place or moved */
	q = own_realloc(p[0], 30);
	CHECK(q == p[0] && owned_by(q, own_realloc));
	r = own_kmalloc(24);
	q = own_realloc(r, 3000);
	CHECK(q && q != r && owned_by(q, own_realloc));
	CHECK(kmalloc_owner(r) == 0);
	CHECK(expect_msg("kmalloc_owner: ")); /* r was freed by the move */
	kfree(q);
	for (int i = 0; i < 8; i++)
		kfree(p[i]);
	CHECK(used_bytes() == 0 && live_blocks() == 0 && pages_out == 0 && msg_count == 0);
}

static void test_release_through_kmalloc(void)
{
	char *mine = kmalloc(100, GFP_KERNEL);
	void *a = own_kmalloc(10), *b = own_kmalloc(9000), *c = own_kzalloc(20);
	unsigned long start = (unsigned long)own_kmalloc;

	CHECK(kmalloc_release_range(start, start + OWNER_SPAN, "test_x") == 2);
	CHECK(strcmp(last_msg, "module test_x: freed 2 leaked allocations (9010 bytes) at unload\n")
	      == 0);
	msg_count = 0;
	CHECK(used_bytes() == 120 && live_blocks() == 2);
	CHECK(kmalloc_release_range(start, start + OWNER_SPAN, "test_x") == 0 && msg_count == 0);
	(void)a;
	(void)b;
	kfree(c);
	kfree(mine);
	CHECK(used_bytes() == 0 && live_blocks() == 0 && pages_out == 0 && msg_count == 0);
}

/* A heap of its own, with made-up owners: 0x1000-0x1fff is "the module". */
struct release_seen {
	unsigned long count;
	u64 bytes;
	bool foreign;
};

static void note_release(void *arg, const void *p, size_t size, unsigned long owner)
{
	struct release_seen *seen = arg;

	seen->count++;
	seen->bytes += size;
	if (owner < 0x1000 || owner >= 0x2000)
		seen->foreign = true;
}

static void test_release_range(void)
{
	enum { N = 4000 };
	static char *p[N];
	static size_t len[N];
	static unsigned long owner[N];
	struct heap h;
	struct release_seen seen = { 0 };
	unsigned long want_count = 0, freed;
	u64 want_bytes = 0, kept_bytes = 0, bytes = 0;

	heap_init(&h, alloc_pages, free_pages);
	srand(11);
	for (int i = 0; i < N; i++) {
		/* small, slab-sized and large blocks; runs of one owner empty whole slabs */
		len[i] = i % 10 == 0 ? 4000 + rand() % 20000 : rand() % (i % 3 ? 200 : 2000);
		owner[i] = (i / 50) % 3 ? 0x1000 + (unsigned long)(rand() % 0x1000) : 0x2000;
		p[i] = heap_alloc(&h, len[i], owner[i]);
		CHECK(p[i] != NULL);
		memset(p[i], i & 0xff, len[i]);
		if (owner[i] < 0x2000) {
			want_count++;
			want_bytes += len[i];
		} else {
			kept_bytes += len[i];
		}
	}
	CHECK(heap_release_range(&h, 0x5000, 0x6000, NULL, NULL, &bytes) == 0 && bytes == 0);
	CHECK(heap_count_range(&h, 0x1000, 0x2000, &bytes) == want_count && bytes == want_bytes);
	CHECK(heap_count_range(&h, 0x2000, 0x2001, &bytes) == N - want_count &&
	      bytes == kept_bytes);
	freed = heap_release_range(&h, 0x1000, 0x2000, note_release, &seen, &bytes);
	CHECK(freed == want_count && bytes == want_bytes);
	CHECK(seen.count == want_count && seen.bytes == want_bytes && !seen.foreign);
	CHECK(h.used_bytes == kept_bytes && h.blocks == N - want_count);
	CHECK(heap_count_range(&h, 0x1000, 0x2000, &bytes) == 0 && bytes == 0);
	for (int i = 0; i < N; i++) {
		if (owner[i] < 0x2000)
			continue;
		CHECK(heap_owner(&h, p[i], "test") == 0x2000);
		for (size_t j = 0; j < len[i]; j++)
			if ((unsigned char)p[i][j] != (i & 0xff)) {
				CHECK(!"a block of another owner survives intact");
				break;
			}
		heap_free(&h, p[i], "test");
	}
	CHECK(h.used_bytes == 0 && h.blocks == 0 && h.pages == 0 && pages_out == 0);
	CHECK(msg_count == 0);
	/* the heap still works, and an empty one has nothing to release */
	CHECK(heap_release_range(&h, 0, ~0UL, NULL, NULL, NULL) == 0);
	p[0] = heap_alloc(&h, 10, 0x1234);
	CHECK(heap_release_range(&h, 0, ~0UL, NULL, NULL, &bytes) == 1 && bytes == 10);
	CHECK(h.pages == 0 && pages_out == 0);
}

/* ---- Sizes that overflow ---- */

static void test_overflow(void)
{
	size_t big = (size_t)1 << 33, d = 0;
	u8 small;
	int neg;

	CHECK(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	CHECK(kmalloc_array(big, big, GFP_KERNEL) == NULL);
	CHECK(kmalloc_array(SIZE_MAX, 2, GFP_KERNEL) == NULL);
	CHECK(kcalloc(big, 1, GFP_KERNEL) == NULL); /* no overflow, just too big */
	CHECK(msg_count == 0 && live_blocks() == 0);
	CHECK(check_mul_overflow(big, big, &d) && !check_mul_overflow(big, (size_t)3, &d) &&
	      d == 3 * big);
	CHECK(check_add_overflow(200, 100, &small) && small == 44);
	CHECK(!check_add_overflow(200, 55, &small) && small == 255);
	CHECK(check_sub_overflow(1u, 2u, &d) && !check_sub_overflow(1, 2, &neg) && neg == -1);
	CHECK(size_mul(big, big) == SIZE_MAX && size_mul(3, 5) == 15);
	CHECK(size_add(SIZE_MAX, 1) == SIZE_MAX && size_add(3, 5) == 8);
	CHECK(array_size(SIZE_MAX / 3, 4) == SIZE_MAX && array_size(4, 6) == 24);
	{
		struct flex { int n; u64 item[]; } *f = NULL;

		CHECK(struct_size(f, item, 3) == sizeof(*f) + 24);
		CHECK(struct_size(f, item, SIZE_MAX / 4) == SIZE_MAX);
	}
	CHECK(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == NULL);
}

static void test_gfp(void)
{
	char *p = krealloc(NULL, 10, GFP_KERNEL | __GFP_ZERO);

	CHECK(gfpflags_allow_blocking(GFP_KERNEL) && !gfpflags_allow_blocking(GFP_ATOMIC));
	CHECK(!gfpflags_allow_blocking(GFP_NOWAIT));
	CHECK(p && p[0] == 0 && p[9] == 0);
	memset(p, 0x5a, 10);
	p = krealloc(p, 20, GFP_KERNEL | __GFP_ZERO); /* grows in place: the tail is zeroed */
	CHECK(p && p[9] == 0x5a && p[10] == 0 && p[19] == 0);
	p = krealloc(p, 3000, GFP_ATOMIC | __GFP_ZERO); /* moves */
	CHECK(p && p[0] == 0x5a && p[19] == 0 && p[2999] == 0);
	kfree(p);
	p = kmalloc(64, GFP_ATOMIC | __GFP_ZERO);
	CHECK(p && p[0] == 0 && p[63] == 0);
	kfree(p);
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
	test_owner_recorded();
	test_release_through_kmalloc();
	test_release_range();
	test_overflow();
	test_gfp();
	return unit_summary();
}
