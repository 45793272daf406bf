/*
 * Physical page allocator: one "used" bit per page frame, plus a "reserved" bit so that freeing
 * a page that was never handed out (firmware, kernel image, a hole) is caught. Blocks of 2^order
 * frames are naturally aligned, which keeps large blocks usable for page-table-sized needs.
 */
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "mm/pmm.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define WORD(bit) ((bit) / BITS_PER_LONG)
#define MASK(bit) (1UL << ((bit) % BITS_PER_LONG))

static bool bit_test(const unsigned long *bm, u64 bit) { return bm[WORD(bit)] & MASK(bit); }
static void bit_set(unsigned long *bm, u64 bit) { bm[WORD(bit)] |= MASK(bit); }
static void bit_clear(unsigned long *bm, u64 bit) { bm[WORD(bit)] &= ~MASK(bit); }

/* The first bit in [start, end) whose value is want; end when there is none. */
static u64 bitmap_find(const unsigned long *bm, u64 start, u64 end, bool want)
{
	unsigned long skip = want ? 0 : ~0UL; /* a whole word of this holds no wanted bit */
	u64 i = start;

	while (i < end) {
		if (i % BITS_PER_LONG == 0 && bm[WORD(i)] == skip) {
			i += BITS_PER_LONG;
			continue;
		}
		if (bit_test(bm, i) == want)
			return i;
		i++;
	}
	return end;
}

static u64 words_for(u64 npages) { return (npages + BITS_PER_LONG - 1) / BITS_PER_LONG; }

size_t pmm_storage_bytes(u64 npages) { return 2 * words_for(npages) * sizeof(unsigned long); }

void pmm_init(struct pmm *p, u64 npages, void *storage)
{
	u64 words = words_for(npages);

	memset(p, 0, sizeof(*p));
	p->used = storage;
	p->reserved = p->used + words;
	p->npages = npages;
	memset(storage, 0xff, pmm_storage_bytes(npages));
}

void pmm_add_ram(struct pmm *p, u64 first, u64 count)
{
	u64 end = min(first + count, p->npages);

	for (u64 i = first; i < end; i++) {
		if (!bit_test(p->reserved, i))
			continue; /* already RAM: overlapping map entries count once */
		bit_clear(p->reserved, i);
		bit_clear(p->used, i);
		p->free_pages++;
		p->managed_pages++;
	}
	p->search_start = 0;
}

void pmm_reserve(struct pmm *p, u64 first, u64 count)
{
	u64 end = min(first + count, p->npages);

	for (u64 i = first; i < end; i++) {
		if (bit_test(p->reserved, i))
			continue;
		if (!bit_test(p->used, i))
			p->free_pages--;
		bit_set(p->reserved, i);
		bit_set(p->used, i);
		p->reserved_pages++;
	}
}

void pmm_release(struct pmm *p, u64 first, u64 count)
{
	u64 end = min(first + count, p->npages);

	for (u64 i = first; i < end; i++) {
		if (!bit_test(p->reserved, i) || p->reserved_pages == 0)
			continue;
		bit_clear(p->reserved, i);
		bit_clear(p->used, i);
		p->reserved_pages--;
		p->free_pages++;
	}
	p->search_start = min(p->search_start, first);
}

static void mark_range(struct pmm *p, u64 first, u64 n, bool used)
{
	for (u64 i = first; i < first + n; i++) {
		if (used)
			bit_set(p->used, i);
		else
			bit_clear(p->used, i);
	}
}

u64 pmm_alloc(struct pmm *p, unsigned int order, u64 limit)
{
	u64 n, i, busy;

	if (order >= 40)
		return PMM_NO_PAGE;
	n = 1ULL << order;
	limit = min(limit, p->npages);
	i = ALIGN_UP(p->search_start, n);
	while (i + n <= limit) {
		busy = bitmap_find(p->used, i, i + n, true);
		if (busy == i + n) {
			mark_range(p, i, n, true);
			p->free_pages -= n;
			if (i == p->search_start)
				p->search_start = bitmap_find(p->used, i + n, p->npages, false);
			return i;
		}
		i = ALIGN_UP(bitmap_find(p->used, busy + 1, limit, false), n);
	}
	return PMM_NO_PAGE;
}

static bool range_allocated(const struct pmm *p, u64 first, u64 n)
{
	for (u64 i = first; i < first + n; i++)
		if (!pmm_page_allocated(p, i))
			return false;
	return true;
}

int pmm_free(struct pmm *p, u64 first, unsigned int order)
{
	u64 n = order < 40 ? 1ULL << order : 0;

	if (n == 0 || first % n || first >= p->npages || n > p->npages - first ||
	    !range_allocated(p, first, n)) {
		pr_err("free_pages: page 0x%llx (order %u) was not allocated\n",
		       (unsigned long long)first << 12, order);
		return -EINVAL;
	}
	mark_range(p, first, n, false);
	p->free_pages += n;
	p->search_start = min(p->search_start, first);
	return 0;
}

bool pmm_page_allocated(const struct pmm *p, u64 pfn)
{
	return pfn < p->npages && bit_test(p->used, pfn) && !bit_test(p->reserved, pfn);
}
