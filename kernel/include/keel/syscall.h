/*
 * System calls added by modules (issue 14's point 5): a module claims a free number from
 * SYSCALL_MODULE_FIRST up and its handler gets the six argument registers. While a call runs,
 * the owner module is pinned (try_module_get), so rmmod waits for no one and frees nothing in
 * use. Linux has no such interface (its table is fixed at build time); the names follow the
 * register/unregister pairs of the rest of the kernel. See docs/user.md.
 */
#ifndef KEEL_SYSCALL_H
#define KEEL_SYSCALL_H

#include <keel/types.h>

struct module;

/* Numbers modules may take: [SYSCALL_MODULE_FIRST, SYSCALL_MODULE_FIRST + SYSCALL_MODULE_COUNT). */
#define SYSCALL_MODULE_FIRST 500
#define SYSCALL_MODULE_COUNT 16

/* rdi, rsi, rdx, r10, r8, r9 as the program passed them; returns the value or -errno. */
typedef long (*syscall_handler_t)(unsigned long, unsigned long, unsigned long, unsigned long,
				  unsigned long, unsigned long);

/*
 * Makes handler system call nr, owned by owner (THIS_MODULE). Returns 0, -EINVAL (nr outside
 * the module range, or no handler), -EBUSY (nr is taken). Task context. Exported GPL-only.
 */
int syscall_register(unsigned int nr, syscall_handler_t handler, struct module *owner);
/* Gives nr back (from the owner's exit, when no call can be running); unknown nr: ignored.
 * Task context. Exported GPL-only. */
void syscall_unregister(unsigned int nr);

/*
 * For lsmod and /proc/modules (not exported): the lowest system call number >= from that
 * mod owns, or -1. The calls are shown as the module's users ("[syscall:500]"), as Linux
 * shows what holds a module in the "Used by" column. Any context but hard IRQ.
 */
int module_syscall_next(const struct module *mod, unsigned int from);

#endif
