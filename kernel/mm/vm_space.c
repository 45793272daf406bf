/*
 * Virtual range allocator for the module and ioremap windows: a sorted list of allocated
 * ranges, first fit. Ranges are few (one per module or device window), so a list is enough.
 */
#include <keel/compiler.h>
#include <keel/layout.h>
#include <keel/slab.h>
#include "mm/vm_space.h"

struct vm_range {
	unsigned long start;
	size_t size;
	struct vm_range *next;
};

unsigned long vm_space_alloc(struct vm_space *vs, size_t size)
{
	struct vm_range **link = &vs->ranges, *r;
	unsigned long start = vs->base;
	size_t span = size + PAGE_SIZE; /* the guard page */

	if (!size || size % PAGE_SIZE || span < size)
		return 0;
	for (; *link; link = &(*link)->next) {
		if ((*link)->start - start >= span)
			break;
		start = (*link)->start + (*link)->size + PAGE_SIZE;
	}
	if (start > vs->end || vs->end - start < span)
		return 0;
	r = kmalloc(sizeof(*r), GFP_ATOMIC); /* callers hold interrupts off */
	if (!r)
		return 0;
	*r = (struct vm_range){ .start = start, .size = size, .next = *link };
	*link = r;
	return start;
}

size_t vm_space_free(struct vm_space *vs, unsigned long start)
{
	struct vm_range **link, *r;
	size_t size;

	for (link = &vs->ranges; *link; link = &(*link)->next) {
		if ((*link)->start == start) {
			r = *link;
			size = r->size;
			*link = r->next;
			kfree(r);
			return size;
		}
	}
	return 0;
}

size_t vm_space_size(const struct vm_space *vs, unsigned long start)
{
	for (const struct vm_range *r = vs->ranges; r; r = r->next)
		if (r->start == start)
			return r->size;
	return 0;
}
