/*
 * poll, ppoll, select and pselect6 (Linux's fs/select.c) over pipes, the console, files
 * with a ->poll (sockets) and regular files (always ready, as on Linux). One pass asks each
 * fd what is ready and, the first time, queues the task on the wait queues that announce
 * changes (poll_wait); with nothing ready the task sleeps until a wake-up on any of them, the timeout or a signal (-EINTR). ppoll's and
 * pselect6's signal masks are accepted and ignored until signal masks exist.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/poll.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/tty.h>
#include <keel/uaccess.h>
#include <keel/wait.h>
#include "fs/fs_syscalls.h"

#define POLL_WAITS_PER_FD 2 /* a pipe's two queues at most */
#define SIGSET_SIZE 8
#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL) /* reported even when not asked for */

struct poll_table_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *head;
	struct poll_table *pt;
};

struct poll_table {
	struct poll_table_entry *entries;
	unsigned int nr, max;
	bool triggered; /* a wake-up came since the last pass: do not sleep */
};

static int pollwake(struct wait_queue_entry *wait, unsigned int mode, int flags, void *key)
{
	struct poll_table_entry *e = container_of(wait, struct poll_table_entry, wait);

	WRITE_ONCE(e->pt->triggered, true);
	return default_wake_function(wait, mode, flags, key);
}

void poll_wait(struct poll_table *pt, struct wait_queue_head *head)
{
	struct poll_table_entry *e;

	if (!pt || pt->nr == pt->max)
		return;
	e = &pt->entries[pt->nr++];
	e->head = head;
	e->pt = pt;
	e->wait = (struct wait_queue_entry){ .private = current, .func = pollwake };
	INIT_LIST_HEAD(&e->wait.entry);
	add_wait_queue(head, &e->wait);
}
EXPORT_SYMBOL(poll_wait);

static void poll_freewait(struct poll_table *pt)
{
	for (unsigned int i = 0; i < pt->nr; i++)
		remove_wait_queue(pt->entries[i].head, &pt->entries[i].wait);
	kfree(pt->entries);
}

/* The console: input queued is POLLIN (a canonical reader may then wait for the line end). */
static unsigned int console_poll(struct poll_table *pt)
{
	struct tty_struct *tty = console_tty();

	poll_wait(pt, &tty->read_wait);
	return POLLOUT | POLLWRNORM |
	       (tty_receive_room(tty) < TTY_INPUT_SIZE ? POLLIN | POLLRDNORM : 0);
}

/* What fd has ready now, among events (plus the bits always reported); POLLNVAL if closed. */
static unsigned int fd_poll(int fd, unsigned int events, struct poll_table *pt)
{
	unsigned int mask;
	struct fd f;

	if (fd < 0)
		return 0;
	if (fdget_file((ul)fd, &f, true))
		return POLLNVAL;
	if (f.console)
		mask = console_poll(pt);
	else if (is_pipe(f.file))
		mask = pipe_poll(f.file, pt);
	else if (f.file->f_op->poll)
		mask = f.file->f_op->poll(f.file, pt);
	else
		mask = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; /* files never block */
	if (mask & POLLIN)
		mask |= POLLRDNORM;
	if (mask & POLLOUT)
		mask |= POLLWRNORM;
	fdput(f);
	return mask & (events | POLL_ALWAYS);
}

/* Jiffies covering ns, plus one for the tick already under way (never wake early). */
static long ns_to_timeout(s64 ns)
{
	s64 j = (ns + NSEC_PER_SEC / HZ - 1) / (NSEC_PER_SEC / HZ) + 1;

	return j < LONG_MAX / 2 ? (long)j : LONG_MAX / 2;
}

/* The scan for one pass: fills revents through check(arg, i, pt), the ready count. */
typedef int (*poll_scan_t)(void *arg, struct poll_table *pt);

/* Sleeps between passes until one finds something, the deadline (ns since boot, -1: none;
 * 0 timeout: one pass) passes or a signal comes. The ready count, or -EINTR. */
