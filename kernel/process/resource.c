/*
 * Resource limits: init's values, and getrlimit/setrlimit/prlimit64 on a process's own
 * table (Linux's kernel/sys.c do_prlimit). Every process runs as root, so raising a hard
 * limit is allowed, as Linux allows it with CAP_SYS_RESOURCE; RLIMIT_NOFILE's hard limit
 * cannot pass the fd table's size (Linux: nr_open), -EPERM. The limits are enforced where
 * the resource is used: the fd table (NOFILE), fork (NPROC), exec's stack VMA (STACK),
 * brk, mmap and mremap (AS, DATA), file writes (FSIZE). CORE is kept (there are no core
 * dumps); the others are only stored.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/process.h>
#include <keel/resource.h>
#include <keel/uaccess.h>
#include "process/process_tree.h"
#include "fs/fs_syscalls.h"

#define UNLIMITED { RLIM_INFINITY, RLIM_INFINITY }

/* Linux's INIT_RLIMITS (include/asm-generic/resource.h) with its usual boot values. */
static const struct rlimit init_rlimits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = UNLIMITED,
	[RLIMIT_FSIZE] = UNLIMITED,
	[RLIMIT_DATA] = UNLIMITED,
	[RLIMIT_STACK] = { 8UL << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_RSS] = UNLIMITED,
	[RLIMIT_NPROC] = { 4096, 4096 },
	[RLIMIT_NOFILE] = { NR_OPEN_DEFAULT, NR_OPEN_DEFAULT },
	[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
	[RLIMIT_AS] = UNLIMITED,
	[RLIMIT_LOCKS] = UNLIMITED,
	[RLIMIT_SIGPENDING] = { 7823, 7823 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = UNLIMITED,
};

void rlimit_init_defaults(struct rlimit *rlim)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		rlim[i] = init_rlimits[i];
}

/* The process pid names (0: the caller); NULL when there is none. */
static struct task_struct *rlimit_target(pid_t pid)
{
	return pid && pid != current->pid ? find_process(pid) : current;
}

static int check_new_limit(unsigned long resource, const struct rlimit *new)
{
	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && new->rlim_max > NR_OPEN_DEFAULT)
		return -EPERM; /* Linux: above nr_open even root gets EPERM */
	return 0;
}

long sys_prlimit64(ul pid, ul resource, ul new_rlim, ul old_rlim)
{
	struct task_struct *t;
	struct rlimit new, old;
	int err;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new_rlim && copy_from_user(&new, (const void __user *)new_rlim, sizeof(new)))
		return -EFAULT;
	if (new_rlim) {
		err = check_new_limit(resource, &new);
		if (err)
			return err;
	}
	t = rlimit_target((pid_t)pid);
	if (!t || t->exit_state)
		return -ESRCH;
	old = t->rlim[resource];
	if (new_rlim)
		t->rlim[resource] = new;
	if (old_rlim && copy_to_user((void __user *)old_rlim, &old, sizeof(old)))
		return -EFAULT;
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
