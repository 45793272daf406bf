/*
 * The virtual windows backed on demand: the module area (fresh pages, so module code sits
 * within +-2 GiB of the kernel), the kernel stack area (fresh pages, each stack with an
 * unmapped guard page below it) and the ioremap area (uncached views of device memory).
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/mm.h>
#include <keel/overflow.h>
#include <keel/printk.h>
#include "mm/mm.h"
#include "mm/vm_space.h"

static struct vm_space module_space = { .base = MODULES_VADDR, .end = MODULES_END };
static struct vm_space ioremap_space = { .base = IOREMAP_BASE, .end = IOREMAP_END };
/* vm_space leaves an unmapped page after every range, and nothing is mapped below the window:
 * so every stack has an unmapped page right below it, where an overflow lands. */
static struct vm_space kstack_space = { .base = KSTACK_BASE, .end = KSTACK_END };

static unsigned long space_alloc(struct vm_space *vs, size_t size)
{
	unsigned long flags, va;

	local_irq_save(flags);
	va = vm_space_alloc(vs, size);
	local_irq_restore(flags);
	return va;
}

static size_t space_size(struct vm_space *vs, unsigned long va)
{
	unsigned long flags;
	size_t size;

	local_irq_save(flags);
	size = vm_space_size(vs, va);
	local_irq_restore(flags);
	return size;
}

static size_t space_free(struct vm_space *vs, unsigned long va)
{
	unsigned long flags;
	size_t size;

	local_irq_save(flags);
	size = vm_space_free(vs, va);
	local_irq_restore(flags);
	return size;
}

/* Unmaps [va, va+size) of a demand-backed window and frees the pages behind it. */
static void area_pages_release(unsigned long va, size_t size)
{
	phys_addr_t pa;

	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		pa = vmm_translate(va + off);
		if (pa == (phys_addr_t)-1)
			continue;
		vmm_unmap(va + off, PAGE_SIZE);
		free_page(phys_to_virt(pa));
	}
}

/* Fresh pages mapped read-write and non-executable at the lowest free place of vs. */
static void *area_alloc(struct vm_space *vs, size_t size)
{
	unsigned long va;
	size_t off;
	void *page;

	size = ALIGN_UP(size, (size_t)PAGE_SIZE);
	va = size ? space_alloc(vs, size) : 0;
	if (!va)
		return NULL;
	for (off = 0; off < size; off += PAGE_SIZE) {
		page = alloc_page();
		if (!page)
			goto out_release;
		if (vmm_map(va + off, virt_to_phys(page), PAGE_SIZE, VM_READ | VM_WRITE) < 0) {
			free_page(page);
			goto out_release;
		}
	}
	return (void *)va;

out_release:
	area_pages_release(va, off);
	space_free(vs, va);
	return NULL;
}

static void area_free(struct vm_space *vs, const char *who, void *addr, size_t size)
{
	unsigned long va = (unsigned long)addr;
	size_t have;

	if (!addr)
		return;
	have = space_size(vs, va);
	if (!have) {
		pr_err("%s: 0x%lx was not allocated by its alloc function\n", who, va);
		return;
	}
	if (ALIGN_UP(size, (size_t)PAGE_SIZE) != have)
		pr_warn("%s: 0x%lx freed with size %zu, allocated %zu\n", who, va, size, have);
	area_pages_release(va, have);
	space_free(vs, va);
}

void *module_area_alloc(size_t size)
{
	return area_alloc(&module_space, size);
}

void module_area_free(void *addr, size_t size)
{
	area_free(&module_space, "module_area_free", addr, size);
}

void *kstack_alloc(size_t size)
{
	return area_alloc(&kstack_space, size);
}

void kstack_free(void *stack, size_t size)
{
	area_free(&kstack_space, "kstack_free", stack, size);
}

void *ioremap(phys_addr_t phys, size_t size)
{
	phys_addr_t first = ALIGN_DOWN(phys, (phys_addr_t)PAGE_SIZE), end;
	size_t span;
	unsigned long va;

	/* The end, and the end rounded up to a page, must both be computed without wrapping. */
	if (!size || check_add_overflow(phys, (phys_addr_t)size, &end) ||
	    end > ~(phys_addr_t)0 - (PAGE_SIZE - 1))
		return NULL;
	span = ALIGN_UP(end, (phys_addr_t)PAGE_SIZE) - first;
	va = space_alloc(&ioremap_space, span);
	if (!va)
		return NULL;
	if (vmm_map(va, first, span, VM_READ | VM_WRITE | VM_UNCACHED) < 0) {
		space_free(&ioremap_space, va);
		return NULL;
	}
	return (void *)(va + (phys - first));
}
EXPORT_SYMBOL(ioremap);

void iounmap(void *addr)
{
	unsigned long va = ALIGN_DOWN((unsigned long)addr, (unsigned long)PAGE_SIZE);
	size_t size;

	if (!addr)
		return;
	size = space_size(&ioremap_space, va);
	if (!size) {
		pr_err("iounmap: 0x%lx was not returned by ioremap\n", (unsigned long)addr);
		return;
	}
	vmm_unmap(va, size);
	space_free(&ioremap_space, va);
}
EXPORT_SYMBOL(iounmap);
