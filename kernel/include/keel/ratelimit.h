/*
 * Limits on repeated messages, as Linux's <linux/ratelimit.h>: at most `burst` messages per
 * `interval` jiffies pass __ratelimit(); the rest are counted. An interval of 0 makes one
 * window for the state's whole life, which suits a loop over many items (partition entries,
 * table rows): print the first few, then ratelimit_summary() says how many were not shown.
 */
#ifndef KEEL_RATELIMIT_H
#define KEEL_RATELIMIT_H

#include <keel/jiffies.h>
#include <keel/printk.h>

#define DEFAULT_RATELIMIT_INTERVAL (5 * HZ)
#define DEFAULT_RATELIMIT_BURST 10

struct ratelimit_state {
	unsigned long interval; /* jiffies per window; 0: a single window that never ends */
	unsigned int burst;     /* messages allowed per window */
	unsigned int printed;   /* allowed in the current window */
	unsigned int missed;    /* refused since the last report of them */
	unsigned long begin;    /* jiffies at the start of the window */
};

#define RATELIMIT_STATE_INIT(interval_init, burst_init)                                    \
	{ .interval = (interval_init), .burst = (burst_init) }

#define DEFINE_RATELIMIT_STATE(name, interval_init, burst_init)                            \
	struct ratelimit_state name = RATELIMIT_STATE_INIT(interval_init, burst_init)

/* (Re)starts rs with these limits and nothing counted. Any context; Linux's name. */
void ratelimit_state_init(struct ratelimit_state *rs, unsigned long interval, unsigned int burst);

/*
 * True when one more message may be printed now. When a timed window ends with messages
 * refused, prints "<func>: N messages suppressed" first (as Linux's "callbacks suppressed").
 * Interrupt-safe; follows Linux's ___ratelimit(). Use through __ratelimit(rs).
 */
bool ___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(rs) ___ratelimit(rs, __func__)

/*
 * Prints "<who>: N more <what> not shown" at KERN_WARNING when messages were refused since the
 * last summary, and resets the count. Returns that count (0: nothing printed). Keel's own:
 * Linux reports at the next window instead, which never comes after a one-off loop.
 */
unsigned int ratelimit_summary(struct ratelimit_state *rs, const char *who, const char *what);

/* printk() at most DEFAULT_RATELIMIT_BURST times per 5 s from this call site. */
#define printk_ratelimited(fmt, ...)                                                       \
	({                                                                                 \
		static DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL,             \
					      DEFAULT_RATELIMIT_BURST);                    \
		__ratelimit(&_rs) ? printk(fmt, ##__VA_ARGS__) : 0;                        \
	})

#define pr_err_ratelimited(fmt, ...) printk_ratelimited(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) printk_ratelimited(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) printk_ratelimited(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

#endif
