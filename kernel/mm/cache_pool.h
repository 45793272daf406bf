/*
 * Fixed-size object pools for the page cache's descriptors (struct cache_page, buffer head
 * arrays). The cache frees them from inside alloc_pages (its shrinker), where kmalloc/kfree
 * must not be re-entered, so they come from pages of their own instead of the heap. Objects
 * are never given back to the page allocator; a pool only grows (by one page at a time).
 */
#ifndef KEEL_MM_CACHE_POOL_H
#define KEEL_MM_CACHE_POOL_H

#include <keel/spinlock.h>
#include <keel/types.h>

struct cache_pool {
	spinlock_t lock;     /* never taken in hard IRQ context */
	size_t size;         /* object size, a multiple of 8, at most PAGE_SIZE */
	void *free;          /* free objects, linked through their first word */
	unsigned long pages; /* pages taken from the allocator */
	unsigned long in_use;
};

#define CACHE_POOL_INIT(name, objsize)                                                     \
	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock), .size = ((objsize) + 7) & ~(size_t)7 }

/* Buffer head arrays, MAX_BUF_PER_PAGE per object (filemap.c frees them with their page). */
extern struct cache_pool buffer_pool;

/* A zeroed object, or NULL when no page could be had. Never sleeps; not in hard IRQ. */
void *cache_pool_alloc(struct cache_pool *pool);
/* Gives obj back to its pool. Never sleeps; callable under page_cache_lock. */
void cache_pool_free(struct cache_pool *pool, void *obj);

#endif
