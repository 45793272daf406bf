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
 * there. The kernel sleeps on tty->read_wait (tty_wait.c); host unit tests supply their own,
 * which returns false once the test has no more input to give.
 */
bool tty_wait_input(struct tty_struct *tty, unsigned int timeout_ms);
/* Wakes tty's readers: new input, or the tty is going away. IRQ-safe. */
void tty_wakeup_readers(struct tty_struct *tty);
/* Sends SIGINT to tty's foreground task, if any (tty_wait.c; host tests count calls). IRQ-safe. */
void tty_isig(struct tty_struct *tty);
/* tty_jobctrl.c: the signal (SIGINT, SIGQUIT, SIGTSTP) byte c raises on tty, or 0: only on
 * the console, with ISIG on and a process group in its foreground; and the sending of it to
 * that group, with echo its key echoed as ^C, ^\ or ^Z under ECHO and ECHOCTL (host tests:
 * never). IRQ-safe. */
int tty_job_signal(struct tty_struct *tty, char c);
void tty_job_signal_send(int sig, bool echo);
/* tty_ioctl.c: the console's user termios c_lflag, and c_cc[index]. Any context. */
unsigned int console_lflag(void);
unsigned char console_cc(unsigned int index);
/* Whether the reading task has a signal pending (Ctrl-C while it was not reading). */
bool tty_reader_interrupted(void);

/*
 * Input bytes arrive from interrupt handlers, so each tty's queue (tty->lock) and the
 * registry (tty_list_lock: changes to tty_list) are spinlocks taken with interrupts
 * off. Host unit tests run single-threaded without the kernel's lock code: no-ops there.
 */
#ifdef KEEL_HOST_TEST
#define tty_spin_lock(lock, flags) ((void)(lock), (flags) = 0)
#define tty_spin_unlock(lock, flags) ((void)(lock), (void)(flags))
#define tty_spin_lock_init(lock) ((void)(lock))
#else
#define tty_spin_lock(lock, flags) spin_lock_irqsave(lock, flags)
#define tty_spin_unlock(lock, flags) spin_unlock_irqrestore(lock, flags)
#define tty_spin_lock_init(lock) spin_lock_init(lock)
#endif
extern spinlock_t tty_list_lock;

static inline bool tty_input_empty(const struct tty_struct *tty)
{
	return tty->input_head == tty->input_tail;
}

/* The attached discipline with its module pinned for one call (a going one is replaced by
 * minimal first); tty_ldisc_deref drops the pin. Linux's tty_ldisc_ref/tty_ldisc_deref. */
struct tty_ldisc_ops *tty_ldisc_ref(struct tty_struct *tty);
void tty_ldisc_deref(struct tty_ldisc_ops *ops);

/* The ldisc core's part of tty_register/tty_unregister: start and stop the discipline. */
void tty_ldisc_attach_default(struct tty_struct *tty);
void tty_ldisc_detach(struct tty_struct *tty);

#endif
