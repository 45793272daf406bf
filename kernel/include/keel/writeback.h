/*
 * Writeback of the page cache (kernel/mm/page-writeback.c), after Linux's <linux/writeback.h>:
 * when dirty pages go back to their owners, and sync.
 *
 * A kernel thread, "writeback", wakes every dirty_writeback_interval centiseconds and writes
 * the pages that have been dirty for dirty_expire_interval centiseconds or more. It is woken
 * early (and then writes every dirty page) when the cache runs short of clean pages. sync
 * writes everything at once and waits. See docs/pagecache.md.
 */
#ifndef KEEL_WRITEBACK_H
#define KEEL_WRITEBACK_H

#include <keel/types.h>

/* Centiseconds, as Linux's vm.dirty_writeback_centisecs and vm.dirty_expire_centisecs.
 * Command line: dirty_writeback_centisecs=N, dirty_expire_centisecs=N (both 500 by default). */
extern unsigned int dirty_writeback_interval;
extern unsigned int dirty_expire_interval;

/* Wakes the writeback thread to write every dirty page now (does not wait). Any context but
 * hard IRQ; never sleeps. Linux: wakeup_flusher_threads. */
void wakeup_flusher_threads(void);

/*
 * Writes every dirty page of every mapping (block devices, files) and waits, then flushes the
 * write caches of the block devices written. 0, or the first -errno (a failed mapping is named
 * in one line; its pages stay dirty). Task context; sleeps. The block and page cache half of
 * ksys_sync (<keel/fs.h>), which syncs the filesystems first.
 */
int sync_all_mappings(void);

/*
 * Before the machine goes down (poweroff, reboot): sync_all_mappings when sleeping is allowed here,
 * otherwise one line saying dirty data could not be written. Never fails. Linux:
 * emergency_sync, run inline.
 */
void emergency_sync(void);

/*
 * The writer's share of writeback (Linux: balance_dirty_pages): when more pages are dirty than
 * half the cache's limit, writes mapping's oldest dirty pages until the total is back under a
 * quarter. Task context, no page or buffer lock held; sleeps.
 */
struct address_space;
void balance_dirty_pages(struct address_space *mapping);

#endif
