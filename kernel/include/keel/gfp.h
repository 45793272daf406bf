/*
 * Allocation flags (gfp_t), as in Linux's <linux/gfp.h>: they tell an allocator what the caller
 * can afford. Keel does not sleep in allocators yet, but callers already say whether they could
 * (GFP_KERNEL) or must not (GFP_ATOMIC), so that allocators can start blocking without every
 * caller being revisited.
 */
#ifndef KEEL_GFP_H
#define KEEL_GFP_H

#include <keel/types.h>

typedef unsigned int gfp_t;

/* Modifier bits (values are Keel's own; only the names follow Linux). */
#define __GFP_HIGH 0x20u            /* may dip into reserves: the caller cannot wait */
#define __GFP_ZERO 0x100u           /* return zeroed memory */
#define __GFP_NOWARN 0x200u         /* the caller handles failure quietly */
#define __GFP_DIRECT_RECLAIM 0x400u /* the caller may sleep while memory is found */
#define __GFP_KSWAPD_RECLAIM 0x800u /* background reclaim may be woken */
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/*
 * GFP_KERNEL: process context, may sleep. The usual choice.
 * GFP_ATOMIC: never sleeps; for IRQ handlers, code holding a spinlock or running with
 *             interrupts disabled.
 * GFP_NOWAIT: never sleeps and does not touch reserves: fails rather than wait.
 */
#define GFP_KERNEL __GFP_RECLAIM
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT __GFP_KSWAPD_RECLAIM

/*
 * Whether an allocation with these flags may sleep (Linux: gfpflags_allow_blocking()).
 * Pure function of gfp; any context.
 */
static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return (gfp & __GFP_DIRECT_RECLAIM) != 0;
}

#endif
