/*
 * What a thread's exit owes the threads that share its memory (Linux's mm_release and
 * exit_robust_list in kernel/futex/core.c): the CLONE_CHILD_CLEARTID word set to 0 with a
 * futex wake-up (pthread_join sleeps on it), and every robust mutex the thread still holds
 * marked FUTEX_OWNER_DIED so that a waiter gets EOWNERDEAD instead of sleeping forever.
 */
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/uaccess.h>
#include "process/process_tree.h"
#include "process/syscalls.h"
#include "process/thread.h"

#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU
#define ROBUST_LIST_LIMIT 2048 /* Linux's: a looped list ends here */

/* struct robust_list_head as set_robust_list(2) passes it. */
struct robust_list_head {
	u64 next;         /* the first held lock's list entry; the head itself when none */
	s64 futex_offset; /* from an entry to its futex word */
	u64 list_op_pending; /* a lock being taken or released right now */
};

/* The lock at uaddr: if t owned it, mark its owner dead and wake a waiter. Linux's
 * handle_futex_death (one CPU: no cmpxchg race with other threads of t's process). */
static int handle_futex_death(struct task_struct *t, unsigned long uaddr)
{
	u32 uval, nval;

	if (uaddr & 3 || copy_from_user(&uval, (const void __user *)uaddr, sizeof(uval)))
		return -EFAULT;
	if ((uval & FUTEX_TID_MASK) != (u32)t->pid)
		return 0;
	nval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void __user *)uaddr, &nval, sizeof(nval)))
		return -EFAULT;
	if (uval & FUTEX_WAITERS)
		futex_wake_addr(t->mm, uaddr, 1);
	return 0;
}

/* Reads one list pointer; bit 0 is the PI flag, which Keel's futexes do not use. */
static int fetch_robust_entry(u64 *entry, u64 uptr)
{
	if (copy_from_user(entry, (const void __user *)uptr, sizeof(*entry)))
		return -EFAULT;
	*entry &= ~1ULL;
	return 0;
}

static void exit_robust_list(struct task_struct *t)
{
	struct robust_list_head head;
	u64 entry, next, pending;
	int limit = ROBUST_LIST_LIMIT;

	if (copy_from_user(&head, (const void __user *)t->robust_list, sizeof(head)))
		return;
	entry = head.next & ~1ULL;
	pending = head.list_op_pending & ~1ULL;
	while (entry != t->robust_list && limit--) {
		if (fetch_robust_entry(&next, entry))
			return;
		if (entry != pending)
			handle_futex_death(t, entry + head.futex_offset);
		entry = next;
		cond_resched();
	}
	if (pending)
		handle_futex_death(t, pending + head.futex_offset);
}

void exit_thread_user_state(struct task_struct *t)
{
	int zero = 0;

	if (!t->mm)
		return;
	if (t->clear_child_tid &&
	    !copy_to_user((void __user *)t->clear_child_tid, &zero, sizeof(zero)))
		futex_wake_addr(t->mm, t->clear_child_tid, 1);
	t->clear_child_tid = 0;
	if (t->robust_list)
		exit_robust_list(t);
	t->robust_list = 0;
}

long sys_set_robust_list(unsigned long head, unsigned long len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

long sys_get_robust_list(unsigned long pid, unsigned long head_ptr, unsigned long len_ptr)
{
	struct task_struct *t = pid ? find_process((pid_t)pid) : current;
	unsigned long len = sizeof(struct robust_list_head);

	if (!t)
		return -ESRCH;
	if (copy_to_user((void __user *)len_ptr, &len, sizeof(len)))
		return -EFAULT;
	if (copy_to_user((void __user *)head_ptr, &t->robust_list, sizeof(t->robust_list)))
		return -EFAULT;
	return 0;
}
