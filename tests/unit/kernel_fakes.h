/*
 * The kernel services below the VFS and the page cache, faked for host tests: the heap (with
 * a count of live blocks for leak checks), spinlocks and mutexes (checked), time, module
 * references and sleeping. Included once per test program (it defines the functions), by
 * vfs_fakes.h, test_pagecache.c and blockfs_host.h.
 *
 * The lock fakes count what the kernel's would report in lock_errors: a mutex locked twice by
 * its holder (a self-deadlock in the kernel), a spinlock taken twice or released unheld, and
 * sleeping (mutex_lock) with a spinlock held. Tests are single-threaded: a wait whose
 * condition is false can only end if fake_schedule_hook makes it true (it plays "the other
 * task"); without one, a wait that would sleep forever aborts the test instead of hanging.
 */
#ifndef KEEL_TESTS_KERNEL_FAKES_H
#define KEEL_TESTS_KERNEL_FAKES_H

#include <stdlib.h>
#include <keel/errno.h>
#include <keel/kmod.h>
#include <keel/mutex.h>
#include <keel/slab.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "host_printk.h"
#include "unit.h"

static unsigned int lock_errors, spin_held;
static long heap_blocks; /* live kmalloc blocks, for leak checks */

void *kmalloc(size_t size, gfp_t gfp) { heap_blocks++; return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { heap_blocks++; return calloc(1, size ? size : 1); }
void kfree(const void *p) { if (p) heap_blocks--; free((void *)p); }
void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	if (!p)
		heap_blocks++;
	return realloc((void *)p, size ? size : 1);
}
char *kstrdup(const char *s, gfp_t gfp)
{
	char *c = s ? kmalloc(strlen(s) + 1, gfp) : NULL;

	if (c)
		memcpy(c, s, strlen(s) + 1);
	return c;
}
void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return n && size > (size_t)-1 / n ? NULL : kmalloc(n * size, gfp);
}
void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	void *p = kmalloc_array(n, size, gfp);

	if (p)
		memset(p, 0, n * size);
	return p;
}

int __preempt_count;
bool __need_resched;
volatile unsigned long jiffies;
struct task_struct *current_task;
void preempt_schedule(void) {}
void __spin_lock_init(spinlock_t *lock, const char *name) { lock->locked = 0; }
void do_raw_spin_lock(spinlock_t *lock, unsigned long ip)
{
	if (lock->locked)
		lock_errors++;
	lock->locked = 1;
	spin_held++;
}
bool do_raw_spin_trylock(spinlock_t *lock, unsigned long ip)
{
	if (lock->locked)
		return false;
	lock->locked = 1;
	spin_held++;
	return true;
}
void do_raw_spin_unlock(spinlock_t *lock)
{
	if (!lock->locked)
		lock_errors++;
	lock->locked = 0;
	spin_held--;
}
void __mutex_init(struct mutex *lock, const char *name) { lock->owner = NULL; }
void mutex_lock(struct mutex *lock)
{
	if (lock->owner || spin_held)
		lock_errors++;
	lock->owner = (struct task_struct *)1;
}
void mutex_unlock(struct mutex *lock)
{
	if (!lock->owner)
		lock_errors++;
	lock->owner = NULL;
}

u64 ktime_get_ns(void) { return 1000000000ull; }

struct module { int refs; };
bool try_module_get(struct module *mod) { if (mod) mod->refs++; return true; }
void module_put(struct module *mod) { if (mod) mod->refs--; }

static int requested_modules;
int request_module(const char *fmt, ...) { requested_modules++; return -ENOENT; }

/* Runs in schedule(): "another task" that may make the awaited condition true. */
static void (*fake_schedule_hook)(void);
static unsigned long fake_schedules; /* schedule() calls since the last hook ran */

/* Weak, so a test linking the real ones (kernel/sched/wait.c) gets those. */
__attribute__((weak)) void __might_sleep(const char *file, int line) {}
__attribute__((weak)) void schedule(void)
{
	void (*hook)(void) = fake_schedule_hook;

	if (hook) {
		fake_schedule_hook = NULL; /* once: the hook may sleep itself */
		fake_schedules = 0;
		hook();
		return;
	}
	if (++fake_schedules > 100000) {
		fprintf(stderr, "schedule(): waiting forever (nothing else can run on the host)\n");
		abort();
	}
}
/* Runs when a task sleeps with a timeout: what the kernel's threads would do meanwhile
 * (blockfs_host.h: the writeback thread's work). Not nested. */
static void (*fake_timeout_hook)(void);

__attribute__((weak)) long schedule_timeout(long timeout)
{
	static bool running;

	if (fake_timeout_hook && !running) {
		running = true;
		fake_timeout_hook();
		running = false;
	}
	schedule();
	return 0;
}
__attribute__((weak)) void __wake_up(wait_queue_head_t *q, unsigned int mode, int nr, void *key) {}
__attribute__((weak)) void init_wait_entry(struct wait_queue_entry *e, int flags) {}
__attribute__((weak)) long prepare_to_wait_event(wait_queue_head_t *q,
						 struct wait_queue_entry *e, int state)
{
	return 0;
}
__attribute__((weak)) void finish_wait(wait_queue_head_t *q, struct wait_queue_entry *e) {}
__attribute__((weak)) int wake_up_state(struct task_struct *t, unsigned int mask) { return 0; }

#endif
