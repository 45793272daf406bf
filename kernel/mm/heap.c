/*
 * The kernel heap's core. Every block carries a 16-byte header (tag, requested size, owner)
 * right before the 16-byte-aligned pointer handed out. A pointer is only
 * trusted once its page is found in the heap's own page set, its offset lands exactly on a
 * block of that page and the header's tag checks out: so a foreign pointer is reported
 * without the heap ever writing through it, and a freed block keeps its header to report a
 * double free with the size it had.
 */
#include <keel/compiler.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "mm/heap.h"

/* A block's tag is its magic and its state in one word: anything else is not a block. */
#define BLOCK_LIVE 0x4b48424cu
#define BLOCK_FREE 0x4b484246u
#define BLOCK_UNUSED 0x4b484255u /* carved out of a slab, never handed out yet */
#define SLAB_MAGIC 0x4b48534cu
#define LARGE_MAGIC 0x4b484c47u
#define CLASS_LARGE 0xffff

struct heap_block {
	u32 tag;
	u32 size;            /* requested bytes; kept after the free for reports */
	unsigned long owner; /* code address of the allocating call (see heap.h) */
};

/* Sits at the start of every heap page run (slab or large block). */
struct heap_slab {
	u32 magic;
	u16 size_class;
	u16 inuse;
	unsigned int order; /* large blocks: 2^order pages */
	unsigned int nblocks;
	struct heap_block *free_list; /* next free block is stored in each free block's payload */
	struct heap_slab *next, *prev;
};

#define SLAB_HEADER 64
#define BLOCK_HEADER ((unsigned long)sizeof(struct heap_block))
#define PAGE_BYTES ((size_t)PAGE_SIZE)

/* Block sizes including the header; the big ones are chosen to fill a page with little waste. */
static const u16 class_size[HEAP_NR_CLASSES] = {
	32, 48, 64, 96, 128, 192, 256, 336, 448, 576, 672, 1008, 1344, 2016,
};

_Static_assert(sizeof(struct heap_slab) <= SLAB_HEADER, "slab header too big");
_Static_assert(sizeof(struct heap_block) == 16, "block header must keep 16-byte alignment");

void heap_init(struct heap *h, void *(*alloc_pages)(unsigned int order),
	       void (*free_pages)(void *addr, unsigned int order))
{
	memset(h, 0, sizeof(*h));
	h->alloc_pages = alloc_pages;
	h->free_pages = free_pages;
}

/* ---- The set of pages that belong to the heap (linear probing, backward-shift removal) ---- */

#define PAGE_SET_MIN_CAP (PAGE_SIZE / sizeof(unsigned long))

