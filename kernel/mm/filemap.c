/*
 * The page cache's index and page life cycle (Linux's mm/filemap.c in small): each mapping's
 * hash from page index to struct cache_page, references, page locks, the LRU of clean unused
 * pages and their eviction, truncation. Reads and writes through the cache are in
 * filemap_rw.c, writeback and sync in page-writeback.c. Locking rules are in <keel/pagemap.h>.
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/jiffies.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/preempt.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/writeback.h>
#include "mm/cache_pool.h"
#include "mm/pagecache_internal.h"

#define HASH_MIN_BUCKETS 64
#define HASH_MAX_BUCKETS (1U << 16)
#define EVICT_BATCH 32UL

DEFINE_SPINLOCK(page_cache_lock);
DECLARE_WAIT_QUEUE_HEAD(page_wait);
struct page_cache_counters pcc;
/* Clean, unreferenced pages of every mapping, least recently used first. */
static LIST_HEAD(page_lru);
static struct cache_pool page_pool = CACHE_POOL_INIT(page_pool, sizeof(struct cache_page));
struct cache_pool buffer_pool =
	CACHE_POOL_INIT(buffer_pool, MAX_BUF_PER_PAGE * sizeof(struct buffer_head));

/* ---- The index: a hash per mapping, grown as it fills ---- */

static unsigned int page_hash(const struct address_space *m, u64 index)
{
	return (unsigned int)((index * 0x9e3779b97f4a7c15ULL) >> 40) & (m->nbuckets - 1);
}

static struct cache_page *index_lookup(struct address_space *m, u64 index)
{
	if (!m->buckets)
		return NULL;
	for (struct cache_page *p = m->buckets[page_hash(m, index)]; p; p = p->hash_next)
		if (p->index == index)
			return p;
	return NULL;
}

static void index_insert(struct address_space *m, struct cache_page *p)
{
	struct cache_page **head = &m->buckets[page_hash(m, p->index)];

	p->hash_next = *head;
	*head = p;
	m->nrpages++;
	pcc.nrpages++;
}

static void index_remove(struct address_space *m, struct cache_page *p)
{
	struct cache_page **link = &m->buckets[page_hash(m, p->index)];

	while (*link && *link != p)
		link = &(*link)->hash_next;
	if (*link)
		*link = p->hash_next;
	p->hash_next = NULL;
	m->nrpages--;
	pcc.nrpages--;
}

/* Moves every page into a new bucket array (lock held); returns the old one to free. */
static struct cache_page **index_rehash(struct address_space *m, struct cache_page **nb,
					unsigned int n)
{
	struct cache_page **old = m->buckets;
	unsigned int old_n = m->nbuckets;

	m->buckets = nb;
	m->nbuckets = n;
	for (unsigned int i = 0; old && i < old_n; i++) {
		while (old[i]) {
			struct cache_page *p = old[i], **head;

			old[i] = p->hash_next;
			head = &nb[page_hash(m, p->index)];
			p->hash_next = *head;
			*head = p;
		}
	}
	return old;
}

/* Keeps chains short: at most two pages per bucket on average. Sleeps (allocates). */
static int index_grow(struct address_space *m)
{
	unsigned int n = m->nbuckets ? m->nbuckets * 2 : HASH_MIN_BUCKETS;
	struct cache_page **nb, **old = NULL;

	if (m->buckets && (m->nrpages < 2UL * m->nbuckets || m->nbuckets >= HASH_MAX_BUCKETS))
		return 0;
	nb = kcalloc(n, sizeof(*nb), GFP_KERNEL);
	if (!nb)
		return m->buckets ? 0 : -ENOMEM; /* a full table still works, only slower */
	spin_lock(&page_cache_lock);
	if (m->nbuckets < n)
		old = index_rehash(m, nb, n);
	else
		old = nb; /* someone else grew it meanwhile */
	spin_unlock(&page_cache_lock);
	kfree(old);
	return 0;
}

/* ---- Page descriptors and their lists ---- */

/* Frees an unreferenced page that is off every list and out of the index (lock held). */
static void page_free(struct cache_page *p)
{
	if (p->buffers)
		__free_page_buffers(p);
	free_page(p->data);
	cache_pool_free(&page_pool, p);
}

