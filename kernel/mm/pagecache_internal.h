/*
 * What filemap.c (the index, references, LRU) and page-writeback.c (writeback, sync, limits)
 * share. Not for drivers: they use <keel/pagemap.h>.
 */
#ifndef KEEL_MM_PAGECACHE_INTERNAL_H
#define KEEL_MM_PAGECACHE_INTERNAL_H

#include <keel/pagemap.h>
#include <keel/spinlock.h>
#include <keel/wait.h>

extern spinlock_t page_cache_lock;
/* Sleepers on any page or buffer lock; woken (all) by every unlock. */
extern wait_queue_head_t page_wait;

/* Cache-wide counters, under page_cache_lock. */
struct page_cache_counters {
	unsigned long nrpages, nrdirty, nrlru, nrwriteback;
	unsigned long limit;
	unsigned long evicted, shrinker_evicted, written;
};
extern struct page_cache_counters pcc;

static inline void page_set_flag(struct cache_page *p, int bit)
{
	__atomic_fetch_or(&p->flags, 1UL << bit, __ATOMIC_SEQ_CST);
}

static inline void page_clear_flag(struct cache_page *p, int bit)
{
	__atomic_fetch_and(&p->flags, ~(1UL << bit), __ATOMIC_SEQ_CST);
}

static inline bool page_test_and_set_flag(struct cache_page *p, int bit)
{
	return __atomic_fetch_or(&p->flags, 1UL << bit, __ATOMIC_SEQ_CST) & (1UL << bit);
}

/* Under page_cache_lock: a dirty page becomes clean (off the dirty list). */
void __page_clear_dirty(struct cache_page *page);
/* Under page_cache_lock: marks dirty and queues it; dirtied_when set to now if it was clean. */
bool __page_set_dirty(struct cache_page *page);

/* Links/unlinks a mapping on the writeback list (page-writeback.c). Sleeps. */
void writeback_add_mapping(struct address_space *mapping);
void writeback_remove_mapping(struct address_space *mapping);
/* Evicts, then writes back and evicts again, when a page cannot be allocated. Sleeps. */
void page_cache_reclaim(void);

/* filemap.c, for filemap_rw.c: reads a page from its owner (page locked and held; 0 or the
 * owner's -errno), and marks the buffers covering [off, off + n) of a page written. */
int page_fill(struct address_space *m, struct cache_page *p);
void page_buffers_written(struct cache_page *p, size_t off, size_t n);

#endif