static size_t page_set_slot(size_t cap, unsigned long page)
{
	return (size_t)(((page >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static unsigned int page_set_order(size_t cap)
{
	unsigned int order = 0;

	while ((PAGE_BYTES << order) < cap * sizeof(unsigned long))
		order++;
	return order;
}

static void page_set_put(unsigned long *set, size_t cap, unsigned long page)
{
	size_t i = page_set_slot(cap, page);

	while (set[i])
		i = (i + 1) & (cap - 1);
	set[i] = page;
}

/* Rehashes into a table of new_cap slots (0: no table at all); false when out of memory. */
static bool page_set_resize(struct heap *h, size_t new_cap)
{
	unsigned long *old = h->page_set, *set = NULL;

	if (new_cap) {
		set = h->alloc_pages(page_set_order(new_cap));
		if (!set)
			return false;
		memset(set, 0, new_cap * sizeof(unsigned long));
		h->pages += 1UL << page_set_order(new_cap);
	}
	for (size_t i = 0; i < h->page_set_cap; i++)
		if (old[i])
			page_set_put(set, new_cap, old[i]);
	if (old) {
		h->free_pages(old, page_set_order(h->page_set_cap));
		h->pages -= 1UL << page_set_order(h->page_set_cap);
	}
	h->page_set = set;
	h->page_set_cap = new_cap;
	return true;
}

static bool page_set_add(struct heap *h, unsigned long page)
{
	if ((h->page_set_count + 1) * 2 > h->page_set_cap &&
	    !page_set_resize(h, h->page_set_cap ? h->page_set_cap * 2 : PAGE_SET_MIN_CAP))
		return false;
	page_set_put(h->page_set, h->page_set_cap, page);
	h->page_set_count++;
	return true;
}

static long page_set_find(const struct heap *h, unsigned long page)
{
	size_t i;

	if (!h->page_set_cap)
		return -1;
	for (i = page_set_slot(h->page_set_cap, page); h->page_set[i];
	     i = (i + 1) & (h->page_set_cap - 1))
		if (h->page_set[i] == page)
			return (long)i;
	return -1;
}

/* Shrinks the table once it is mostly empty (a failed shrink just keeps the bigger one). */
static void page_set_fit(struct heap *h)
{
	size_t cap = h->page_set_cap;

	if (!cap)
		return;
	if (h->page_set_count == 0)
		page_set_resize(h, 0);
	else
		while (h->page_set_count * 8 < cap && cap > PAGE_SET_MIN_CAP)
			cap /= 2;
	if (h->page_set_count && cap != h->page_set_cap)
		page_set_resize(h, cap);
}

static void page_set_remove(struct heap *h, unsigned long page)
{
	size_t cap = h->page_set_cap, hole = (size_t)page_set_find(h, page), i = hole;

	/* Pull later entries of the probe run back into the hole so lookups never stop early. */
	for (;;) {
		i = (i + 1) & (cap - 1);
		if (!h->page_set[i])
			break;
		size_t home = page_set_slot(cap, h->page_set[i]);

		if (((i - home) & (cap - 1)) >= ((i - hole) & (cap - 1))) {
			h->page_set[hole] = h->page_set[i];
			hole = i;
		}
	}
	h->page_set[hole] = 0;
	h->page_set_count--;
	if (!h->walking)
		page_set_fit(h);
}

/* ---- Page runs: slabs and large blocks ---- */

static struct heap_slab *page_run_get(struct heap *h, unsigned int order, u32 magic)
{
	struct heap_slab *s = h->alloc_pages(order);

	if (!s)
		return NULL;
	if (!page_set_add(h, (unsigned long)s)) {
		h->free_pages(s, order);
		return NULL;
	}
	memset(s, 0, SLAB_HEADER);
	s->magic = magic;
	s->order = order;
	h->pages += 1UL << order;
	return s;
}

static void remember_free(struct heap *h, const struct heap_block *b)
{
	h->recent[h->recent_next].addr = (unsigned long)(b + 1);
	h->recent[h->recent_next].size = b->size;
	h->recent_next = (h->recent_next + 1) % HEAP_RECENT_FREES;
}

static void page_run_put(struct heap *h, struct heap_slab *s)
{
	unsigned int order = s->order;

	s->magic = 0;
	page_set_remove(h, (unsigned long)s);
	h->pages -= 1UL << order;
	h->free_pages(s, order);
}

static struct heap_block *slab_block(struct heap_slab *s, unsigned int i)
{
	return (struct heap_block *)((char *)s + SLAB_HEADER + (size_t)i * class_size[s->size_class]);
}

static void partial_add(struct heap *h, struct heap_slab *s)
{
	s->prev = NULL;
	s->next = h->partial[s->size_class];
	if (s->next)
		s->next->prev = s;
	h->partial[s->size_class] = s;
}

static void partial_remove(struct heap *h, struct heap_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		h->partial[s->size_class] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct heap_slab *slab_create(struct heap *h, unsigned int cls)
{
	struct heap_slab *s = page_run_get(h, 0, SLAB_MAGIC);
	struct heap_block *b;

	if (!s)
		return NULL;
	s->size_class = cls;
	s->nblocks = (PAGE_SIZE - SLAB_HEADER) / class_size[cls];
	for (unsigned int i = s->nblocks; i-- > 0;) {
		b = slab_block(s, i);
		*b = (struct heap_block){ .tag = BLOCK_UNUSED };
		*(struct heap_block **)(b + 1) = s->free_list;
		s->free_list = b;
	}
	partial_add(h, s);
	return s;
}

static struct heap_block *slab_alloc(struct heap *h, unsigned int cls)
{
	struct heap_slab *s = h->partial[cls];
	struct heap_block *b;

	if (!s && !(s = slab_create(h, cls)))
		return NULL;
	b = s->free_list;
	s->free_list = *(struct heap_block **)(b + 1);
	if (++s->inuse == s->nblocks)
		partial_remove(h, s);
	return b;
}

static void slab_free(struct heap *h, struct heap_slab *s, struct heap_block *b)
{
	if (s->inuse-- == s->nblocks)
		partial_add(h, s);
	*(struct heap_block **)(b + 1) = s->free_list;
	s->free_list = b;
	if (s->inuse == 0) {
		partial_remove(h, s);
		page_run_put(h, s);
	}
}

static struct heap_block *large_alloc(struct heap *h, size_t size)
{
	unsigned int order = 0;
	struct heap_slab *s;

	while ((PAGE_BYTES << order) < SLAB_HEADER + BLOCK_HEADER + size)
		order++;
	s = page_run_get(h, order, LARGE_MAGIC);
	if (!s)
		return NULL;
	s->size_class = CLASS_LARGE;
	return (struct heap_block *)((char *)s + SLAB_HEADER);
}

/* ---- The public operations ---- */

void *heap_alloc(struct heap *h, size_t size, unsigned long owner)
{
	struct heap_block *b = NULL;
	unsigned int cls;

	for (cls = 0; cls < HEAP_NR_CLASSES; cls++)
		if (size <= class_size[cls] - BLOCK_HEADER)
			break;
	if (cls < HEAP_NR_CLASSES)
		b = slab_alloc(h, cls);
	else if (size <= HEAP_MAX_SIZE)
		b = large_alloc(h, size);
	if (!b)
		return NULL;
	*b = (struct heap_block){ .tag = BLOCK_LIVE, .size = (u32)size, .owner = owner };
	h->used_bytes += size;
	h->blocks++;
	return b + 1;
}

/* The header of p when p is exactly a block of a heap page (live or free); NULL otherwise. */
static struct heap_block *block_of(struct heap *h, const void *p, struct heap_slab **slab)
{
	unsigned long a = (unsigned long)p, page = ALIGN_DOWN(a, (unsigned long)PAGE_SIZE);
	unsigned long first = page + SLAB_HEADER + BLOCK_HEADER, size;
	struct heap_slab *s = (struct heap_slab *)page;
	struct heap_block *b = (struct heap_block *)p - 1;

	if (a % 16 || a < first || page_set_find(h, page) < 0)
		return NULL;
	if (s->magic == LARGE_MAGIC && a != first)
		return NULL;
	if (s->magic == SLAB_MAGIC) {
		size = class_size[s->size_class];
		if ((a - first) % size || (a - first) / size >= s->nblocks)
			return NULL;
	}
	if (s->magic != SLAB_MAGIC && s->magic != LARGE_MAGIC)
		return NULL;
	if (b->tag != BLOCK_LIVE && b->tag != BLOCK_FREE && b->tag != BLOCK_UNUSED)
		return NULL;
	*slab = s;
	return b;
}

/* The size a recently freed block at p had (newest record first). */
static size_t recent_free_size(const struct heap *h, const void *p, bool *found)
{
	for (unsigned int n = 1; n <= HEAP_RECENT_FREES; n++) {
		unsigned int i = (h->recent_next + HEAP_RECENT_FREES - n) % HEAP_RECENT_FREES;

		if (h->recent[i].addr && h->recent[i].addr == (unsigned long)p) {
			*found = true;
			return h->recent[i].size;
		}
	}
	*found = false;
	return 0;
}

/* The header of a live block, or NULL after reporting what is wrong with p. */
static struct heap_block *live_block(struct heap *h, const void *p, const char *who,
				     struct heap_slab **slab)
{
	struct heap_block *b = block_of(h, p, slab);
	bool was_freed;
	size_t size;

	if (b && b->tag == BLOCK_LIVE)
		return b;
	if (b && b->tag == BLOCK_FREE) {
		was_freed = true;
		size = b->size;
	} else {
		size = recent_free_size(h, p, &was_freed);
	}
	if (was_freed)
		pr_err("%s: double free of 0x%lx (size %zu)\n", who, (unsigned long)p, size);
	else
		pr_err("%s: 0x%lx was not allocated by kmalloc\n", who, (unsigned long)p);
	return NULL;
}

/* Frees a live block of page run s; true when s itself went back to the page allocator. */
static bool block_release(struct heap *h, struct heap_slab *s, struct heap_block *b)
{
	b->tag = BLOCK_FREE;
	h->used_bytes -= b->size;
	h->blocks--;
	remember_free(h, b);
	if (s->magic == LARGE_MAGIC) {
		page_run_put(h, s);
		return true;
	}
	bool last = s->inuse == 1; /* s is gone after slab_free() then */

	slab_free(h, s, b);
	return last;
}

void heap_free(struct heap *h, const void *p, const char *who)
{
	struct heap_slab *s;
	struct heap_block *b;

	if (!p)
		return;
	b = live_block(h, p, who, &s);
	if (b)
		block_release(h, s, b);
}

static size_t block_capacity(const struct heap_slab *s)
{
	if (s->magic == LARGE_MAGIC)
		return (PAGE_BYTES << s->order) - SLAB_HEADER - BLOCK_HEADER;
	return class_size[s->size_class] - BLOCK_HEADER;
}

size_t heap_usable_size(struct heap *h, const void *p, const char *who)
{
	struct heap_slab *s;

	if (!p || !live_block(h, p, who, &s))
		return 0;
	return block_capacity(s);
}

void *heap_realloc(struct heap *h, const void *p, size_t size, unsigned long owner, bool zero,
		   const char *who)
{
	struct heap_slab *s;
	struct heap_block *b;
	size_t old_size;
	void *q;

	if (!p) {
		q = heap_alloc(h, size, owner);
		if (q && zero)
			memset(q, 0, size);
		return q;
	}
	b = live_block(h, p, who, &s);
	if (!b)
		return NULL;
	if (size == 0) {
		heap_free(h, p, who);
		return NULL;
	}
	old_size = b->size;
	if (size <= block_capacity(s)) {
		h->used_bytes = h->used_bytes - b->size + size;
		b->size = (u32)size;
		b->owner = owner;
		q = (void *)p;
	} else {
		q = heap_alloc(h, size, owner);
		if (!q)
			return NULL;
		memcpy(q, p, old_size);
		heap_free(h, p, who);
	}
	if (zero && size > old_size)
		memset((char *)q + old_size, 0, size - old_size);
	return q;
}

unsigned long heap_owner(struct heap *h, const void *p, const char *who)
{
	struct heap_slab *s;
	struct heap_block *b = p ? live_block(h, p, who, &s) : NULL;

	return b ? b->owner : 0;
}

/* ---- Reclaiming the blocks of one owner range ---- */

struct release_walk {
	unsigned long start, end;
	heap_release_fn fn;
	void *arg;
	unsigned long count;
	u64 bytes;
};

static bool owned_by(const struct heap_block *b, const struct release_walk *w)
{
	return b->tag == BLOCK_LIVE && b->owner >= w->start && b->owner < w->end;
}

static void release_one(struct heap *h, struct heap_block *b, struct release_walk *w)
{
	w->count++;
	w->bytes += b->size;
	if (w->fn)
		w->fn(w->arg, b + 1, b->size, b->owner);
}

/* Frees the walk's blocks in page run s; true when s itself was freed. */
static bool release_in_run(struct heap *h, struct heap_slab *s, struct release_walk *w)
{
	struct heap_block *b;

	if (s->magic == LARGE_MAGIC) {
		b = (struct heap_block *)((char *)s + SLAB_HEADER);
		if (!owned_by(b, w))
			return false;
		release_one(h, b, w);
		return block_release(h, s, b);
	}
	for (unsigned int i = 0; i < s->nblocks; i++) {
		b = slab_block(s, i);
		if (!owned_by(b, w))
			continue;
		release_one(h, b, w);
		if (block_release(h, s, b))
			return true;
	}
	return false;
}

/* Counts the walk's blocks in page run s without freeing them. */
static void count_in_run(struct heap_slab *s, struct release_walk *w)
{
	unsigned int n = s->magic == LARGE_MAGIC ? 1 : s->nblocks;

	for (unsigned int i = 0; i < n; i++) {
		struct heap_block *b = s->magic == LARGE_MAGIC ?
			(struct heap_block *)((char *)s + SLAB_HEADER) : slab_block(s, i);

		if (owned_by(b, w)) {
			w->count++;
			w->bytes += b->size;
		}
	}
}

unsigned long heap_count_range(struct heap *h, unsigned long start, unsigned long end,
			       u64 *bytes)
{
	struct release_walk w = { .start = start, .end = end };

	for (size_t i = 0; i < h->page_set_cap; i++)
		if (h->page_set[i])
			count_in_run((struct heap_slab *)h->page_set[i], &w);
	*bytes = w.bytes;
	return w.count;
}

/*
 * Every heap page run is in the page set, so walking the set covers slabs and large blocks.
 * Freeing a run removes it from the set: with resizing held off (h->walking) the removal only
 * shifts later entries of the same probe run back into the freed slot, so the slot is looked
 * at again; an entry that wraps around to the front may be seen twice, which is harmless.
 */
unsigned long heap_release_range(struct heap *h, unsigned long start, unsigned long end,
				 heap_release_fn fn, void *arg, u64 *bytes)
{
	struct release_walk w = { .start = start, .end = end, .fn = fn, .arg = arg };
	size_t i = 0;

	h->walking = true;
	while (i < h->page_set_cap) {
		unsigned long page = h->page_set[i];

		if (page && release_in_run(h, (struct heap_slab *)page, &w))
			continue;
		i++;
	}
	h->walking = false;
	page_set_fit(h);
	if (bytes)
		*bytes = w.bytes;
	return w.count;
}
