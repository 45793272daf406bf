/*
 * Completions (Linux's <linux/completion.h>): "this has happened" handed from one context to
 * another, typically from an interrupt handler to the task that started the I/O. complete()
 * may be called before the wait starts: the count remembers it.
 */
#ifndef KEEL_COMPLETION_H
#define KEEL_COMPLETION_H

#include <keel/wait.h>

struct completion {
	unsigned int done; /* completions not yet consumed; UINT_MAX after complete_all() */
	wait_queue_head_t wait;
};

#define COMPLETION_INITIALIZER(work) { 0, __WAIT_QUEUE_HEAD_INITIALIZER((work).wait) }
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

void init_completion(struct completion *x);
/* Forgets earlier completions, for reuse. Not while anyone waits. */
void reinit_completion(struct completion *x);

/* Wakes one waiter (or credits the next wait). IRQ-safe; never sleeps. */
void complete(struct completion *x);
/* Wakes every waiter, now and later, until reinit_completion(). IRQ-safe. */
void complete_all(struct completion *x);

/* Sleeps until completed. Task context only. */
void wait_for_completion(struct completion *x);
/* Sleeps until completed or timeout jiffies passed: 0 on timeout, else the jiffies left (>=1). */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout);
/* 0, or -ERESTARTSYS when a signal interrupts the wait. */
int wait_for_completion_interruptible(struct completion *x);
/* Consumes a completion without sleeping: true if there was one. IRQ-safe. */
bool try_wait_for_completion(struct completion *x);
/* True when a wait would not sleep. IRQ-safe. */
bool completion_done(struct completion *x);

#endif
