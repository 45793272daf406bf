/* Page-granular allocation of virtual address ranges inside a fixed window (module area,
 * ioremap area). Pure bookkeeping: callers map the pages and hold the lock. */
#ifndef KEEL_MM_VM_SPACE_H
#define KEEL_MM_VM_SPACE_H

#include <keel/types.h>

struct vm_range;

struct vm_space {
	unsigned long base, end;
	struct vm_range *ranges; /* allocated ranges, sorted by address */
};

/* size bytes (page-aligned) at the lowest free address, with an unmapped guard page after the
 * range so an overrun faults; 0 when the window is full or out of memory. */
unsigned long vm_space_alloc(struct vm_space *vs, size_t size);
/* Releases the range starting at start; returns its size, or 0 when no range starts there. */
size_t vm_space_free(struct vm_space *vs, unsigned long start);
/* Size of the range starting at start, or 0 when there is none. */
size_t vm_space_size(const struct vm_space *vs, unsigned long start);

#endif
