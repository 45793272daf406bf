/*
 * System calls about the whole system rather than one file: sysinfo, getrandom, syslog (the
 * kernel log for dmesg), reboot, getrlimit/prlimit64/setrlimit, sched_yield and getcpu. The
 * limits are fixed, Linux's usual values: nothing enforces them beyond the fd table's size and
 * the stack VMA's.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/mutex.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "acpi/acpi.h"
#include "char/mem.h"
#include "console/log.h"
#include "fs/fs_syscalls.h"
#include "mm/mm.h"
#include "sched/sched.h"

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define GETRANDOM_MAX (32 * 1024 * 1024) /* Linux's per-call cap (33554431) rounded */

struct sysinfo_user {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char f[0];
};
_Static_assert(sizeof(struct sysinfo_user) == 112, "x86_64 struct sysinfo");

static void count_task(struct task_struct *t, void *ctx)
{
	(void)t;
	(*(unsigned int *)ctx)++;
}

long sys_sysinfo(ul info)
{
	struct sysinfo_user si;
	struct meminfo mi;
	unsigned int tasks = 0;

	memset(&si, 0, sizeof(si));
	mm_get_meminfo(&mi);
	for_each_task(count_task, &tasks);
	si.uptime = (s64)((ktime_get_ns() + NSEC_PER_SEC - 1) / NSEC_PER_SEC); /* Linux rounds up */
	si.totalram = mi.total_kb * 1024;
	si.freeram = mi.free_kb * 1024;
	si.procs = (u16)tasks;
	si.mem_unit = 1;
	return copy_to_user((void __user *)info, &si, sizeof(si)) ? -EFAULT : 0;
}

