/*
 * Restarting a system call a signal interrupted with the time it had left (Linux's
 * <linux/restart_block.h>): a call that returns -ERESTART_RESTARTBLOCK first fills
 * current->restart_block; when no handler runs (a stop and SIGCONT, an ignored signal), the
 * return to user mode re-enters the kernel through restart_syscall (219), which calls fn. With
 * a handler the call fails with EINTR instead.
 */
#ifndef KEEL_RESTART_BLOCK_H
#define KEEL_RESTART_BLOCK_H

#include <keel/types.h>

struct restart_block {
	long (*fn)(struct restart_block *rb); /* NULL: restart_syscall answers -EINTR */
	s64 deadline;       /* nanosleep: the monotonic deadline, ns */
	unsigned long rem;  /* nanosleep: the user's remaining-time timespec, or 0 */
};

#endif
