/*
 * The physical page allocator's core (a bitmap over page frames) and the boot memory map
 * helpers that feed it. Pure logic on page frame numbers: it compiles on the host for unit tests.
 */
#ifndef KEEL_MM_PMM_H
#define KEEL_MM_PMM_H

#include <keel/types.h>
#include "init/bootinfo.h"

#define PMM_NO_PAGE ((u64)-1)

struct pmm {
	unsigned long *used;     /* bit set: the page is not free (allocated or reserved) */
	unsigned long *reserved; /* bit set: never handed out (hole, firmware, kernel, ...) */
	u64 npages;              /* frames 0 .. npages-1 are tracked */
	u64 free_pages;
	u64 reserved_pages;      /* reserved pages inside available RAM */
	u64 managed_pages;       /* available RAM pages: free + allocated + reserved */
	u64 search_start;        /* no free page below this frame */
};

/* Bytes of bitmap storage pmm_init() needs for npages frames (both bitmaps). */
size_t pmm_storage_bytes(u64 npages);
/* Starts with every frame reserved; storage must hold pmm_storage_bytes(npages). */
void pmm_init(struct pmm *p, u64 npages, void *storage);
/* Declares [first, first+count) available RAM: it becomes free. */
void pmm_add_ram(struct pmm *p, u64 first, u64 count);
/* Takes [first, first+count) out of use for good (firmware, kernel image, boot modules...). */
void pmm_reserve(struct pmm *p, u64 first, u64 count);
/* Gives frames pmm_reserve took back as free RAM (the initrd once unpacked). Only for
 * ranges known to be reserved RAM: holes are reserved too and must stay so. */
void pmm_release(struct pmm *p, u64 first, u64 count);
/* 2^order contiguous, naturally aligned free frames below limit; PMM_NO_PAGE when none. */
u64 pmm_alloc(struct pmm *p, unsigned int order, u64 limit);
/* 0, or -EINVAL (reported, nothing changed) when the frames were not all allocated. */
int pmm_free(struct pmm *p, u64 first, unsigned int order);
bool pmm_page_allocated(const struct pmm *p, u64 pfn);

/* A half-open range of physical addresses. */
struct phys_range {
	phys_addr_t start, end;
};

/* Physical addresses x86_64 can have (52 bits): map entries are clipped to this. */
#define MEMMAP_PHYS_LIMIT (1ULL << 52)

/* Rewrites map as sorted, disjoint, merged entries in out (room for max; 2n always suffices);
 * where entries overlap the most restrictive type wins (bad > unknown > reserved > ACPI NVS >
 * ACPI > available); empty entries vanish, long ones end at MEMMAP_PHYS_LIMIT. Returns the
 * entry count, or -ENOSPC when out is too small. The helpers below expect such a map. */
int memmap_sanitize(const struct boot_mmap_entry *map, unsigned int n,
		    struct boot_mmap_entry *out, unsigned int max);
/* Pairs of entries sharing at least one byte (reported at boot: a firmware or loader bug). */
unsigned int memmap_count_overlaps(const struct boot_mmap_entry *map, unsigned int n);

/* Bytes of available (type 1) RAM in the map, as the loader reported it. */
u64 memmap_usable_bytes(const struct boot_mmap_entry *map, unsigned int n);
/* One past the last whole available page frame. */
u64 memmap_end_pfn(const struct boot_mmap_entry *map, unsigned int n);
/* The lowest page-aligned address of size bytes of available RAM in [min, limit) clear of every
 * reserved range; 0 when there is none. */
phys_addr_t memmap_find_free(const struct boot_mmap_entry *map, unsigned int n,
			     const struct phys_range *reserved, unsigned int nres, u64 size,
			     phys_addr_t min, phys_addr_t limit);
/* Frees the available RAM of the map into p, then reserves every listed range. */
void memmap_populate(struct pmm *p, const struct boot_mmap_entry *map, unsigned int n,
		     const struct phys_range *reserved, unsigned int nres);

#endif
