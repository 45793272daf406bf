/*
 * The kernel heap: kmalloc and friends, with Linux's signatures (<linux/slab.h>). Implemented in
 * kernel/mm/kmalloc.c over kernel/mm/heap.c.
 *
 * Every block remembers its owner: the code address that asked for it (the return address of
 * kmalloc, or of the helper -- kzalloc, kcalloc, kstrdup, krealloc... -- that the caller called).
 * When a module is unloaded, or its init fails, the blocks its code allocated and never freed are
 * freed with a warning naming the module. Memory a module hands over to the kernel for keeps
 * must therefore be allocated by the kernel, not the module.
 *
 * Context: with GFP_ATOMIC or GFP_NOWAIT, any context (IRQ handlers, interrupts disabled);
 * with GFP_KERNEL, process context only: GFP_KERNEL allocations may sleep once Keel can sleep.
 * kfree and ksize never sleep and are IRQ-safe. All return NULL when out of memory (never an
 * ERR_PTR); blocks are 16-byte aligned. Sizes are in bytes; the largest block is
 * KMALLOC_MAX_SIZE.
 */
#ifndef KEEL_SLAB_H
#define KEEL_SLAB_H

#include <keel/gfp.h>
#include <keel/instruction_pointer.h>
#include <keel/types.h>

/* Requests above this fail (block headers keep the size in 32 bits). */
#define KMALLOC_MAX_SIZE ((size_t)0xffffffffu)

/* size bytes (0 is allowed and gives a valid, freeable block); __GFP_ZERO zeroes them.
 * Linux: kmalloc(). */
void *kmalloc(size_t size, gfp_t gfp);
/* kmalloc(size, gfp | __GFP_ZERO). Linux: kzalloc(). */
void *kzalloc(size_t size, gfp_t gfp);
/* An array of n elements of size bytes; NULL when n * size overflows. Linux: kmalloc_array(). */
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
/* kmalloc_array zeroed. Linux: kcalloc(). */
void *kcalloc(size_t n, size_t size, gfp_t gfp);
/*
 * Resizes p to size bytes, keeping the first min(old, new) bytes; krealloc(NULL, n, gfp) is
 * kmalloc(n, gfp), krealloc(p, 0, gfp) frees p and returns NULL. On failure p is untouched and
 * NULL is returned. With __GFP_ZERO the bytes past the old size are zeroed (pass it on every
 * call for the same block, as in Linux). The block's owner becomes krealloc's caller.
 * Linux: krealloc().
 */
void *krealloc(const void *p, size_t size, gfp_t gfp);
/* Frees a block; kfree(NULL) does nothing; double and foreign frees are reported, not done.
 * Linux: kfree(). */
void kfree(const void *p);
/* Usable bytes of a kmalloc'd block (at least what was asked). Linux: ksize(). */
size_t ksize(const void *p);
/* A kmalloc'd copy of the string s (NULL s gives NULL). Linux: kstrdup(). */
char *kstrdup(const char *s, gfp_t gfp);
/* A kmalloc'd copy of at most max bytes of s, always NUL-terminated. Linux: kstrndup(). */
char *kstrndup(const char *s, size_t max, gfp_t gfp);
/* A kmalloc'd copy of len bytes at p. Linux: kmemdup(). */
void *kmemdup(const void *p, size_t len, gfp_t gfp);

/*
 * kmalloc recording caller (a code address) as the owner instead of its own return address:
 * for allocation helpers whose blocks belong to their caller. kmalloc_track_caller(size, gfp)
 * passes the current function's return address. Linux: kmalloc_track_caller().
 */
void *__kmalloc_track_caller(size_t size, gfp_t gfp, unsigned long caller);
#define kmalloc_track_caller(size, gfp) __kmalloc_track_caller(size, gfp, _RET_IP_)

#endif
