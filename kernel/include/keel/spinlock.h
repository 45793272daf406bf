/*
 * Spinlocks (Linux's <linux/spinlock.h>). On Keel's single CPU a spinlock never spins: taking
 * one disables preemption (and, with the _irq/_irqsave forms, interrupts), which is exactly
 * what keeps other code out. The lock word is still kept so misuse is caught: taking a lock
 * already held (a certain deadlock on one CPU) or releasing one not held prints a report with
 * a backtrace instead of hanging. Code holding a spinlock must not sleep (might_sleep checks).
 */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <keel/compiler.h>
#include <keel/irqflags.h>
#include <keel/preempt.h>
#include <keel/types.h>

typedef struct spinlock {
	volatile unsigned int locked;
	unsigned int magic;
	/* Seen taken in a hard IRQ / seen taken with interrupts on in a task: both together
	 * mean an interrupt can arrive while a task holds it, a deadlock waiting to happen. */
	u8 used_in_irq, used_irqs_on, reported;
	const char *name;       /* the variable's name, for reports */
	void *owner;            /* task_struct holding it */
	unsigned long owner_ip; /* where it was taken */
} spinlock_t;

#define SPINLOCK_MAGIC 0xdead4eadU
#define __SPIN_LOCK_UNLOCKED(n) { .locked = 0, .magic = SPINLOCK_MAGIC, .name = #n }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
#define spin_lock_init(l) __spin_lock_init((l), #l)

void __spin_lock_init(spinlock_t *lock, const char *name);
/* The lock word with its debugging checks; callers use the spin_lock* forms below. */
void do_raw_spin_lock(spinlock_t *lock, unsigned long ip);
void do_raw_spin_unlock(spinlock_t *lock);
bool do_raw_spin_trylock(spinlock_t *lock, unsigned long ip);

#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })

/* spin_lock: preemption off, then the lock. Any context; never sleeps. */
#define spin_lock(l)                                                                       \
	do {                                                                               \
		preempt_disable();                                                         \
		do_raw_spin_lock((l), _THIS_IP_);                                          \
	} while (0)
#define spin_unlock(l)                                                                     \
	do {                                                                               \
		do_raw_spin_unlock(l);                                                     \
		preempt_enable();                                                          \
	} while (0)
/* The _irq forms also disable interrupts (and unconditionally re-enable them). */
#define spin_lock_irq(l)                                                                   \
	do {                                                                               \
		local_irq_disable();                                                       \
		spin_lock(l);                                                              \
	} while (0)
#define spin_unlock_irq(l)                                                                 \
	do {                                                                               \
		do_raw_spin_unlock(l);                                                     \
		local_irq_enable();                                                        \
		preempt_enable();                                                          \
	} while (0)
/* The _irqsave forms save the interrupt flag in flags (an unsigned long lvalue): use them
 * for data an interrupt handler also touches. */
#define spin_lock_irqsave(l, flags)                                                        \
	do {                                                                               \
		local_irq_save(flags);                                                     \
		spin_lock(l);                                                              \
	} while (0)
#define spin_unlock_irqrestore(l, flags)                                                   \
	do {                                                                               \
		do_raw_spin_unlock(l);                                                     \
		local_irq_restore(flags);                                                  \
		preempt_enable();                                                          \
	} while (0)
/* spin_trylock: 1 and the lock taken, or 0 (preemption left as it was). */
#define spin_trylock(l)                                                                    \
	({                                                                                 \
		int __ok;                                                                  \
		preempt_disable();                                                         \
		__ok = do_raw_spin_trylock((l), _THIS_IP_);                                \
		if (!__ok)                                                                 \
			preempt_enable();                                                  \
		__ok;                                                                      \
	})
#define spin_is_locked(l) (READ_ONCE((l)->locked) != 0)
#define assert_spin_locked(l) WARN_ON_SPIN(!spin_is_locked(l), l)
void spin_bug(spinlock_t *lock, const char *msg);
#define WARN_ON_SPIN(cond, l)                                                              \
	do {                                                                               \
		if (unlikely(cond))                                                        \
			spin_bug((l), "not locked when it must be");                       \
	} while (0)

#endif
