/*
 * The page cache (kernel/mm/filemap.c, kernel/mm/page-writeback.c), after Linux's
 * <linux/pagemap.h> and mm/filemap.c in small.
 *
 * Every owner of cached data -- a block device now, an inode once the VFS gives each one an
 * address_space -- keeps its pages in a struct address_space: an index from page number
 * (PAGE_SIZE units of the owner's bytes) to struct cache_page, plus the list of its dirty pages.
 * Reads fill pages through the owner's a_ops->readpage, writes dirty them, the writeback thread
 * (page-writeback.c) writes dirty pages back through a_ops->writepage once they have been dirty
 * for dirty_expire_centisecs, and clean pages nobody holds sit on one LRU list, oldest first,
 * where memory pressure (a failed alloc_pages, or the cache's size limit) takes them back.
 *
 * Locking (docs/pagecache.md):
 *  - page_cache_lock (a spinlock, never taken in hard IRQ context) guards every index, the LRU,
 *    the dirty lists, page reference counts and the counters.
 *  - A page's PG_locked bit is a sleeping lock (lock_page) held while its data is filled,
 *    changed or written back; a buffer's BH_Lock likewise. Order: page lock, then buffer locks.
 *  - mapping->wb_lock (a mutex) serialises writeback of one mapping, so sync waits for a
 *    writeback already under way. Never call a sync function holding a page or buffer lock.
 *  - Flags are changed with atomic bit operations; moves between lists happen under the lock.
 */
#ifndef KEEL_PAGEMAP_H
#define KEEL_PAGEMAP_H

#include <keel/buffer_head.h> /* units seeing cache_page see what it points to */
#include <keel/compiler.h>
#include <keel/gfp.h>
#include <keel/list.h>
#include <keel/mutex.h>
#include <keel/types.h>

struct address_space;

/* Page flag bits (cache_page.flags). */
enum pageflags {
	PG_locked,    /* lock_page() held: data being filled, changed or written */
	PG_uptodate,  /* data equals (or is newer than) the owner's */
	PG_dirty,     /* data newer than the owner's: on the mapping's dirty list */
	PG_writeback, /* being written to the owner now */
	PG_error,     /* the last write failed: still dirty, background writeback skips it */
	PG_lru,       /* clean and unreferenced: on the LRU, may be evicted */
	PG_orphan,    /* its mapping went away while it was referenced: freed at the last put */
};

/* Mapping flag bits (address_space.flags): a write failed that no caller was told of yet. */
enum mapping_flags {
	AS_EIO,
	AS_ENOSPC,
};

/* One cached page of an owner's data. */
struct cache_page {
	struct address_space *mapping; /* NULL once orphaned */
	u64 index;                     /* page number in the owner: bytes index * PAGE_SIZE... */
	unsigned long flags;           /* PG_* bits, atomic */
	int count;                     /* references, under page_cache_lock */
	unsigned long dirtied_when;    /* jiffies when it became dirty */
	void *data;                    /* PAGE_SIZE bytes through the direct map */
	struct cache_page *hash_next;  /* next in its index bucket */
	struct list_head lru;          /* on the LRU (clean, unused) or the mapping's dirty list */
	struct buffer_head *buffers;   /* block-sized pieces (buffer.c), or NULL */
};

struct address_space_operations {
	/*
	 * Fill a locked page from the owner (all of it; bytes past the owner's end are zeroed).
	 * Sleeps. 0 or -errno; the page is marked uptodate by the caller on success.
	 */
	int (*readpage)(struct address_space *mapping, struct cache_page *page);
	/* Write a locked page's data to the owner. Sleeps. 0 or -errno. */
	int (*writepage)(struct address_space *mapping, struct cache_page *page);
	/* Optional, run by sync after the pages went: make them durable (a disk's write cache). */
	int (*sync)(struct address_space *mapping);
	/*
	 * Optional, files of disk filesystems: allocate what backs bytes [pos, pos + len) (one
	 * page at most) before a write copies them into the cache, so a full disk fails the write
	 * (-ENOSPC) instead of the writeback. i_rwsem held. 0 or -errno. Linux: write_begin.
	 */
	int (*prepare_write)(struct address_space *mapping, loff_t pos, size_t len);
	/*
	 * Optional: fill nr (2..32) locked, not uptodate pages of consecutive indexes at once
	 * (whole pages; bytes past the owner's end zeroed). 0 when all are filled, else -errno:
	 * the cache then drops them and reads each through readpage. Sleeps. Linux: readahead.
	 */
	int (*readahead)(struct address_space *mapping, struct cache_page **pages,
			 unsigned int nr);
	/*
	 * Optional: write nr (2..32) locked dirty pages of consecutive indexes at once; 0 or
	 * -errno (then all of them stay dirty). Sleeps. Linux: writepages.
	 */
	int (*writepages)(struct address_space *mapping, struct cache_page **pages,
			  unsigned int nr);
};

/* An owner's cached pages. Fields other than the name are the cache's own. */
struct address_space {
	const struct address_space_operations *a_ops;
	void *host;                      /* the block device or inode */
	char name[24];                   /* for messages: "ram0" */
	struct cache_page **buckets;     /* index -> pages, a hash of nbuckets (a power of 2) */
	unsigned int nbuckets;
	unsigned long nrpages, nrdirty, nrwriteback;
	struct list_head dirty;          /* dirty pages, oldest first */
	unsigned long flags;             /* AS_* bits, atomic */
	struct mutex wb_lock;            /* one writeback of this mapping at a time */
	struct list_head mappings;       /* on the list the writeback thread walks */
	bool error_reported;             /* AS_EIO was reported by background writeback */
};

