/* The kernel heap: kmalloc and friends (interface; implemented in kernel/mm/). */
#ifndef KEEL_SLAB_H
#define KEEL_SLAB_H

#include <keel/types.h>

void *kmalloc(size_t size);                /* NULL on failure; 16-byte aligned */
void *kzalloc(size_t size);                /* zeroed */
void *krealloc(const void *p, size_t size); /* krealloc(NULL, n) = kmalloc(n); size 0 frees */
void kfree(const void *p);                 /* kfree(NULL) is a no-op; double/foreign frees are reported */
size_t ksize(const void *p);               /* usable size of a kmalloc'd block */
char *kstrdup(const char *s);

#endif
