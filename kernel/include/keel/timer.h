/*
 * Timers (Linux's <linux/timer.h>): call a function once, at a jiffies deadline. Callbacks run
 * from the timer interrupt (hard IRQ context, interrupts off): they must be short and must not
 * sleep; a callback may re-arm its own timer with mod_timer() for periodic work. Pending
 * timers are kept in one list sorted by deadline (FIFO among equal deadlines).
 */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/jiffies.h>
#include <keel/list.h>
#include <keel/types.h>

struct timer_list {
	struct list_head entry; /* on the pending list while pending */
	unsigned long expires;  /* jiffies at which the callback runs */
	void (*function)(struct timer_list *timer);
	unsigned int flags;
};

#define TIMER_PENDING 0x1 /* internal: on the pending list */

/* Prepares a timer; it is not pending until mod_timer/add_timer. flags: 0. */
void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *), unsigned int flags);
#define timer_setup_on_stack timer_setup
#define destroy_timer_on_stack(t) ((void)(t))

/* The structure containing the timer, from inside the callback (Linux's from_timer). */
#define from_timer(var, timer, field) container_of(timer, __typeof__(*var), field)

/* (Re)arms the timer to fire at expires (jiffies; a deadline already passed fires at the next
 * tick). Returns 1 if it was pending before, 0 if not. Any context; never sleeps. */
int mod_timer(struct timer_list *timer, unsigned long expires);
/* Arms a timer that is not pending, at timer->expires. */
void add_timer(struct timer_list *timer);
/* Disarms it: 1 if it was pending, 0 if not. Any context. The callback may be running
 * (from an interrupt this code interrupted): use del_timer_sync where that matters. */
int del_timer(struct timer_list *timer);
/* Disarms it and makes sure its callback is not running when this returns. Task context (or
 * any context but the timer's own callback, which is reported). Follows del_timer_sync. */
int del_timer_sync(struct timer_list *timer);
#define timer_delete del_timer
#define timer_delete_sync del_timer_sync
static inline bool timer_pending(const struct timer_list *timer)
{
	return timer->flags & TIMER_PENDING;
}

#endif