static int do_poll_loop(poll_scan_t scan, void *arg, unsigned int nfds, s64 timeout_ns)
{
	struct poll_table pt = { .max = nfds * POLL_WAITS_PER_FD };
	s64 deadline = timeout_ns > 0 ? (s64)ktime_get_ns() + timeout_ns : 0;
	struct poll_table *first = &pt;
	int count;

	pt.entries = pt.max ? kmalloc_array(pt.max, sizeof(*pt.entries), GFP_KERNEL) : NULL;
	if (pt.max && !pt.entries)
		return -ENOMEM;
	for (;;) {
		count = scan(arg, first);
		first = NULL;
		if (count || !timeout_ns)
			break;
		if (signal_pending(current)) {
			count = -EINTR;
			break;
		}
		if (timeout_ns > 0 && (s64)ktime_get_ns() >= deadline)
			break;
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(pt.triggered) && !signal_pending(current))
			schedule_timeout(timeout_ns < 0 ? MAX_SCHEDULE_TIMEOUT
					 : ns_to_timeout(deadline - (s64)ktime_get_ns()));
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(pt.triggered, false);
	}
	poll_freewait(&pt);
	return count;
}

struct pollfd_user {
	int fd;
	short events, revents;
};

struct poll_arg {
	struct pollfd_user *fds;
	unsigned int n;
};

static int poll_scan(void *arg, struct poll_table *pt)
{
	struct poll_arg *a = arg;
	int count = 0;

	for (unsigned int i = 0; i < a->n; i++) {
		a->fds[i].revents = (short)fd_poll(a->fds[i].fd, (u16)a->fds[i].events, pt);
		count += a->fds[i].revents != 0;
	}
	return count;
}

/* poll and ppoll: the pollfd array in, the loop, revents back out. */
static long do_sys_poll(ul ufds, ul nfds, s64 timeout_ns)
{
	struct poll_arg a = { .n = (unsigned int)nfds };
	size_t size = nfds * sizeof(struct pollfd_user);
	long ret;

	if (nfds > NR_OPEN_DEFAULT)
		return -EINVAL; /* Linux: over RLIMIT_NOFILE */
	a.fds = kmalloc(size ? size : 1, GFP_KERNEL);
	if (!a.fds)
		return -ENOMEM;
	ret = copy_from_user(a.fds, (const void __user *)ufds, size) ? -EFAULT : 0;
	if (!ret)
		ret = do_poll_loop(poll_scan, &a, a.n, timeout_ns);
	if (ret >= 0 && copy_to_user((void __user *)ufds, a.fds, size))
		ret = -EFAULT;
	kfree(a.fds);
	return ret;
}

long sys_poll(ul ufds, ul nfds, ul timeout_ms)
{
	int ms = (int)timeout_ms;

	return do_sys_poll(ufds, nfds, ms < 0 ? -1 : (s64)ms * 1000000);
}

struct timespec_user {
	s64 tv_sec, tv_nsec;
};

