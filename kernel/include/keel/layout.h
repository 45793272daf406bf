/* The kernel's virtual address space layout (shared by boot assembly and C). */
#ifndef KEEL_LAYOUT_H
#define KEEL_LAYOUT_H

/* The kernel image: physical 0 maps at the top 2 GiB, so the image sits at KERNEL_VMA + phys. */
#define KERNEL_VMA 0xffffffff80000000
/* Every physical page (and the first 4 GiB including MMIO) at DIRECT_MAP_BASE + phys. */
#define DIRECT_MAP_BASE 0xffff800000000000
/* Modules live within +-2 GiB of the kernel, so 32-bit PC-relative relocations reach it. */
#define MODULES_VADDR 0xffffffffa0000000
#define MODULES_END 0xfffffffff0000000
/* ioremap()ed MMIO windows. */
#define IOREMAP_BASE 0xffffc90000000000
#define IOREMAP_END 0xffffe90000000000
/* Kernel stacks of tasks, each above an unmapped guard page. */
#define KSTACK_BASE 0xffffe98000000000
#define KSTACK_END 0xffffea0000000000

#define PAGE_SIZE 4096
#define PAGE_SHIFT 12
#define KERNEL_STACK_SIZE (16 * 1024)

#ifndef __ASSEMBLER__
#include <keel/types.h>
static inline void *phys_to_virt(phys_addr_t pa) { return (void *)(pa + DIRECT_MAP_BASE); }
static inline phys_addr_t virt_to_phys(const void *va)
{
	unsigned long v = (unsigned long)va;

	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}
#endif

#endif
