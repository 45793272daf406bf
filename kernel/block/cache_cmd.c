/*
 * The page cache's figures for the shell: `blk cache` (cached, dirty and writeback pages per
 * block device, and the cache's totals). `sync` is the VFS's (kernel/fs/cmd_mount.c).
 */
#include <keel/blkdev.h>
#include <keel/console.h>
#include <keel/pagemap.h>
#include <keel/shell.h>
#include <keel/writeback.h>
#include "block/bcache.h"
#include "shell/shell_internal.h"

static void blk_cache_print(struct block_device *b, void *arg)
{
	const struct address_space *m = b->bd_mapping;

	if (m)
		console_printf("%-10s %8lu %8lu %9lu %s\n", b->name, m->nrpages, m->nrdirty,
			       m->nrwriteback, m->flags ? "write error pending" : "");
	else
		console_printf("%-10s %8s %8s %9s no cache\n", b->name, "-", "-", "-");
}

int blk_cache_stat_command(void)
{
	struct page_cache_stats st;

	console_printf("%-10s %8s %8s %9s\n", "NAME", "CACHED", "DIRTY", "WRITEBACK");
	blkdev_for_each(blk_cache_print, NULL);
	page_cache_get_stats(&st);
	console_printf("total: %lu pages cached, %lu dirty, %lu writeback, %lu clean unused\n",
		       st.nrpages, st.nrdirty, st.nrwriteback, st.nrlru);
	console_printf("limit: %lu pages\n", st.limit);
	console_printf("since boot: %lu evicted (%lu by failed allocations),\n", st.evicted,
		       st.shrinker_evicted);
	console_printf("            %lu written back\n", st.written);
	return 0;
}
