/*
 * Writeback of the page cache (Linux's mm/page-writeback.c and fs/fs-writeback.c in small):
 * writing one page, writing a mapping's dirty pages, the "writeback" thread that writes pages
 * dirty for longer than dirty_expire_interval every dirty_writeback_interval, sync, the
 * writer's throttle, and the cache's size limit. Write errors keep pages dirty: background
 * failures are remembered in the mapping (AS_EIO) for the next sync to return.
 */
#include <keel/atomic.h>
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include <keel/mutex.h>
#include <keel/preempt.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/writeback.h>
#include "mm/mm_internal.h"
#include "mm/pagecache_internal.h"

#define PAGE_CACHE_MIN_PAGES 64UL
#define WB_CLUSTER_PAGES 32 /* pages one writepages call may take: 128 KiB */
#define RECLAIM_WAIT_MS 30000
#define WRITEBACK_IDLE_MS (3600 * 1000) /* dirty_writeback_centisecs=0: only woken */

unsigned int dirty_writeback_interval = 500;
unsigned int dirty_expire_interval = 500;

/* Every mapping, for the writeback thread and sync; writeback_mutex guards the list and
 * keeps mappings alive while a pass writes them (mapping_destroy takes it). */
static LIST_HEAD(mapping_list);
static DEFINE_MUTEX(writeback_mutex);
static DECLARE_WAIT_QUEUE_HEAD(writeback_wq);   /* the thread sleeps here */
static DECLARE_WAIT_QUEUE_HEAD(writeback_done); /* woken after each pass */
static bool writeback_kicked;
static unsigned long writeback_passes;

/* What one writeback of a mapping writes. */
struct wb_control {
	bool sync;          /* every dirty page, also those whose last write failed */
	bool expired_only;  /* only pages dirty for dirty_expire_interval or more */
	unsigned long nr;   /* stop after this many pages (0: no limit) */
	unsigned long done;
};

void writeback_add_mapping(struct address_space *m)
{
	mutex_lock(&writeback_mutex);
	list_add_tail(&m->mappings, &mapping_list);
	mutex_unlock(&writeback_mutex);
}

void writeback_remove_mapping(struct address_space *m)
{
	mutex_lock(&writeback_mutex);
	list_del_init(&m->mappings);
	mutex_unlock(&writeback_mutex);
}

/* Under page_cache_lock: the page leaves the dirty list for the write, or comes back to it. */
static void page_start_writeback(struct cache_page *p)
{
	__page_clear_dirty(p); /* held: it does not go to the LRU */
	page_set_flag(p, PG_writeback);
	p->mapping->nrwriteback++;
	pcc.nrwriteback++;
}

static void page_end_writeback(struct address_space *m, struct cache_page *p, int err)
{
	page_clear_flag(p, PG_writeback);
	m->nrwriteback--;
	pcc.nrwriteback--;
	if (err) {
		page_set_flag(p, PG_error);
		__page_set_dirty(p); /* never lost: written again by the next sync */
	} else {
		page_clear_flag(p, PG_error);
		pcc.written++;
	}
}

int write_one_page(struct cache_page *p)
{
	struct address_space *m = p->mapping;
	int err;

	spin_lock(&page_cache_lock);
	if (!m || !PageDirty(p)) {
		spin_unlock(&page_cache_lock);
		return 0;
	}
	page_start_writeback(p);
	spin_unlock(&page_cache_lock);
	err = m->a_ops->writepage(m, p);
	spin_lock(&page_cache_lock);
	page_end_writeback(m, p, err);
	spin_unlock(&page_cache_lock);
	return err;
}
EXPORT_SYMBOL_GPL(write_one_page);

/* A background write failed: remembered for the next sync, and said once per mapping. */
static void mapping_set_error(struct address_space *m, int err)
{
	int bit = err == -ENOSPC ? AS_ENOSPC : AS_EIO;

	__atomic_fetch_or(&m->flags, 1UL << bit, __ATOMIC_SEQ_CST);
	if (!m->error_reported) {
		m->error_reported = true;
		pr_err("writeback: %s: write failed (%d): the data stays dirty until sync\n",
		       m->name, err);
	}
}

/* Takes and holds the next page to write from m's dirty list (lock held), or NULL. */
static struct cache_page *wb_next_page(struct address_space *m, const struct wb_control *wbc,
				       unsigned long *budget)
{
	unsigned long expire = msecs_to_jiffies(dirty_expire_interval * 10);

	while (*budget && !list_empty(&m->dirty)) {
		struct cache_page *p = list_first_entry(&m->dirty, struct cache_page, lru);

		(*budget)--;
		if (wbc->expired_only && time_before(jiffies, p->dirtied_when + expire))
			return NULL; /* oldest first: the rest are younger */
		if (!wbc->sync && PageError(p)) {
			list_move_tail(&p->lru, &m->dirty); /* only sync retries a failed page */
			continue;
		}
		p->count++;
		return p;
	}
	return NULL;
}

