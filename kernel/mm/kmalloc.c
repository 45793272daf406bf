/*
 * kmalloc and friends: the kernel's one heap instance, fed by alloc_pages() and guarded against
 * interrupts. Each block's owner is the code address that asked for it, so that a module's
 * leaks can be reclaimed when it goes away (kmalloc_release_range). Host unit tests build this
 * file too, with their own alloc_pages()/free_pages().
 */
#include <keel/export.h>
#include <keel/string.h> /* first: keel/compiler.h before the host C headers (unit tests) */
#include <keel/mm.h>
#include <keel/overflow.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include "mm/heap.h"
#include "mm/mm.h"
#include "mm/mm_internal.h"

#ifdef KEEL_HOST_TEST
#define might_sleep_if(cond) ((void)(cond))
static unsigned long heap_lock(void) { return 0; }
static void heap_unlock(unsigned long flags) { (void)flags; }
static void owner_name(unsigned long owner, char *buf, size_t size)
{
	snprintf(buf, size, "0x%lx", owner);
}
#else
#include <keel/irqflags.h>
#include <keel/sched.h>
#include "cpu/traps.h"
static unsigned long heap_lock(void) { return arch_local_irq_save(); }
static void heap_unlock(unsigned long flags) { local_irq_restore(flags); }
static void owner_name(unsigned long owner, char *buf, size_t size)
{
	symbolize_address(owner, true, buf, size);
}
#endif

static struct heap kernel_heap = {
	.alloc_pages = alloc_pages,
	.free_pages = free_pages,
};

void *__kmalloc_track_caller(size_t size, gfp_t gfp, unsigned long caller)
{
	unsigned long flags;
	void *p;

	/* The heap never sleeps today, but GFP_KERNEL callers are allowed to, so calling it
	 * from atomic context is reported now, before reclaim makes it real. */
	might_sleep_if(gfpflags_allow_blocking(gfp));
	flags = heap_lock();
	p = heap_alloc(&kernel_heap, size, caller);
	heap_unlock(flags);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}
EXPORT_SYMBOL(__kmalloc_track_caller);

void *kmalloc(size_t size, gfp_t gfp)
{
	return __kmalloc_track_caller(size, gfp, _RET_IP_);
}
EXPORT_SYMBOL(kmalloc);

void *kzalloc(size_t size, gfp_t gfp)
{
	return __kmalloc_track_caller(size, gfp | __GFP_ZERO, _RET_IP_);
}
EXPORT_SYMBOL(kzalloc);

static void *array_alloc(size_t n, size_t size, gfp_t gfp, unsigned long caller)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return __kmalloc_track_caller(bytes, gfp, caller);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return array_alloc(n, size, gfp, _RET_IP_);
}
EXPORT_SYMBOL(kmalloc_array);

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return array_alloc(n, size, gfp | __GFP_ZERO, _RET_IP_);
}
EXPORT_SYMBOL(kcalloc);

void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	unsigned long flags = heap_lock();
	void *q = heap_realloc(&kernel_heap, p, size, _RET_IP_, gfp & __GFP_ZERO, "krealloc");

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

/* len bytes of src, plus a NUL when terminate (the copy is then len + 1 bytes). */
static void *dup_bytes(const void *src, size_t len, bool terminate, gfp_t gfp,
		       unsigned long caller)
{
	char *copy = __kmalloc_track_caller(len + terminate, gfp, caller);

	if (!copy)
		return NULL;
	memcpy(copy, src, len);
	if (terminate)
		copy[len] = '\0';
	return copy;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? dup_bytes(s, strlen(s), true, gfp, _RET_IP_) : NULL;
}
EXPORT_SYMBOL(kstrdup);

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	return s ? dup_bytes(s, strnlen(s, max), true, gfp, _RET_IP_) : NULL;
}
EXPORT_SYMBOL(kstrndup);

void *kmemdup(const void *p, size_t len, gfp_t gfp)
{
	return dup_bytes(p, len, false, gfp, _RET_IP_);
}
EXPORT_SYMBOL(kmemdup);

unsigned long kmalloc_owner(const void *p)
{
	unsigned long flags = heap_lock();
	unsigned long owner = heap_owner(&kernel_heap, p, "kmalloc_owner");

	heap_unlock(flags);
	return owner;
}

/* Leaks listed one by one at debug level (dmesg), at most this many per release. */
#define RELEASE_DETAIL_LINES 16

struct release_report {
	const char *name;
	unsigned int lines;
};

static void report_leak(void *arg, const void *p, size_t size, unsigned long owner)
{
	struct release_report *r = arg;
	char where[96];

	if (r->lines++ >= RELEASE_DETAIL_LINES)
		return;
	owner_name(owner, where, sizeof(where));
	pr_debug("module %s: leaked %zu bytes at 0x%lx, allocated at %s\n", r->name, size,
		 (unsigned long)p, where);
}

unsigned long kmalloc_release_range(unsigned long start, unsigned long end, const char *name)
{
	struct release_report report = { .name = name };
	unsigned long flags = heap_lock(), count;
	u64 bytes;

	count = heap_release_range(&kernel_heap, start, end, report_leak, &report, &bytes);
	heap_unlock(flags);
	if (count)
		pr_warn("module %s: freed %lu leaked allocation%s (%lu bytes) at unload\n", name,
			count, count == 1 ? "" : "s", (unsigned long)bytes);
	return count;
}

void heap_get_owned_stats(unsigned long start, unsigned long end, u64 *bytes, u64 *blocks)
{
	unsigned long flags = heap_lock();

	*blocks = heap_count_range(&kernel_heap, start, end, bytes);
	heap_unlock(flags);
}

void heap_get_stats(u64 *used_bytes, u64 *blocks, u64 *pages)
{
	unsigned long flags = heap_lock();

	*used_bytes = kernel_heap.used_bytes;
	*blocks = kernel_heap.blocks;
	*pages = kernel_heap.pages;
	heap_unlock(flags);
}
