/*
 * Memory barriers, after Linux's <asm/barrier.h> for x86_64 (<linux/barrier.h>-style names).
 *
 * x86 keeps loads in order with loads and stores in order with stores (TSO); the only
 * reordering CPUs do among ordinary memory accesses is a later load passing an earlier store.
 * So between CPUs, smp_rmb()/smp_wmb() only have to stop the compiler, and smp_mb() needs a
 * real fence. mb()/rmb()/wmb() are the mandatory fences, for ordering against devices
 * (write-combining memory, non-temporal stores) as well. Keel runs on one CPU today; the smp_
 * ones are what code shared with interrupt handlers or future CPUs should use.
 *
 * barrier(), READ_ONCE() and WRITE_ONCE() (compiler-only) are in <keel/compiler.h>.
 * All are usable in any context and never sleep.
 */
#ifndef KEEL_BARRIER_H
#define KEEL_BARRIER_H

#include <keel/compiler.h>

/* mb()/rmb()/wmb(): full / load / store fence instructions. Linux: mb()/rmb()/wmb(). */
#define mb() __asm__ __volatile__("mfence" ::: "memory")
#define rmb() __asm__ __volatile__("lfence" ::: "memory")
#define wmb() __asm__ __volatile__("sfence" ::: "memory")

/* smp_mb(): orders every earlier access before every later one, as seen by other CPUs (a
 * locked instruction or mfence, chosen by the compiler). Linux: smp_mb(). */
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* smp_rmb()/smp_wmb(): loads before later loads / stores before later stores. Linux: same. */
#define smp_rmb() barrier()
#define smp_wmb() barrier()

/* Around atomic operations that return nothing: those are locked instructions, already full
 * barriers on x86. Linux: smp_mb__before_atomic()/smp_mb__after_atomic(). */
#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()

/*
 * smp_load_acquire(p): reads *p; no later access moves before it. smp_store_release(p, v):
 * writes v to *p; no earlier access moves after it. For publishing data through a flag or
 * pointer. *p must be a scalar of 1, 2, 4 or 8 bytes. Linux: the same names.
 */
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

#endif