/*
 * Adds to v[0] (locked, held) the dirty pages that follow it, locked and held, for one
 * a_ops->writepages call; pages another task has locked end the cluster (never waited for,
 * so two writers cannot deadlock). Returns how many pages v holds.
 */
static unsigned int wb_cluster(struct address_space *m, struct cache_page **v,
			       const struct wb_control *wbc)
{
	unsigned int n = 1;

	while (m->a_ops->writepages && n < WB_CLUSTER_PAGES && PageDirty(v[0])) {
		struct cache_page *q = find_get_page(m, v[0]->index + n);

		if (q && trylock_page(q)) {
			if (PageDirty(q) && (wbc->sync || !PageError(q))) {
				v[n++] = q;
				continue;
			}
			unlock_page(q);
		}
		put_page(q);
		break;
	}
	return n;
}

/* Writes the locked, held pages v[0..n) (those still dirty) and releases them. */
static int write_cluster(struct address_space *m, struct cache_page **v, unsigned int n)
{
	int err;

	if (n == 1) {
		err = write_one_page(v[0]);
		goto release;
	}
	spin_lock(&page_cache_lock);
	for (unsigned int i = 0; i < n; i++)
		page_start_writeback(v[i]);
	spin_unlock(&page_cache_lock);
	err = m->a_ops->writepages(m, v, n);
	spin_lock(&page_cache_lock);
	for (unsigned int i = 0; i < n; i++)
		page_end_writeback(m, v[i], err);
	spin_unlock(&page_cache_lock);
release:
	for (unsigned int i = 0; i < n; i++) {
		unlock_page(v[i]);
		put_page(v[i]);
	}
	return err;
}

/* Writes m's dirty pages as wbc says; the first error, also recorded if in the background. */
static int writeback_mapping(struct address_space *m, struct wb_control *wbc)
{
	struct cache_page *v[WB_CLUSTER_PAGES];
	unsigned long budget;
	unsigned int n;
	int err = 0, ret;

	mutex_lock(&m->wb_lock);
	spin_lock(&page_cache_lock);
	budget = m->nrdirty; /* pages redirtied meanwhile wait for the next pass */
	while ((v[0] = wb_next_page(m, wbc, &budget))) {
		spin_unlock(&page_cache_lock);
		lock_page(v[0]);
		n = wb_cluster(m, v, wbc);
		ret = write_cluster(m, v, n);
		if (ret && !err)
			err = ret;
		if (ret && !wbc->sync)
			mapping_set_error(m, ret);
		spin_lock(&page_cache_lock);
		budget -= min_t(unsigned long, budget, n - 1);
		wbc->done += n;
		if (wbc->nr && wbc->done >= wbc->nr)
			break;
	}
	spin_unlock(&page_cache_lock);
	mutex_unlock(&m->wb_lock);
	return err;
}

/* The background errors since the last call, cleared as they are reported. */
static int mapping_check_errors(struct address_space *m)
{
	unsigned long was = __atomic_fetch_and(&m->flags, ~((1UL << AS_EIO) | (1UL << AS_ENOSPC)),
					       __ATOMIC_SEQ_CST);

	m->error_reported = false;
	if (was & (1UL << AS_ENOSPC))
		return -ENOSPC;
	return was & (1UL << AS_EIO) ? -EIO : 0;
}

int filemap_write_and_wait(struct address_space *m)
{
	struct wb_control wbc = { .sync = true };
	int err, old;

	might_sleep();
	err = writeback_mapping(m, &wbc);
	old = mapping_check_errors(m);
	return err ? err : old;
}
EXPORT_SYMBOL_GPL(filemap_write_and_wait);

/* Writes m and makes it durable; a failure is named in one line. */
static int sync_mapping(struct address_space *m)
{
	int err = filemap_write_and_wait(m);

	if (!err && m->a_ops->sync)
		err = m->a_ops->sync(m);
	if (err)
		pr_err("sync: %s: write failed (%d): the data stays dirty\n", m->name, err);
	return err;
}