static void lru_del(struct cache_page *p)
{
	if (page_flag(p, PG_lru)) {
		list_del_init(&p->lru);
		page_clear_flag(p, PG_lru);
		pcc.nrlru--;
	}
}

/* The last reference went (lock held): clean pages wait on the LRU, dirty ones stay queued. */
static void page_unreferenced(struct cache_page *p)
{
	if (page_flag(p, PG_orphan)) {
		page_free(p);
	} else if (!PageDirty(p)) {
		list_add_tail(&p->lru, &page_lru);
		page_set_flag(p, PG_lru);
		pcc.nrlru++;
	}
}

bool __page_set_dirty(struct cache_page *p)
{
	struct address_space *m = p->mapping;

	if (page_test_and_set_flag(p, PG_dirty) || !m)
		return false;
	lru_del(p);
	p->dirtied_when = jiffies;
	list_add_tail(&p->lru, &m->dirty);
	m->nrdirty++;
	pcc.nrdirty++;
	return true;
}

void __page_clear_dirty(struct cache_page *p)
{
	if (!PageDirty(p))
		return;
	page_clear_flag(p, PG_dirty);
	list_del_init(&p->lru);
	if (p->mapping) {
		p->mapping->nrdirty--;
		pcc.nrdirty--;
	}
	if (p->count == 0)
		page_unreferenced(p);
}

/* Takes an unreferenced page out of its mapping for good (lock held, page not locked). */
static void page_delete(struct cache_page *p)
{
	__page_clear_dirty(p);
	lru_del(p);
	index_remove(p->mapping, p);
	p->mapping = NULL;
}

/* ---- References and page locks ---- */

void get_page(struct cache_page *p)
{
	spin_lock(&page_cache_lock);
	lru_del(p);
	p->count++;
	spin_unlock(&page_cache_lock);
}
EXPORT_SYMBOL_GPL(get_page);

void put_page(struct cache_page *p)
{
	if (!p)
		return;
	spin_lock(&page_cache_lock);
	if (p->count <= 0)
		pr_err("page cache: put_page of an unreferenced page (index %llu)\n",
		       (unsigned long long)p->index);
	else if (--p->count == 0)
		page_unreferenced(p);
	spin_unlock(&page_cache_lock);
}
EXPORT_SYMBOL_GPL(put_page);

struct cache_page *find_get_page(struct address_space *m, u64 index)
{
	struct cache_page *p;

	spin_lock(&page_cache_lock);
	p = index_lookup(m, index);
	if (p) {
		lru_del(p);
		p->count++;
	}
	spin_unlock(&page_cache_lock);
	return p;
}
EXPORT_SYMBOL_GPL(find_get_page);

bool trylock_page(struct cache_page *p)
{
	return !page_test_and_set_flag(p, PG_locked);
}
EXPORT_SYMBOL_GPL(trylock_page);

void lock_page(struct cache_page *p)
{
	might_sleep();
	wait_event(page_wait, trylock_page(p));
}
EXPORT_SYMBOL_GPL(lock_page);

void unlock_page(struct cache_page *p)
{
	page_clear_flag(p, PG_locked);
	wake_up_all(&page_wait);
}
EXPORT_SYMBOL_GPL(unlock_page);

/* ---- Eviction ---- */

static unsigned long evict_lru_pages(unsigned long nr)
{
	unsigned long done = 0;

	while (done < nr && !list_empty(&page_lru)) {
		struct cache_page *p = list_first_entry(&page_lru, struct cache_page, lru);

		page_delete(p); /* on the LRU: clean, unreferenced, so unlocked */
		page_free(p);
		done++;
	}
	pcc.evicted += done;
	return done;
}

unsigned long shrink_page_cache(unsigned long nr)
{
	unsigned long done;

	/* The cache's lock is never taken in hard IRQ context; a holder may be what we interrupted. */
	if (in_hardirq() || !spin_trylock(&page_cache_lock))
		return 0;
	done = evict_lru_pages(nr);
	pcc.shrinker_evicted += done;
	spin_unlock(&page_cache_lock);
	return done;
}

