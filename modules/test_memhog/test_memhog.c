/*
 * test_memhog.ko: memory pressure for the page cache tests. Its init takes `pages` pages from
 * alloc_page() one at a time (a failed alloc_page first evicts clean page cache pages), then
 * gives them all back and reports how many it got, or fails with -ENOMEM naming how far it
 * came. tests/test_pagecache.py asks for more pages than were free, so success means the cache
 * gave memory back.
 */
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/pagemap.h>

static unsigned long pages;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "pages to allocate (then free) at load time");

/* Frees the chain of pages linked through their first word. */
static void memhog_free(void *head)
{
	while (head) {
		void *next = *(void **)head;

		free_page(head);
		head = next;
	}
}

static int __init test_memhog_init(void)
{
	struct page_cache_stats before, after;
	void *head = NULL;
	unsigned long got;

	page_cache_get_stats(&before);
	for (got = 0; got < pages; got++) {
		void *p = alloc_page();

		if (!p)
			break;
		*(void **)p = head;
		head = p;
	}
	page_cache_get_stats(&after);
	memhog_free(head);
	pr_info("test_memhog: allocated %lu of %lu pages; page cache evicted %lu pages for it\n",
		got, pages, after.shrinker_evicted - before.shrinker_evicted);
	return got == pages ? 0 : -ENOMEM;
}

static void __exit test_memhog_exit(void)
{
}

module_init(test_memhog_init);
module_exit(test_memhog_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("allocates many pages once, to put the page cache under pressure");
