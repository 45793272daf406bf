/*
 * Resource limits (Linux's <uapi/linux/resource.h>, <linux/sched/signal.h> rlimit()): each
 * process has a soft (rlim_cur) and hard (rlim_max) limit per resource, with Linux's numbers,
 * inherited across fork and kept across exec. kernel/process/resource.c has the system calls
 * (getrlimit, setrlimit, prlimit64); the enforcing sits where the resource is used (fd
 * table, fork, exec's stack, brk/mmap, file writes). See docs/user.md.
 */
#ifndef KEEL_RESOURCE_H
#define KEEL_RESOURCE_H

#include <keel/types.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

/* The layout prlimit64 copies (struct rlimit64). */
struct rlimit {
	u64 rlim_cur, rlim_max;
};

/* Fills rlim[RLIM_NLIMITS] with init's limits (Linux's INIT_RLIMITS, NOFILE cut to the fd
 * table's size). Any context. task_alloc gives every task these; fork copies the parent's. */
void rlimit_init_defaults(struct rlimit *rlim);

/* The current process's soft limit for resource (RLIMIT_*). Any context of a task. Follows
 * Linux's rlimit(). */
#define rlimit(resource) (current->rlim[(resource)].rlim_cur)

#endif
