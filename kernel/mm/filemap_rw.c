/*
 * Reads and writes of byte ranges through the page cache (filemap_read, filemap_write): whole
 * pages come from read_cache_page, partial pages are filled from the owner before a write
 * changes part of them, and writers pay their share of writeback (balance_dirty_pages).
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/string.h>
#include <keel/writeback.h>
#include "mm/pagecache_internal.h"

#define RA_MAX_PAGES 32 /* 128 KiB: what one ATA DMA request carries well */

/*
 * Readahead: the pages of [pos, pos + len) not cached yet, up to RA_MAX_PAGES in a row, are
 * created locked and filled by one a_ops->readahead call, so a large read becomes large
 * device requests instead of one per page. Pages it could not fill are dropped here and read
 * one by one afterwards (read_cache_page reports the error then). Linux: page_cache_ra_unbounded.
 */
static void readahead_range(struct address_space *m, u64 first, u64 last)
{
	struct cache_page *pages[RA_MAX_PAGES], *p;
	unsigned int nr = 0;
	int err;

	for (u64 i = first; i <= last && nr < RA_MAX_PAGES; i++) {
		p = find_get_page(m, i);
		if (p) {
			put_page(p);
			break;
		}
		p = find_or_create_page(m, i, GFP_KERNEL);
		if (!p)
			break;
		if (PageUptodate(p)) {
			unlock_page(p);
			put_page(p);
			break;
		}
		pages[nr++] = p;
	}
	err = nr > 1 ? m->a_ops->readahead(m, pages, nr) : -EAGAIN;
	for (unsigned int i = 0; i < nr; i++) {
		if (!err)
			SetPageUptodate(pages[i]);
		unlock_page(pages[i]);
		put_page(pages[i]);
	}
}

int filemap_read(struct address_space *m, u64 pos, void *buf, size_t len)
{
	u8 *out = buf;
	u64 next_ra = pos / PAGE_SIZE, last = len ? (pos + len - 1) / PAGE_SIZE : 0;

	while (len) {
		if (m->a_ops->readahead && pos / PAGE_SIZE >= next_ra && pos / PAGE_SIZE < last) {
			readahead_range(m, pos / PAGE_SIZE, last);
			next_ra = pos / PAGE_SIZE + RA_MAX_PAGES;
		}
		size_t off = pos % PAGE_SIZE, n = min(len, PAGE_SIZE - off);
		struct cache_page *p = read_cache_page(m, pos / PAGE_SIZE);

		if (IS_ERR(p))
			return (int)PTR_ERR(p);
		memcpy(out, (u8 *)p->data + off, n);
		put_page(p);
		out += n;
		pos += n;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(filemap_read);

/* Copies one page's part of a write: a partial page is read first. Page locked and held. */
static int filemap_write_page(struct address_space *m, struct cache_page *p, size_t off,
			      const u8 *src, size_t n)
{
	int err = n == PAGE_SIZE ? 0 : page_fill(m, p);

	if (err)
		return err;
	memcpy((u8 *)p->data + off, src, n);
	page_buffers_written(p, off, n);
	SetPageUptodate(p);
	set_page_dirty(p);
	return 0;
}

int filemap_write(struct address_space *m, u64 pos, const void *buf, size_t len)
{
	const u8 *in = buf;
	int err;

	while (len) {
		size_t off = pos % PAGE_SIZE, n = min(len, PAGE_SIZE - off);
		struct cache_page *p = find_or_create_page(m, pos / PAGE_SIZE, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		err = filemap_write_page(m, p, off, in, n);
		unlock_page(p);
		put_page(p);
		if (err)
			return err;
		balance_dirty_pages(m);
		in += n;
		pos += n;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(filemap_write);