/* A user timespec as a timeout in ns: -1 for NULL (forever), -EINVAL-worthy values refused. */
static long get_timeout(ul tsp, s64 *ns)
{
	struct timespec_user ts;

	*ns = -1;
	if (!tsp)
		return 0;
	if (copy_from_user(&ts, (const void __user *)tsp, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.tv_sec > (s64)(1LL << 32) ? (s64)(1LL << 62) : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

long sys_ppoll(ul ufds, ul nfds, ul tsp, ul sigmask, ul sigsetsize)
{
	s64 ns;
	long ret = get_timeout(tsp, &ns);

	if (ret)
		return ret;
	if (sigmask && sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	return do_sys_poll(ufds, nfds, ns);
}

#define FDS_LONGS(n) (((n) + 63) / 64)

struct select_arg {
	unsigned long *in, *out, *ex;          /* the sets asked about (NULL: none) */
	unsigned long *res_in, *res_out, *res_ex;
	unsigned int n;
};

static bool fds_test(const unsigned long *set, unsigned int fd)
{
	return set && (set[fd / 64] >> (fd % 64)) & 1;
}

static void fds_set(unsigned long *set, unsigned int fd)
{
	set[fd / 64] |= 1UL << (fd % 64);
}

/* One fd's answer into the result sets; the bits set. */
static int select_one(struct select_arg *a, unsigned int fd, unsigned int mask)
{
	int count = 0;

	if (fds_test(a->in, fd) && (mask & (POLLIN | POLLHUP | POLLERR)) && ++count)
		fds_set(a->res_in, fd);
	if (fds_test(a->out, fd) && (mask & (POLLOUT | POLLERR)) && ++count)
		fds_set(a->res_out, fd);
	if (fds_test(a->ex, fd) && (mask & POLLPRI) && ++count)
		fds_set(a->res_ex, fd);
	return count;
}

static int select_scan(void *arg, struct poll_table *pt)
{
	struct select_arg *a = arg;
	size_t bytes = FDS_LONGS(a->n) * sizeof(long);
	int count = 0;

	memset(a->res_in, 0, bytes);
	memset(a->res_out, 0, bytes);
	memset(a->res_ex, 0, bytes);
	for (unsigned int fd = 0; fd < a->n; fd++) {
		unsigned int events = (fds_test(a->in, fd) ? POLLIN : 0) |
				      (fds_test(a->out, fd) ? POLLOUT : 0) |
				      (fds_test(a->ex, fd) ? POLLPRI : 0);
		unsigned int mask;

		if (!events)
			continue;
		mask = fd_poll((int)fd, events, pt);
		if (mask & POLLNVAL)
			return -EBADF;
		count += select_one(a, fd, mask);
	}
	return count;
}

/* A user fd_set of n bits into set (or NULL when the pointer is NULL). */
static long get_fds(ul user, unsigned long *set, unsigned int n, unsigned long **out)
{
	*out = NULL;
	if (!user)
		return 0;
	if (copy_from_user(set, (const void __user *)user, FDS_LONGS(n) * sizeof(long)))
		return -EFAULT;
	*out = set;
	return 0;
}

static long put_fds(ul user, const unsigned long *set, unsigned int n)
{
	if (user && copy_to_user((void __user *)user, set, FDS_LONGS(n) * sizeof(long)))
		return -EFAULT;
	return 0;
}

/* Linux's core_sys_select: n beyond the fd table is cut to it (those fds cannot be open). */
static long core_sys_select(ul n, ul inp, ul outp, ul exp, s64 timeout_ns)
{
	struct select_arg a;
	unsigned long *bits;
	size_t longs;
	long ret;

	if ((long)n < 0 || (int)n < 0)
		return -EINVAL;
	a.n = n > NR_OPEN_DEFAULT ? NR_OPEN_DEFAULT : (unsigned int)n;
	longs = FDS_LONGS(a.n) ? FDS_LONGS(a.n) : 1;
	bits = kcalloc(6 * longs, sizeof(long), GFP_KERNEL);
	if (!bits)
		return -ENOMEM;
	a.res_in = bits + 3 * longs;
	a.res_out = bits + 4 * longs;
	a.res_ex = bits + 5 * longs;
	ret = get_fds(inp, bits, a.n, &a.in) ?: get_fds(outp, bits + longs, a.n, &a.out) ?:
	      get_fds(exp, bits + 2 * longs, a.n, &a.ex);
	if (!ret)
		ret = do_poll_loop(select_scan, &a, a.n, timeout_ns);
	if (ret >= 0)
		ret = put_fds(inp, a.res_in, a.n) ?: put_fds(outp, a.res_out, a.n) ?:
		      put_fds(exp, a.res_ex, a.n) ?: ret;
	kfree(bits);
	return ret;
}

struct timeval_user {
	s64 tv_sec, tv_usec;
};

/* select: the timeval is not updated with the time left (Linux does; musl does not need it). */
long sys_select(ul n, ul inp, ul outp, ul exp, ul tvp)
{
	struct timeval_user tv;
	s64 ns = -1;

	if (tvp) {
		if (copy_from_user(&tv, (const void __user *)tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		ns = tv.tv_sec > (s64)(1LL << 32) ? (s64)(1LL << 62)
						  : tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * 1000;
	}
	return core_sys_select(n, inp, outp, exp, ns);
}

/* pselect6's sixth argument points at { const sigset_t *ss; size_t ss_len; }. */
long sys_pselect6(ul n, ul inp, ul outp, ul exp, ul tsp, ul sig)
{
	struct { ul ss, ss_len; } sigarg;
	s64 ns;
	long ret = get_timeout(tsp, &ns);

	if (ret)
		return ret;
	if (sig && copy_from_user(&sigarg, (const void __user *)sig, sizeof(sigarg)))
		return -EFAULT;
	if (sig && sigarg.ss && sigarg.ss_len != SIGSET_SIZE)
		return -EINVAL;
	return core_sys_select(n, inp, outp, exp, ns);
}
