/*
 * The kernel heap's core: size-class slabs carved out of single pages, large blocks straight
 * from the page allocator, and a header on every block so bad frees are caught and each block's
 * owner is known. No locking and no global state: kmalloc.c wraps one instance; host unit
 * tests build their own.
 */
#ifndef KEEL_MM_HEAP_H
#define KEEL_MM_HEAP_H

#include <keel/types.h>

#define HEAP_NR_CLASSES 14
#define HEAP_RECENT_FREES 16
#define HEAP_MAX_SIZE ((size_t)0xffffffffu) /* block headers hold the size in 32 bits */

struct heap_slab;

struct heap {
	void *(*alloc_pages)(unsigned int order); /* page-aligned 2^order pages, or NULL */
	void (*free_pages)(void *addr, unsigned int order);
	struct heap_slab *partial[HEAP_NR_CLASSES]; /* slabs with at least one free block */
	unsigned long *page_set;                    /* open-addressed set of heap page addresses */
	size_t page_set_cap, page_set_count;
	bool walking; /* heap_release_range() runs: the page set must not be rehashed */
	/* The last frees, to tell a double free from a foreign pointer even once the block's
	 * page went back to the page allocator. */
	struct {
		unsigned long addr;
		size_t size;
	} recent[HEAP_RECENT_FREES];
	unsigned int recent_next;
	u64 used_bytes; /* sum of the requested sizes of live blocks */
	u64 blocks;     /* live blocks */
	u64 pages;      /* pages the heap holds (slabs, large blocks, its page set) */
};

void heap_init(struct heap *h, void *(*alloc_pages)(unsigned int order),
	       void (*free_pages)(void *addr, unsigned int order));
/*
 * size bytes owned by owner: an opaque address the heap only stores and compares (kmalloc
 * passes the code address that asked). NULL when out of memory or size > HEAP_MAX_SIZE.
 */
void *heap_alloc(struct heap *h, size_t size, unsigned long owner);
/* who names the caller in error reports ("kfree", "krealloc", ...). */
void heap_free(struct heap *h, const void *p, const char *who);
/* Resizes p (see krealloc); the block's owner becomes owner; zero clears the bytes past the
 * old size. */
void *heap_realloc(struct heap *h, const void *p, size_t size, unsigned long owner, bool zero,
		   const char *who);
/* Usable bytes of a live block; 0 (reported) for anything else. */
size_t heap_usable_size(struct heap *h, const void *p, const char *who);
/* The owner recorded for a live block; 0 (reported) for anything else. */
unsigned long heap_owner(struct heap *h, const void *p, const char *who);

/* Told about each block heap_release_range() frees, just before it is freed. It runs in the
 * middle of the walk, so it must not allocate from or free to the same heap. */
typedef void (*heap_release_fn)(void *arg, const void *p, size_t size, unsigned long owner);
/*
 * Frees every live block whose owner lies in [start, end), slabs and large blocks alike,
 * calling fn (when not NULL) for each first. Returns how many were freed and stores their
 * requested bytes in *bytes (when not NULL).
 */
unsigned long heap_release_range(struct heap *h, unsigned long start, unsigned long end,
				 heap_release_fn fn, void *arg, u64 *bytes);
/* How many live blocks have their owner in [start, end), and their bytes in *bytes. */
unsigned long heap_count_range(struct heap *h, unsigned long start, unsigned long end,
			       u64 *bytes);

#endif
