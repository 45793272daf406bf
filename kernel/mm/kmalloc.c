/*
 * kmalloc and friends: the kernel's one heap instance, fed by alloc_pages() and guarded against
 * interrupts. Host unit tests build this file too, with their own alloc_pages()/free_pages().
 */
#include <keel/export.h>
#include <keel/string.h> /* first: keel/compiler.h before the host C headers (unit tests) */
#include <keel/mm.h>
#include <keel/slab.h>
#include "mm/heap.h"
#include "mm/mm_internal.h"

#ifdef KEEL_HOST_TEST
static unsigned long heap_lock(void) { return 0; }
static void heap_unlock(unsigned long flags) { (void)flags; }
#else
#include <keel/irqflags.h>
static unsigned long heap_lock(void) { return arch_local_irq_save(); }
static void heap_unlock(unsigned long flags) { local_irq_restore(flags); }
#endif

static struct heap kernel_heap = {
	.alloc_pages = alloc_pages,
	.free_pages = free_pages,
};

void *kmalloc(size_t size)
{
	unsigned long flags = heap_lock();
	void *p = heap_alloc(&kernel_heap, size);

	heap_unlock(flags);
	return p;
}
EXPORT_SYMBOL(kmalloc);

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}
EXPORT_SYMBOL(kzalloc);

void *krealloc(const void *p, size_t size)
{
	unsigned long flags = heap_lock();
	void *q = heap_realloc(&kernel_heap, p, size, "krealloc");

	heap_unlock(flags);
	return q;
}
EXPORT_SYMBOL(krealloc);

void kfree(const void *p)
{
	unsigned long flags;

	if (!p)
		return;
	flags = heap_lock();
	heap_free(&kernel_heap, p, "kfree");
	heap_unlock(flags);
}
EXPORT_SYMBOL(kfree);

size_t ksize(const void *p)
{
	unsigned long flags = heap_lock();
	size_t size = heap_usable_size(&kernel_heap, p, "ksize");

	heap_unlock(flags);
	return size;
}
EXPORT_SYMBOL(ksize);

char *kstrdup(const char *s)
{
	size_t len;
	char *copy;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	copy = kmalloc(len);
	if (copy)
		memcpy(copy, s, len);
	return copy;
}
EXPORT_SYMBOL(kstrdup);

void heap_get_stats(u64 *used_bytes, u64 *blocks, u64 *pages)
{
	unsigned long flags = heap_lock();

	*used_bytes = kernel_heap.used_bytes;
	*blocks = kernel_heap.blocks;
	*pages = kernel_heap.pages;
	heap_unlock(flags);
}
