/*
 * lwIP's platform hooks for Keel: its heap and pools on kmalloc (every block on a list, so
 * unloading frees what lwIP, which has no shutdown, still holds: its timeouts), sys_now from
 * ktime, random numbers from the TSC, and diagnostics through printk.
 */
#include <keel/ktime.h>
#include <keel/list.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/sys.h"

DEFINE_MUTEX(lwip_core_lock);

/* Every block lwIP holds; lwIP allocates only with lwip_core_lock held. */
struct lwip_block {
	struct list_head list;
	size_t size;
} __attribute__((aligned(16)));
static LIST_HEAD(lwip_blocks);

void *lwip_port_malloc(size_t size)
{
	struct lwip_block *b = kmalloc(sizeof(*b) + size, GFP_KERNEL);

	if (!b)
		return NULL;
	b->size = size;
	list_add(&b->list, &lwip_blocks);
	return b + 1;
}

void *lwip_port_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	p = lwip_port_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void lwip_port_free(void *p)
{
	struct lwip_block *b;

	if (!p)
		return;
	b = (struct lwip_block *)p - 1;
	list_del(&b->list);
	kfree(b);
}

void lwip_port_free_all(void)
{
	struct lwip_block *b, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(b, next, &lwip_blocks, list) {
		list_del(&b->list);
		kfree(b);
		n++;
	}
	pr_debug("lwip: freed %u blocks left to lwIP (its timeouts)\n", n);
}

u32_t sys_now(void)
{
	return (u32_t)ktime_to_ms(ktime_get());
}

u32 lwip_port_rand(void)
{
	u64 t = rdtsc();

	t ^= t >> 29;
	t *= 0xbf58476d1ce4e5b9ull; /* splitmix64's mixing step */
	return (u32)(t ^ (t >> 32));
}

int lwip_port_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return printk(KERN_DEBUG "lwip: %s", buf);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
	pr_err("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
}
