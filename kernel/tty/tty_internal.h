/* Shared inside kernel/tty/: the built-in console tty and discipline, locking and waiting. */
#ifndef KEEL_TTY_TTY_INTERNAL_H
#define KEEL_TTY_TTY_INTERNAL_H

#include <keel/tty.h>

extern struct tty_struct console_tty_dev;
extern struct tty_ldisc_ops tty_minimal_ldisc;

/* The registry of ttys, headed by the console tty (see tty_core.c). */
extern struct tty_struct *tty_list;

#define TTY_WAIT_FOREVER (~0u)

/*
 * Waits until tty's input queue holds a byte or timeout_ms has passed; true when input is
 * there. The kernel halts between interrupts (tty_wait.c); host unit tests supply their own,
 * which returns false once the test has no more input to give.
 */
bool tty_wait_input(struct tty_struct *tty, unsigned int timeout_ms);

/* Input bytes arrive from interrupt handlers: the queue and the registries disable them. */
#ifdef KEEL_HOST_TEST
static inline unsigned long tty_lock(void) { return 0; }
static inline void tty_unlock(unsigned long flags) { (void)flags; }
#else
#include <keel/irqflags.h>
static inline unsigned long tty_lock(void) { return arch_local_irq_save(); }
static inline void tty_unlock(unsigned long flags) { local_irq_restore(flags); }
#endif

static inline bool tty_input_empty(const struct tty_struct *tty)
{
	return tty->input_head == tty->input_tail;
}

/* The ldisc core's part of tty_register/tty_unregister: start and stop the discipline. */
void tty_ldisc_attach_default(struct tty_struct *tty);
void tty_ldisc_detach(struct tty_struct *tty);

#endif