/* The generator never blocks (it is seeded at boot), so GRND_NONBLOCK changes nothing. */
long sys_getrandom(ul buf, ul count, ul flags)
{
	char chunk[256];
	ul done = 0;

	if (flags & ~(ul)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	count = count < GETRANDOM_MAX ? count : GETRANDOM_MAX;
	if (!access_ok((void __user *)buf, count))
		return -EFAULT;
	while (done < count) {
		ul n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);

		get_random_bytes(chunk, n);
		if (copy_to_user((void __user *)(buf + done), chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (signal_pending(current) && done < count)
			return (long)done;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

long sys_sched_yield(void)
{
	schedule();
	return 0;
}

long sys_getcpu(ul cpu, ul node, ul unused)
{
	unsigned int zero = 0;

	(void)unused;
	if (cpu && copy_to_user((void __user *)cpu, &zero, sizeof(zero)))
		return -EFAULT;
	if (node && copy_to_user((void __user *)node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

#define RLIM_INFINITY (~0UL)
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIM_NLIMITS 16

struct rlimit_user {
	u64 rlim_cur, rlim_max;
};

/* Linux's defaults for init (include/asm-generic/resource.h), NOFILE cut to the fd table.
 * One table for the system: setrlimit's values are seen by later programs too, until the
 * process work gives each process its own copy. */
#define UNLIMITED { RLIM_INFINITY, RLIM_INFINITY }
static struct rlimit_user rlimits[RLIM_NLIMITS] = {
	[0] = UNLIMITED, [1] = UNLIMITED, [2] = UNLIMITED, [5] = UNLIMITED, [9] = UNLIMITED,
	[10] = UNLIMITED, [11] = { 7823, 7823 }, [15] = UNLIMITED,
	[RLIMIT_STACK] = { 8UL << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_NPROC] = { 4096, 4096 },
	[RLIMIT_NOFILE] = { NR_OPEN_DEFAULT, NR_OPEN_DEFAULT },
	[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
};

long sys_prlimit64(ul pid, ul resource, ul new_rlim, ul old_rlim)
{
	struct rlimit_user new;

	if (pid && pid != (ul)current->pid)
		return -ESRCH; /* other processes' limits: none to see yet */
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new_rlim && copy_from_user(&new, (const void __user *)new_rlim, sizeof(new)))
		return -EFAULT;
	if (new_rlim && new.rlim_cur > new.rlim_max)
		return -EINVAL;
	if (new_rlim && resource == RLIMIT_NOFILE && new.rlim_max > NR_OPEN_DEFAULT)
		return -EPERM; /* Linux: above nr_open even root gets EPERM */
	if (old_rlim && copy_to_user((void __user *)old_rlim, &rlimits[resource],
				     sizeof(rlimits[resource])))
		return -EFAULT;
	if (new_rlim)
		rlimits[resource] = new;
	return 0;
}

/* Unlike prlimit64's, their pointer is not optional: NULL is -EFAULT, as on Linux. */
long sys_getrlimit(ul resource, ul rlim)
{
	if (resource < RLIM_NLIMITS && !rlim)
		return -EFAULT;
	return sys_prlimit64(0, resource, 0, rlim);
}

long sys_setrlimit(ul resource, ul rlim)
{
	if (resource < RLIM_NLIMITS && !rlim)
		return -EFAULT;
	return sys_prlimit64(0, resource, rlim, 0);
}

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define LOG_COPY_MAX (128 * 1024) /* printk.c's LOG_BUF_SIZE */

/* log_read_all's sink has no argument: one reader at a time fills this. */
static DEFINE_MUTEX(log_copy_mutex);
static char *log_copy;
static size_t log_copy_len;

static void log_copy_sink(const char *s, size_t n)
{
	n = n < LOG_COPY_MAX - log_copy_len ? n : LOG_COPY_MAX - log_copy_len;
	memcpy(log_copy + log_copy_len, s, n);
	log_copy_len += n;
}

/* READ_ALL: the newest len bytes of the log, oldest first, as Linux's dmesg reads them. */
static long syslog_read_all(ul buf, ul len)
{
	long ret;
	size_t skip;

	if (!buf || (long)len < 0)
		return -EINVAL;
	mutex_lock(&log_copy_mutex);
	log_copy = kmalloc(LOG_COPY_MAX, GFP_KERNEL);
	log_copy_len = 0;
	if (log_copy)
		log_read_all(log_copy_sink);
	skip = log_copy_len > len ? log_copy_len - len : 0;
	ret = !log_copy ? -ENOMEM
	      : copy_to_user((void __user *)buf, log_copy + skip, log_copy_len - skip)
			? -EFAULT : (long)(log_copy_len - skip);
	kfree(log_copy);
	log_copy = NULL;
	mutex_unlock(&log_copy_mutex);
	return ret;
}

/* SIZE_BUFFER and SIZE_UNREAD: the bytes the log holds now (Linux's "unread" is since the
 * last READ; Keel's readers do not consume, so all is unread). */
static void log_count_sink(const char *s, size_t n)
{
	(void)s;
	(void)n;
}

static size_t log_size(void)
{
	return log_read_all(log_count_sink);
}

long sys_syslog(ul type, ul buf, ul len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CLEAR: /* Keel's log cannot be cleared: a no-op */
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return syslog_read_all(buf, len);
	case SYSLOG_ACTION_SIZE_UNREAD:
		return (long)log_size();
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_COPY_MAX;
	default:
		return -EINVAL;
	}
}

#define LINUX_REBOOT_MAGIC1 0xfee1deadUL
#define LINUX_REBOOT_CMD_RESTART 0x01234567UL
#define LINUX_REBOOT_CMD_HALT 0xcdef0123UL
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdefUL
#define LINUX_REBOOT_CMD_CAD_OFF 0UL
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcUL
#define LINUX_REBOOT_CMD_RESTART2 0xa1b2c3d4UL

static bool reboot_magic2_ok(ul magic2)
{
	return magic2 == 672274793UL || magic2 == 85072278UL || magic2 == 369367448UL ||
	       magic2 == 537993216UL;
}

/* reboot(2) after ksys_sync, as Linux's kernel_restart/kernel_power_off paths; HALT powers
 * off too (there is nothing else to halt into). */
long sys_reboot(ul magic1, ul magic2, ul cmd, ul arg)
{
	(void)arg;
	if ((magic1 & 0xffffffffUL) != LINUX_REBOOT_MAGIC1 || !reboot_magic2_ok(magic2 & 0xffffffffUL))
		return -EINVAL;
	cmd &= 0xffffffffUL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		ksys_sync();
		machine_reboot();
		return -EIO;
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_POWER_OFF:
		ksys_sync();
		return acpi_poweroff();
	default:
		return -EINVAL;
	}
}