int sync_all_mappings(void)
{
	struct address_space *m;
	int err = 0, ret;

	might_sleep();
	mutex_lock(&writeback_mutex);
	list_for_each_entry(m, &mapping_list, mappings) {
		ret = sync_mapping(m);
		if (ret && !err)
			err = ret;
	}
	mutex_unlock(&writeback_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(sync_all_mappings);

void emergency_sync(void)
{
	unsigned long dirty = READ_ONCE(pcc.nrdirty);

	if (irqs_disabled() || in_atomic()) {
		if (dirty)
			pr_emerg("sync: %lu dirty pages not written: cannot sleep here\n", dirty);
		return;
	}
	if (dirty)
		pr_info("sync: writing %lu dirty pages before the machine stops\n", dirty);
	sync_all_mappings();
}

void wakeup_flusher_threads(void)
{
	WRITE_ONCE(writeback_kicked, true);
	wake_up(&writeback_wq);
}
EXPORT_SYMBOL_GPL(wakeup_flusher_threads);

void balance_dirty_pages(struct address_space *m)
{
	struct wb_control wbc = { 0 };
	unsigned long dirty = READ_ONCE(pcc.nrdirty), limit = READ_ONCE(pcc.limit);

	if (dirty <= limit / 2)
		return;
	wbc.nr = dirty - limit / 4;
	writeback_mapping(m, &wbc); /* errors are recorded in m for sync */
	wakeup_flusher_threads();
}
EXPORT_SYMBOL_GPL(balance_dirty_pages);

/* One pass of the thread: expired pages, or all of them when it was kicked. */
static void writeback_pass(bool all)
{
	struct wb_control wbc = { .expired_only = !all };
	struct address_space *m;

	mutex_lock(&writeback_mutex);
	list_for_each_entry(m, &mapping_list, mappings)
		writeback_mapping(m, &wbc);
	writeback_passes++;
	mutex_unlock(&writeback_mutex);
	wake_up_all(&writeback_done);
}

/* Sleeps interruptibly (kernel threads get no signals) so the hung task check ignores it. */
static int writeback_thread(void *unused)
{
	while (!kthread_should_stop()) {
		unsigned int ms = dirty_writeback_interval ? dirty_writeback_interval * 10
							   : WRITEBACK_IDLE_MS;

		wait_event_interruptible_timeout(writeback_wq, READ_ONCE(writeback_kicked) ||
						 kthread_should_stop(), msecs_to_jiffies(ms));
		writeback_pass(xchg(&writeback_kicked, false));
	}
	return 0;
}

void page_cache_reclaim(void)
{
	unsigned long start = READ_ONCE(writeback_passes);

	if (!READ_ONCE(pcc.nrdirty))
		return;
	wakeup_flusher_threads();
	wait_event_timeout(writeback_done, READ_ONCE(writeback_passes) != start,
			   msecs_to_jiffies(RECLAIM_WAIT_MS));
	shrink_page_cache(pcc.nrpages);
}

static void cmdline_centisecs(const char *key, unsigned int *out)
{
	char buf[16];
	unsigned int v;

	if (cmdline_get(key, buf, sizeof(buf)))
		return;
	if (kstrtouint(buf, 10, &v) || v > 360000)
		pr_warn("writeback: %s=%s ignored: not 0..360000 centiseconds\n", key, buf);
	else
		*out = v;
}

static unsigned long page_cache_default_limit(void)
{
	struct page_stats st;
	char buf[32];
	unsigned long long bytes;

	page_alloc_get_stats(&st);
	if (cmdline_get("pagecache_limit", buf, sizeof(buf)))
		return (unsigned long)st.free_pages / 2;
	if (kstrtosize(buf, &bytes)) {
		pr_warn("page cache: pagecache_limit=%s ignored: not a size\n", buf);
		return (unsigned long)st.free_pages / 2;
	}
	return (unsigned long)min_t(u64, bytes / PAGE_SIZE, st.free_pages);
}

void page_cache_init(void)
{
	struct task_struct *t;

	pcc.limit = max(PAGE_CACHE_MIN_PAGES, page_cache_default_limit());
	cmdline_centisecs("dirty_writeback_centisecs", &dirty_writeback_interval);
	cmdline_centisecs("dirty_expire_centisecs", &dirty_expire_interval);
	t = kthread_run(writeback_thread, NULL, "writeback");
	if (IS_ERR(t))
		pr_err("page cache: no writeback thread (%ld): dirty pages wait for sync\n",
		       PTR_ERR(t));
	pr_info("page cache: limit %lu KiB, writeback every %u.%02u s, after %u.%02u s dirty\n",
		pcc.limit * (PAGE_SIZE / 1024), dirty_writeback_interval / 100,
		dirty_writeback_interval % 100, dirty_expire_interval / 100,
		dirty_expire_interval % 100);
}