/* Over the size limit, a new page first takes the place of old clean ones. */
static void page_cache_make_room(void)
{
	bool over;

	spin_lock(&page_cache_lock);
	if (pcc.nrpages >= pcc.limit)
		evict_lru_pages(max(EVICT_BATCH, pcc.nrpages - pcc.limit + 1));
	over = pcc.nrpages >= pcc.limit && pcc.nrdirty;
	spin_unlock(&page_cache_lock);
	if (over)
		wakeup_flusher_threads(); /* only dirty pages left: they must be written first */
}

/* ---- Finding and creating pages ---- */

static struct cache_page *page_alloc_desc(struct address_space *m, u64 index)
{
	struct cache_page *p = cache_pool_alloc(&page_pool);

	if (!p)
		return NULL;
	p->data = alloc_page();
	if (!p->data) {
		cache_pool_free(&page_pool, p);
		return NULL;
	}
	p->mapping = m;
	p->index = index;
	p->count = 1;
	p->flags = 1UL << PG_locked;
	INIT_LIST_HEAD(&p->lru);
	return p;
}

/* A fresh descriptor, reclaiming memory once if the first try fails. */
static struct cache_page *page_alloc_reclaim(struct address_space *m, u64 index)
{
	struct cache_page *p = page_alloc_desc(m, index);

	if (!p) {
		page_cache_reclaim();
		p = page_alloc_desc(m, index);
	}
	return p;
}

/* Inserts fresh unless another task inserted index first: then that page is returned held. */
static struct cache_page *page_insert(struct address_space *m, struct cache_page *fresh)
{
	struct cache_page *p;

	spin_lock(&page_cache_lock);
	p = index_lookup(m, fresh->index);
	if (p) {
		lru_del(p);
		p->count++;
	} else {
		index_insert(m, fresh);
	}
	spin_unlock(&page_cache_lock);
	return p;
}

/* The page at index, locked and held, or NULL; one truncated while we waited is skipped. */
static struct cache_page *find_lock_page(struct address_space *m, u64 index)
{
	struct cache_page *p;

	while ((p = find_get_page(m, index))) {
		lock_page(p);
		if (p->mapping == m)
			return p;
		unlock_page(p);
		put_page(p);
	}
	return NULL;
}

struct cache_page *find_or_create_page(struct address_space *m, u64 index, gfp_t gfp)
{
	struct cache_page *p, *fresh;

	might_sleep();
	for (;;) {
		p = find_lock_page(m, index);
		if (p)
			return p;
		if (index_grow(m))
			return NULL;
		page_cache_make_room();
		fresh = page_alloc_reclaim(m, index);
		if (!fresh)
			return NULL;
		p = page_insert(m, fresh);
		if (!p)
			return fresh; /* created locked */
		/* Another task inserted it first: use theirs. */
		put_page(p);
		free_page(fresh->data);
		cache_pool_free(&page_pool, fresh);
	}
}
EXPORT_SYMBOL_GPL(find_or_create_page);

/* Fills a locked page from its owner unless it is uptodate already. 0 or -errno. */
int page_fill(struct address_space *m, struct cache_page *p)
{
	int err;

	if (PageUptodate(p))
		return 0;
	err = m->a_ops->readpage(m, p);
	if (!err)
		SetPageUptodate(p);
	return err;
}

struct cache_page *read_cache_page(struct address_space *m, u64 index)
{
	struct cache_page *p = find_get_page(m, index);
	int err;

