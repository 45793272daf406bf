/*
 * Fixed-size object pools for the page cache's descriptors (see cache_pool.h for why they do
 * not use kmalloc): a free list refilled a page at a time.
 */
#include <keel/mm.h>
#include <keel/string.h>
#include "mm/cache_pool.h"

/* Carves a fresh page into objects and links them onto the free list (pool lock held). */
static void cache_pool_add_page(struct cache_pool *pool, u8 *page)
{
	for (size_t off = 0; off + pool->size <= PAGE_SIZE; off += pool->size) {
		*(void **)(page + off) = pool->free;
		pool->free = page + off;
	}
	pool->pages++;
}

static void *cache_pool_pop(struct cache_pool *pool)
{
	void *obj = pool->free;

	if (obj) {
		pool->free = *(void **)obj;
		pool->in_use++;
	}
	return obj;
}

void *cache_pool_alloc(struct cache_pool *pool)
{
	void *obj, *page;

	spin_lock(&pool->lock);
	obj = cache_pool_pop(pool);
	spin_unlock(&pool->lock);
	if (!obj) {
		/* Outside the lock: a failing alloc_page runs the shrinker, which frees into pools. */
		page = alloc_page();
		if (!page)
			return NULL;
		spin_lock(&pool->lock);
		cache_pool_add_page(pool, page);
		obj = cache_pool_pop(pool);
		spin_unlock(&pool->lock);
	}
	memset(obj, 0, pool->size);
	return obj;
}

void cache_pool_free(struct cache_pool *pool, void *obj)
{
	if (!obj)
		return;
	spin_lock(&pool->lock);
	*(void **)obj = pool->free;
	pool->free = obj;
	pool->in_use--;
	spin_unlock(&pool->lock);
}
