/*
 * Message rate limits (<keel/ratelimit.h>): counting windows, and the "N more not shown"
 * summary that ends a loop whose per-item warnings were cut short.
 */
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/ratelimit.h>

#ifdef KEEL_HOST_TEST
/* tests/unit/test_ratelimit.c: user space may not touch the interrupt flag. */
#undef local_irq_save
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#endif

void ratelimit_state_init(struct ratelimit_state *rs, unsigned long interval, unsigned int burst)
{
	*rs = (struct ratelimit_state)RATELIMIT_STATE_INIT(interval, burst);
	rs->begin = interval ? jiffies : 0;
}
EXPORT_SYMBOL(ratelimit_state_init);

/* Starts a new window when the timed one is over, reporting what the old one refused. */
static void ratelimit_new_window(struct ratelimit_state *rs, const char *func)
{
	if (!rs->begin)
		rs->begin = jiffies;
	if (!time_after_eq(jiffies, rs->begin + rs->interval))
		return;
	if (rs->missed)
		printk(KERN_WARNING "%s: %u messages suppressed\n", func, rs->missed);
	rs->begin = jiffies;
	rs->printed = 0;
	rs->missed = 0;
}

bool ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	unsigned long flags;
	bool ok;

	local_irq_save(flags);
	if (rs->interval)
		ratelimit_new_window(rs, func);
	ok = rs->printed < rs->burst;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	local_irq_restore(flags);
	return ok;
}
EXPORT_SYMBOL(___ratelimit);

unsigned int ratelimit_summary(struct ratelimit_state *rs, const char *who, const char *what)
{
	unsigned long flags;
	unsigned int missed;

	local_irq_save(flags);
	missed = rs->missed;
	rs->missed = 0;
	local_irq_restore(flags);
	if (missed)
		printk(KERN_WARNING "%s: %u more %s not shown\n", who, missed, what);
	return missed;
}
EXPORT_SYMBOL(ratelimit_summary);
