/*
 * Waiting for tty input in the kernel: halt until the next interrupt (the one that brings the
 * byte, or the timer tick that ends a bounded wait). Host unit tests replace this file.
 */
#include <keel/irqflags.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include "tty/tty_internal.h"

bool tty_wait_input(struct tty_struct *tty, unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;
	unsigned long flags;
	bool ready;

	local_irq_save(flags);
	/* Checked with interrupts off, then "sti; hlt": a byte cannot slip in between. */
	while (!(ready = !tty_input_empty(tty))) {
		if (timeout_ms != TTY_WAIT_FOREVER && ktime_get_ns() >= deadline)
			break;
		cpu_idle();
		local_irq_disable();
	}
	local_irq_restore(flags);
	return ready;
}
