/*
 * A process's file descriptor table (Linux's <linux/fdtable.h>, <linux/file.h>): the calls
 * system call handlers use to turn an fd number into an open file and back. A slot holds a
 * VFS file (a reference) or the console (fds 0-2 of `run` programs), plus its close-on-exec
 * bit. kernel/process/files.c owns the table; docs/user.md describes the calls built on it.
 *
 * Context: the calling process (current->files), task context. The table is private to one
 * process, so no lock is taken; a future CLONE_FILES must add one.
 */
#ifndef KEEL_FDTABLE_H
#define KEEL_FDTABLE_H

#include <keel/types.h>

struct file;
struct files_struct;

#define NR_OPEN_DEFAULT 256 /* fds per process; RLIMIT_NOFILE reports it */

#ifndef O_NONBLOCK
#define O_NONBLOCK 00004000
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 02000000
#endif
#define FD_CLOEXEC 1

/* What an fd refers to: file (a reference while held by fdget) or the console. */
struct fd {
	struct file *file;
	bool console;
};

/* Fills *f with fd's object (taking a reference on a file: fdput drops it). -EBADF when fd is
 * not open or the task has no table. */
int fdget(unsigned int fd, struct fd *f);
void fdput(struct fd f);
/* The number of fds the current process may use: RLIMIT_NOFILE's soft limit, at most the
 * table's size. Linux: rlimit(RLIMIT_NOFILE) against files->max_fds. */
unsigned int fd_limit(void);
/* The lowest free fd >= start, reserved for fd_install; -EMFILE when none below fd_limit(),
 * -EINVAL when start is past the table. cloexec presets its close-on-exec bit. */
int get_unused_fd_flags(unsigned int start, bool cloexec);
/* Puts f in the reserved slot fd (the table takes over f's file reference). */
void fd_install(unsigned int fd, struct fd f);
/* Frees a slot reserved by get_unused_fd_flags without installing anything. */
void put_unused_fd(unsigned int fd);
/* close(2): drops the slot's object. 0 or -EBADF. */
int close_fd(unsigned int fd);
/* dup2/dup3: closes newfd if open and puts another reference to f there with the given
 * close-on-exec bit. newfd or -EBADF (newfd outside the table). */
int replace_fd(unsigned int newfd, struct fd f, bool cloexec);
/* F_GETFD/F_SETFD: fd's close-on-exec bit; -EBADF when fd is not open. */
int get_close_on_exec(unsigned int fd);
int set_close_on_exec(unsigned int fd, bool on);
/* The console slot's O_NONBLOCK/O_APPEND flags (F_GETFL/F_SETFL on fds bound to it). */
unsigned int console_fd_flags(unsigned int fd);
void console_fd_set_flags(unsigned int fd, unsigned int flags);
/* fork: a copy of oldf for the child, each file shared (another reference), close-on-exec
 * bits kept (Linux's dup_fd without CLONE_FILES). NULL without memory. Sleeps. */
struct files_struct *dup_fd(struct files_struct *oldf);
/* exec: closes every fd whose close-on-exec bit is set (Linux's do_close_on_exec). The exec
 * path calls it after the new program is installed. */
void files_close_on_exec(struct files_struct *files);

struct task_struct;
/* For /proc/PID/fd: what slot fd of t holds without taking a reference: 1 and *file for a
 * file, 0 for the console, -EBADF when not open (or t has no table). The caller keeps t's
 * table from changing (preemption off) while it uses *file. Never sleeps. */
int task_fd_peek(struct task_struct *t, unsigned int fd, struct file **file);

#endif