	if (p && PageUptodate(p))
		return p;
	put_page(p);
	p = find_or_create_page(m, index, GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	err = page_fill(m, p);
	unlock_page(p);
	if (err) {
		put_page(p);
		return ERR_PTR(err);
	}
	return p;
}
EXPORT_SYMBOL_GPL(read_cache_page);

bool set_page_dirty(struct cache_page *p)
{
	bool was_clean;

	spin_lock(&page_cache_lock);
	was_clean = __page_set_dirty(p);
	spin_unlock(&page_cache_lock);
	return was_clean;
}
EXPORT_SYMBOL_GPL(set_page_dirty);

/* Marks the buffers covering [off, off + n) of a page uptodate and dirty after a write. */
void page_buffers_written(struct cache_page *p, size_t off, size_t n)
{
	struct buffer_head *bh = p->buffers;

	if (!bh)
		return;
	do {
		size_t start = (size_t)(bh->b_data - (char *)p->data);

		if (start < off + n && start + bh->b_size > off) {
			bh_set_flag(bh, BH_Uptodate);
			bh_set_flag(bh, BH_Dirty);
		}
		bh = bh->b_this_page;
	} while (bh != p->buffers);
}

/* ---- Dropping pages ---- */

/* The first page of m at or past index (lock held), or NULL: a scan of every bucket. */
static struct cache_page *index_first_from(struct address_space *m, u64 index)
{
	for (unsigned int i = 0; m->buckets && i < m->nbuckets; i++)
		for (struct cache_page *p = m->buckets[i]; p; p = p->hash_next)
			if (p->index >= index)
				return p;
	return NULL;
}

/* Drops a locked, held page: freed at once, or orphaned if someone else holds it too. */
static void page_truncate(struct cache_page *p)
{
	spin_lock(&page_cache_lock);
	if (p->mapping) {
		struct address_space *m = p->mapping;

		__page_clear_dirty(p);
		index_remove(m, p);
		p->mapping = NULL;
		page_set_flag(p, PG_orphan);
	}
	spin_unlock(&page_cache_lock);
}

static void truncate_partial_page(struct address_space *m, u64 lstart)
{
	struct cache_page *p = find_get_page(m, lstart / PAGE_SIZE);

	if (!p)
		return;
	lock_page(p);
	memset((u8 *)p->data + lstart % PAGE_SIZE, 0, PAGE_SIZE - lstart % PAGE_SIZE);
	page_buffers_written(p, lstart % PAGE_SIZE, PAGE_SIZE - lstart % PAGE_SIZE);
	if (PageUptodate(p))
		set_page_dirty(p);
	unlock_page(p);
	put_page(p);
}

void truncate_inode_pages(struct address_space *m, u64 lstart)
{
	u64 first = (lstart + PAGE_SIZE - 1) / PAGE_SIZE;
	struct cache_page *p;

	might_sleep();
	if (lstart % PAGE_SIZE)
		truncate_partial_page(m, lstart);
	for (;;) {
		spin_lock(&page_cache_lock);
		p = index_first_from(m, first);
		if (p) {
			lru_del(p);
			p->count++;
		}
		spin_unlock(&page_cache_lock);
		if (!p)
			break;
		lock_page(p); /* waits for a read or writeback under way */
		page_truncate(p);
		unlock_page(p);
		put_page(p); /* the last put frees the orphan */
	}
}
EXPORT_SYMBOL_GPL(truncate_inode_pages);

unsigned long invalidate_mapping_pages(struct address_space *m)
{
	unsigned long done = 0;
	struct cache_page *p, *next;

	spin_lock(&page_cache_lock);
	list_for_each_entry_safe(p, next, &page_lru, lru) {
		if (p->mapping == m) {
			page_delete(p);
			page_free(p);
			done++;
		}
	}
	pcc.evicted += done;
	spin_unlock(&page_cache_lock);
	return done;
}
EXPORT_SYMBOL_GPL(invalidate_mapping_pages);

/* ---- Mappings ---- */

void mapping_init(struct address_space *m, const struct address_space_operations *a_ops,
		  void *host, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->a_ops = a_ops;
	m->host = host;
	strlcpy(m->name, name, sizeof(m->name));
	INIT_LIST_HEAD(&m->dirty);
	INIT_LIST_HEAD(&m->mappings);
	mutex_init(&m->wb_lock);
	writeback_add_mapping(m);
}
EXPORT_SYMBOL_GPL(mapping_init);

void mapping_destroy(struct address_space *m)
{
	writeback_remove_mapping(m);
	truncate_inode_pages(m, 0);
	kfree(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
}
EXPORT_SYMBOL_GPL(mapping_destroy);

void page_cache_get_stats(struct page_cache_stats *st)
{
	spin_lock(&page_cache_lock);
	st->nrpages = pcc.nrpages;
	st->nrdirty = pcc.nrdirty;
	st->nrlru = pcc.nrlru;
	st->limit = pcc.limit;
	st->evicted = pcc.evicted;
	st->shrinker_evicted = pcc.shrinker_evicted;
	st->written = pcc.written;
	st->nrwriteback = pcc.nrwriteback;
	spin_unlock(&page_cache_lock);
}
EXPORT_SYMBOL_GPL(page_cache_get_stats);
