/* Memory management inside the base kernel: setup, statistics, page tables, the module area. */
#ifndef KEEL_MM_MM_H
#define KEEL_MM_MM_H

#include <keel/mm.h>

void mm_init(void); /* physical allocator, the kernel's own page tables, heap */

struct meminfo {
	u64 total_kb;        /* usable RAM the boot loader reported */
	u64 free_kb;         /* pages free in the physical allocator */
	u64 reserved_kb;     /* kernel image, initrd, multiboot info, boot tables... */
	u64 heap_used_bytes; /* bytes currently allocated through kmalloc (requested sizes) */
	u64 heap_blocks;     /* live kmalloc blocks */
	u64 heap_module_bytes;  /* of heap_used_bytes, what module code allocated */
	u64 heap_module_blocks; /* of heap_blocks, those module code allocated */
};
void mm_get_meminfo(struct meminfo *mi);

/*
 * Frees every kmalloc block whose owner (the code address that allocated it) lies in
 * [start, end) -- a module's memory -- and warns once, naming name, with the count and bytes.
 * For the module loader, after the module's code ran for the last time. Returns the count.
 * Process context; runs with interrupts disabled for the walk.
 */
unsigned long kmalloc_release_range(unsigned long start, unsigned long end, const char *name);
/* The owner recorded for a live kmalloc block; 0 (reported) for anything else. Any context. */
unsigned long kmalloc_owner(const void *p);

/* Whether page tables can forbid execution (EFER.NXE is on). Use this rather than
 * boot_nx_supported, which sits in low memory that is unmapped after mm_init(). */
bool mm_nx_enabled(void);

/* Page-table protections for vmm_*() and module memory. */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_UNCACHED 0x8

int vmm_map(unsigned long virt, phys_addr_t phys, size_t size, unsigned int prot);
void vmm_unmap(unsigned long virt, size_t size);
int vmm_protect(unsigned long virt, size_t size, unsigned int prot);
/* Physical address behind virt, or (phys_addr_t)-1 when unmapped. */
phys_addr_t vmm_translate(unsigned long virt);
/* Writable/executable bits of the leaf entry mapping virt (for W^X checks in tests). */
unsigned int vmm_query_prot(unsigned long virt);

/* Page-granular memory in [MODULES_VADDR, MODULES_END), mapped read-write and non-executable;
 * the module loader tightens it with vmm_protect() once the module is relocated. */
void *module_area_alloc(size_t size);
void module_area_free(void *addr, size_t size);
/* A kernel stack of size bytes (page multiple) in the stack window, an unmapped guard page
 * right below it; NULL when out of memory. */
void *kstack_alloc(size_t size);
void kstack_free(void *stack, size_t size);

/*
 * The initrd's pages, [start, end) rounded inwards to whole pages, back to the page
 * allocator once it is unpacked (Linux's free_initrd_mem): its bytes must not be read again.
 * Boot only, task context.
 */
void free_initrd_mem(phys_addr_t start, phys_addr_t end);

#endif
