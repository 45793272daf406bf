/*
 * Waiting for tty input in the kernel: the reader sleeps on the tty's wait queue and
 * tty_receive_buf (from the driver's interrupt handler) wakes it, so a shell waiting for a key
 * costs no CPU time. A caller that cannot sleep (interrupts off, a spinlock held, the idle
 * task) halts between interrupts instead. Ctrl-C for a foreground task that is not reading
 * becomes a signal here. Host unit tests replace this file.
 */
#include <keel/delay.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include <keel/sched/signal.h>
#include <keel/wait.h>
#include "tty/tty_internal.h"

static bool tty_input_ready(struct tty_struct *tty)
{
	return !tty_input_empty(tty) || !READ_ONCE(tty->input);
}

/* The pre-scheduler way: checked with interrupts off, then "sti; hlt", so a byte cannot
 * slip in between the check and the halt. */
static bool tty_halt_for_input(struct tty_struct *tty, unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;
	unsigned long flags;
	bool ready;

	local_irq_save(flags);
	while (!(ready = !tty_input_empty(tty))) {
		if (timeout_ms != TTY_WAIT_FOREVER && ktime_get_ns() >= deadline)
			break;
		cpu_idle();
		local_irq_disable();
	}
	local_irq_restore(flags);
	return ready;
}

bool tty_wait_input(struct tty_struct *tty, unsigned int timeout_ms)
{
	if (irqs_disabled() || in_atomic() || (current->flags & PF_IDLE))
		return tty_halt_for_input(tty, timeout_ms);
	if (timeout_ms == TTY_WAIT_FOREVER)
		wait_event_interruptible(tty->read_wait, tty_input_ready(tty));
	else
		wait_event_interruptible_timeout(tty->read_wait, tty_input_ready(tty),
						 (long)msecs_to_jiffies(timeout_ms));
	return !tty_input_empty(tty);
}

void tty_wakeup_readers(struct tty_struct *tty)
{
	wake_up_interruptible_all(&tty->read_wait);
}

void tty_isig(struct tty_struct *tty)
{
	struct task_struct *task = READ_ONCE(tty->pgrp);

	if (task)
		send_sig(SIGINT, task, 1);
}

bool tty_reader_interrupted(void)
{
	return signal_pending(current);
}
