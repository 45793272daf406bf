/*
 * The file, terminal, time and system system calls (kernel/fs/syscalls_*.c, pipe.c,
 * kernel/tty/tty_ioctl.c, kernel/time/syscalls.c, kernel/process/sys_info.c): Linux's sys_*
 * with the argument registers as unsigned longs, each returning a value or a negative errno,
 * plus the helpers they share. docs/user.md lists them and their limits.
 */
#ifndef KEEL_FS_SYSCALLS_H
#define KEEL_FS_SYSCALLS_H

#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/poll.h>
#include <keel/types.h>

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EACCESS 0x200
#define AT_EMPTY_PATH 0x1000

typedef unsigned long ul;

/* syscalls_at.c: a user path as a kmalloc'd name the VFS resolves as the *at call means it:
 * unchanged when absolute or dfd is AT_FDCWD, else the directory's absolute name, '/', path.
 * ERR_PTR: -EFAULT, -ENAMETOOLONG, -ENOENT (empty, unless empty_ok), -EBADF, -ENOTDIR. */
char *getname_at(long dfd, ul upath, bool empty_ok);
void putname(char *name);
/* The fd's file with a reference (fdput), or -EBADF; console fds are refused with -EBADF
 * unless console_ok (their file is then NULL). */
int fdget_file(ul fd, struct fd *f, bool console_ok);

/* syscalls_rw.c: I/O on an fd object (console, pipe or VFS file), kernel buffers. */
ssize_t fd_object_read(unsigned int fd, struct fd *f, char *kbuf, size_t n);
ssize_t fd_object_write(unsigned int fd, struct fd *f, const char *kbuf, size_t n);


/* pipe.c */
bool is_pipe(const struct file *f);
/* select.c (poll_wait: <keel/poll.h>) */
long sys_poll(ul ufds, ul nfds, ul timeout_ms);
long sys_ppoll(ul ufds, ul nfds, ul tsp, ul sigmask, ul sigsetsize);
long sys_select(ul n, ul inp, ul outp, ul exp, ul tvp);
long sys_pselect6(ul n, ul inp, ul outp, ul exp, ul tsp, ul sig);

/* pipe.c: the POLL* bits ready now on a pipe end, registering on its queues. */
unsigned int pipe_poll(struct file *f, struct poll_table *pt);
/* The bytes a read would get now (FIONREAD). */
unsigned int pipe_nread(struct file *f);

