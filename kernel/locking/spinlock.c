/*
 * The spinlock word and its checks. On one CPU a spinlock that is already held when taken can
 * never be released (its holder cannot run until we give the CPU back), so instead of spinning
 * forever this reports the deadlock, names where the lock was taken, and carries on.
 * CONFIG_DEBUG_SPINLOCK (on unless the build sets it to 0) turns the reports on.
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include "cpu/traps.h"

#ifndef CONFIG_DEBUG_SPINLOCK
#define CONFIG_DEBUG_SPINLOCK 1
#endif

void __spin_lock_init(spinlock_t *lock, const char *name)
{
	lock->locked = 0;
	lock->magic = SPINLOCK_MAGIC;
	lock->name = name;
	lock->owner = NULL;
	lock->owner_ip = 0;
	lock->used_in_irq = lock->used_irqs_on = lock->reported = 0;
}
EXPORT_SYMBOL(__spin_lock_init);

void spin_bug(spinlock_t *lock, const char *msg)
{
	struct task_struct *owner = lock->owner;
	char where[128] = "?";

	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (lock->owner_ip) /* module code too, which kallsyms_lookup does not know */
		symbolize_address(lock->owner_ip, false, where, sizeof(where));
	pr_err("BUG: spinlock %s on CPU#0, %s/%d\n", msg, current->comm, current->pid);
	pr_err(" lock: %s, magic: %08x, .owner: %s/%d, taken at %s\n",
	       lock->name ? lock->name : "?", lock->magic, owner ? owner->comm : "<none>",
	       owner ? owner->pid : -1, where);
	dump_stack();
}
EXPORT_SYMBOL(spin_bug);

static void debug_spin_lock_before(spinlock_t *lock)
{
	if (lock->magic != SPINLOCK_MAGIC)
		spin_bug(lock, "bad magic (not initialized?)");
	else if (lock->locked && lock->owner == current)
		spin_bug(lock, "recursion");
	else if (lock->locked)
		spin_bug(lock, "lockup (held by another context: a certain deadlock on one CPU)");
}

/* Lockdep's simplest rule, without lockdep: a lock an interrupt handler takes must be taken
 * with interrupts off everywhere else (spin_lock_irqsave), or the handler can interrupt a
 * holder and spin on one CPU forever. Reported once per lock. */
static void check_irq_usage(spinlock_t *lock)
{
	if (in_hardirq())
		lock->used_in_irq = 1;
	else if (!irqs_disabled())
		lock->used_irqs_on = 1;
	if (lock->used_in_irq && lock->used_irqs_on && !lock->reported) {
		lock->reported = 1;
		spin_bug(lock, "taken in an interrupt handler and, elsewhere, with interrupts on "
			       "(inconsistent lock state: use spin_lock_irqsave)");
	}
}

void do_raw_spin_lock(spinlock_t *lock, unsigned long ip)
{
	debug_spin_lock_before(lock);
	if (CONFIG_DEBUG_SPINLOCK)
		check_irq_usage(lock);
	lock->locked = 1;
	lock->owner = current;
	lock->owner_ip = ip;
}
EXPORT_SYMBOL(do_raw_spin_lock);

bool do_raw_spin_trylock(spinlock_t *lock, unsigned long ip)
{
	if (lock->locked)
		return false;
	if (CONFIG_DEBUG_SPINLOCK)
		check_irq_usage(lock);
	lock->locked = 1;
	lock->owner = current;
	lock->owner_ip = ip;
	return true;
}
EXPORT_SYMBOL(do_raw_spin_trylock);

void do_raw_spin_unlock(spinlock_t *lock)
{
	if (lock->magic != SPINLOCK_MAGIC)
		spin_bug(lock, "bad magic (not initialized?)");
	else if (!lock->locked)
		spin_bug(lock, "already unlocked");
	lock->locked = 0;
	lock->owner = NULL;
	lock->owner_ip = 0;
}
EXPORT_SYMBOL(do_raw_spin_unlock);
