/*
 * rt_sigtimedwait(2) (Linux's kernel/signal.c do_sigtimedwait): takes one of a set of pending
 * signals synchronously, without a handler, waiting for one at most the given time. busybox
 * init blocks SIGUSR1/SIGUSR2/SIGTERM (halt, poweroff, reboot) and collects them this way.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/process.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "process/itimer.h"
#include "process/signal_types.h"
#include "process/syscalls.h"

#define SIGINFO_SIZE 128
#define MAX_WAIT_MS 1000000000U

struct timespec_user {
	s64 tv_sec, tv_nsec;
};

/* The pending signal of these with the lowest number, taken off; 0 when none. */
static int take_signal(unsigned long these)
{
	unsigned long pending, flags;
	int sig = 0;

	local_irq_save(flags);
	pending = current->sigpending & these;
	if (pending) {
		sig = __builtin_ctzl(pending) + 1;
		current->sigpending &= ~sigmask(sig);
	}
	local_irq_restore(flags);
	itimer_signal_dequeued(sig);
	return sig;
}

/* The relative timeout in jiffies (rounded up); 0: poll. */
static long get_timeout(unsigned long uts, long *timeout)
{
	struct timespec_user ts;
	u64 ms;

	if (copy_from_user(&ts, (const void __user *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	ms = (u64)ts.tv_sec * 1000 + ((u64)ts.tv_nsec + 999999) / 1000000;
	*timeout = ms ? (long)msecs_to_jiffies(ms < MAX_WAIT_MS ? (unsigned int)ms : MAX_WAIT_MS)
		      : 0;
	return 0;
}

/* Linux's siginfo for a signal taken this way: number, code, sender's pid and status. */
static long put_siginfo(unsigned long uinfo, int sig)
{
	int info[SIGINFO_SIZE / sizeof(int)];
	struct sig_sender from = { 0 };

	if (current->sighand) {
		from = current->sighand->sender[sig - 1];
		current->sighand->sender[sig - 1] = (struct sig_sender){ 0 };
	}
	memset(info, 0, sizeof(info));
	info[0] = sig;
	info[2] = from.code;
	info[4] = from.pid;
	info[6] = from.status;
	return copy_to_user((void __user *)uinfo, info, sizeof(info)) ? -EFAULT : 0;
}

long sys_rt_sigtimedwait(unsigned long uthese, unsigned long uinfo, unsigned long uts,
			 unsigned long sigsetsize)
{
	long timeout = MAX_SCHEDULE_TIMEOUT, ret;
	unsigned long these;
	int sig;

	if (sigsetsize != sizeof(these))
		return -EINVAL;
	if (copy_from_user(&these, (const void __user *)uthese, sizeof(these)))
		return -EFAULT;
	these &= ~SIG_KERNEL_ONLY_MASK;
	if (uts && (ret = get_timeout(uts, &timeout)))
		return ret;
	while (!(sig = take_signal(these))) {
		if (!timeout)
			return -EAGAIN;
		if (signal_pending(current))
			return -EINTR; /* another signal, to be handled */
		set_current_state(TASK_INTERRUPTIBLE);
		if (!(READ_ONCE(current->sigpending) & these) && !signal_pending(current))
			timeout = schedule_timeout(timeout);
		__set_current_state(TASK_RUNNING);
	}
	if (uinfo && (ret = put_siginfo(uinfo, sig)))
		return ret;
	return sig;
}