long sys_read(ul fd, ul buf, ul count);
long sys_write(ul fd, ul buf, ul count);
long sys_pread64(ul fd, ul buf, ul count, ul pos);
long sys_pwrite64(ul fd, ul buf, ul count, ul pos);
long sys_readv(ul fd, ul iov, ul iovcnt);
long sys_writev(ul fd, ul iov, ul iovcnt);
long sys_lseek(ul fd, ul offset, ul whence);
long sys_sendfile(ul out_fd, ul in_fd, ul offset, ul count);
long sys_open(ul path, ul flags, ul mode);
long sys_openat(ul dfd, ul path, ul flags, ul mode);
long sys_creat(ul path, ul mode);
long sys_close(ul fd);
long sys_dup(ul fd);
long sys_dup2(ul oldfd, ul newfd);
long sys_dup3(ul oldfd, ul newfd, ul flags);
long sys_fcntl(ul fd, ul cmd, ul arg);
long sys_pipe(ul fds);
long sys_pipe2(ul fds, ul flags);
long sys_stat(ul path, ul buf);
long sys_lstat(ul path, ul buf);
long sys_fstat(ul fd, ul buf);
long sys_newfstatat(ul dfd, ul path, ul buf, ul flags);
long sys_statx(ul dfd, ul path, ul flags, ul mask, ul buf);
long sys_statfs(ul path, ul buf);
long sys_fstatfs(ul fd, ul buf);
long sys_getdents64(ul fd, ul dirent, ul count);
long sys_readlink(ul path, ul buf, ul size);
long sys_readlinkat(ul dfd, ul path, ul buf, ul size);
long sys_mkdir(ul path, ul mode);
long sys_mkdirat(ul dfd, ul path, ul mode);
long sys_rmdir(ul path);
long sys_unlink(ul path);
long sys_unlinkat(ul dfd, ul path, ul flags);
long sys_rename(ul oldpath, ul newpath);
long sys_renameat(ul olddfd, ul oldpath, ul newdfd, ul newpath);
long sys_renameat2(ul olddfd, ul oldpath, ul newdfd, ul newpath, ul flags);
long sys_link(ul oldpath, ul newpath);
long sys_linkat(ul olddfd, ul oldpath, ul newdfd, ul newpath, ul flags);
long sys_symlink(ul target, ul path);
long sys_symlinkat(ul target, ul dfd, ul path);
long sys_mknod(ul path, ul mode, ul dev);
long sys_mknodat(ul dfd, ul path, ul mode, ul dev);
long sys_chmod(ul path, ul mode);
long sys_fchmod(ul fd, ul mode);
long sys_fchmodat(ul dfd, ul path, ul mode);
long sys_chown(ul path, ul uid, ul gid);
long sys_fchown(ul fd, ul uid, ul gid);
long sys_fchownat(ul dfd, ul path, ul uid, ul gid, ul flags);
long sys_truncate(ul path, ul length);
long sys_ftruncate(ul fd, ul length);
long sys_fsync(ul fd);
long sys_access(ul path, ul mode);
long sys_faccessat(ul dfd, ul path, ul mode);
long sys_faccessat2(ul dfd, ul path, ul mode, ul flags);
long sys_faccessat2(ul dfd, ul path, ul mode, ul flags);
long sys_chdir(ul path);
long sys_fchdir(ul fd);
long sys_getcwd(ul buf, ul size);
long sys_umask(ul mask);
long sys_utimensat(ul dfd, ul path, ul times, ul flags);
long sys_sync(void);
long sys_syncfs(ul fd);
long sys_mount(ul dev, ul dir, ul type, ul flags, ul data);
long sys_umount2(ul dir, ul flags);
long sys_ioctl(ul fd, ul cmd, ul arg);
long sys_clock_gettime(ul clk, ul tp);
long sys_clock_getres(ul clk, ul res);
long sys_gettimeofday(ul tv, ul tz);
long sys_time(ul tloc);
long sys_nanosleep(ul req, ul rem);
long sys_clock_nanosleep(ul clk, ul flags, ul req, ul rem);

/* kernel/process/sys_info.c */
long sys_sysinfo(ul info);
long sys_getrandom(ul buf, ul count, ul flags);
long sys_sched_yield(void);
long sys_getcpu(ul cpu, ul node, ul unused);
long sys_prlimit64(ul pid, ul resource, ul new_rlim, ul old_rlim);
long sys_getrlimit(ul resource, ul rlim);
long sys_setrlimit(ul resource, ul rlim);
long sys_syslog(ul type, ul buf, ul len);
long sys_reboot(ul magic1, ul magic2, ul cmd, ul arg);

/* kernel/module/syscalls.c */
long sys_init_module(ul umod, ul len, ul uargs);
long sys_finit_module(ul fd, ul uargs, ul flags);
long sys_delete_module(ul name, ul flags);

/* kernel/tty/tty_ioctl.c: the console's user termios as the read path needs it. True when
 * ICANON is off (raw reads), with c_cc[VMIN] and c_cc[VTIME]. */
#define VMIN_INDEX 6
#define VTIME_INDEX 5
#define ICANON_FLAG 0x2
#define ECHO_FLAG 0x8
#define ISIG_FLAG 0x1
bool console_raw_mode(unsigned int *vmin, unsigned int *vtime);
/* ECHO: canonical reads echo (the line discipline's) or not (a password prompt). */
bool console_echo(void);
/* run: a process that left the console raw (killed in vi) must not leave the shell so. */
void console_termios_reset(void);

#endif