static inline bool page_flag(const struct cache_page *p, int bit)
{
	return __atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) & (1UL << bit);
}
#define PageLocked(p) page_flag(p, PG_locked)
#define PageUptodate(p) page_flag(p, PG_uptodate)
#define PageDirty(p) page_flag(p, PG_dirty)
#define PageWriteback(p) page_flag(p, PG_writeback)
#define PageError(p) page_flag(p, PG_error)

/* Sets a page's uptodate bit (after its data was filled). Any context. */
static inline void SetPageUptodate(struct cache_page *p)
{
	__atomic_fetch_or(&p->flags, 1UL << PG_uptodate, __ATOMIC_RELEASE);
}

/*
 * Prepares mapping for an owner: a_ops fill and write its pages, host and name are the owner's.
 * Adds it to the list writeback walks. Task context; may sleep. Linux: address_space_init_once
 * plus inode_attach_wb.
 */
void mapping_init(struct address_space *mapping, const struct address_space_operations *a_ops,
		  void *host, const char *name);
/*
 * Takes mapping off the writeback list and drops every page (dirty data is discarded: write it
 * back first). Pages still referenced are orphaned and freed at their last put_page. Sleeps.
 */
void mapping_destroy(struct address_space *mapping);

/*
 * The page at index, with a reference (drop it with put_page), or NULL when it is not cached.
 * Task context or spinlocks held; never sleeps. Linux: find_get_page.
 */
struct cache_page *find_get_page(struct address_space *mapping, u64 index);
/*
 * The page at index, created (not uptodate, data unspecified) when absent; returned locked and
 * with a reference. NULL when no memory could be found even after evicting clean pages and
 * waiting for writeback. Task context; sleeps. Linux: find_or_create_page.
 */
struct cache_page *find_or_create_page(struct address_space *mapping, u64 index, gfp_t gfp);
/*
 * The page at index, uptodate (read through a_ops->readpage when needed), unlocked, with a
 * reference; ERR_PTR(-ENOMEM) or the read's -errno (-EIO, -ENOMEDIUM...). Task context; sleeps.
 * Linux: read_cache_page.
 */
struct cache_page *read_cache_page(struct address_space *mapping, u64 index);

/* Page references: get_page needs a reference already held. Any context but hard IRQ. */
void get_page(struct cache_page *page);
/* Drops a reference; the last one puts a clean page on the LRU (or frees an orphan). */
void put_page(struct cache_page *page);

/* Sleeps until the page lock is ours. Task context. Linux: lock_page. */
void lock_page(struct cache_page *page);
/* True when the lock was free and is now ours. Never sleeps. */
bool trylock_page(struct cache_page *page);
/* Releases the page lock and wakes its waiters. Any context but hard IRQ. */
void unlock_page(struct cache_page *page);

/*
 * Marks a page (held by the caller) dirty: it moves to its mapping's dirty list, stamped with
 * jiffies if it was clean. Returns true if it was clean. Never sleeps. Linux: set_page_dirty.
 */
bool set_page_dirty(struct cache_page *page);
/*
 * Writes a locked page back if it is dirty and waits; the page stays locked. 0, or the
 * writepage's -errno (the page then stays dirty, marked PG_error). Sleeps. Linux:
 * write_one_page (which also unlocks).
 */
int write_one_page(struct cache_page *page);
/*
 * Writes every dirty page of mapping and waits, including pages whose earlier write failed.
 * 0; the first -errno of this pass; else -EIO/-ENOSPC when background writeback failed since
 * the last call (AS_EIO/AS_ENOSPC, cleared by reporting them). Failed pages stay dirty. Task
 * context; sleeps; takes mapping->wb_lock. Linux: filemap_write_and_wait.
 */
int filemap_write_and_wait(struct address_space *mapping);
/*
 * Drops every page at or past byte offset lstart (rounded up to a page: the partial page is
 * zeroed from lstart on). Dirty data there is discarded. Sleeps (waits for page locks).
 * Linux: truncate_inode_pages.
 */
void truncate_inode_pages(struct address_space *mapping, u64 lstart);
/* Drops the clean, unreferenced pages of mapping; returns how many. Never sleeps. Linux:
 * invalidate_mapping_pages over the whole mapping. */
unsigned long invalidate_mapping_pages(struct address_space *mapping);

/*
 * Copy len bytes at byte offset pos of the owner through the cache: reads fill pages, writes
 * read partial pages first, then dirty them. The caller checks pos and len against the owner's
 * size. 0 or -errno (nothing said about a partial transfer: pages before the failing one are
 * done). Task context; sleeps. Linux: filemap_read, generic_perform_write.
 */
int filemap_read(struct address_space *mapping, u64 pos, void *buf, size_t len);
int filemap_write(struct address_space *mapping, u64 pos, const void *buf, size_t len);

/*
 * Boot: sets the cache's size limit (pagecache_limit=SIZE on the command line, K/M/G
 * suffixes; default half the free RAM) and starts the writeback thread. Task context.
 */
void page_cache_init(void);

/* Cache-wide figures, for `blk cache` and the tests. */
struct page_cache_stats {
	unsigned long nrpages, nrdirty, nrwriteback, nrlru;
	unsigned long limit;            /* pages the cache may hold before it evicts */
	unsigned long evicted;          /* pages taken back, since boot */
	unsigned long shrinker_evicted; /* of which by a failed alloc_pages */
	unsigned long written;          /* pages written back, since boot */
};
void page_cache_get_stats(struct page_cache_stats *st);

/*
 * Evicts up to nr clean, unreferenced pages, oldest first; returns how many went. Never sleeps;
 * does nothing in hard IRQ context or when the cache's lock is held (the caller may be inside
 * the cache). Called by alloc_pages when it fails. Linux: a shrinker's scan_objects.
 */
unsigned long shrink_page_cache(unsigned long nr);

#endif
