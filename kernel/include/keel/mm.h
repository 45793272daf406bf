/* Page-level memory for drivers and modules: contiguous pages and MMIO mappings (kernel/mm/). */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <keel/layout.h>
#include <keel/types.h>

/* 2^order physically contiguous pages, returned through the direct map; NULL on failure. */
void *alloc_pages(unsigned int order);
void free_pages(void *addr, unsigned int order);
static inline void *alloc_page(void) { return alloc_pages(0); }
static inline void free_page(void *addr) { free_pages(addr, 0); }

/* Uncached kernel mapping of a device's physical MMIO range; NULL on failure. */
void *ioremap(phys_addr_t phys, size_t size);
void iounmap(void *addr);

#endif
