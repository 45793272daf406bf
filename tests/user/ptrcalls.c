/* Every system call taking a user pointer, called with that pointer set to NULL, -1, a kernel
 * address (0xffffffff80000000) and an unmapped page, the other arguments valid: each must
 * fail (EFAULT on Linux) and nothing else may happen. Raw syscall(2), so no C library check
 * stands in between. Prints "call(what) = errno name" lines: the host's output is the
 * oracle. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAD (-999L) /* stands for the bad pointer in an argument list */

struct call {
	const char *name;
	long nr;
	long args[6];
};

static int fd_file, fd_dir, fd_pipe_w;
static char ok_buf[4096], ok_path[] = "/";
static const long zero[2];

/* Argument values that need run-time values: fds, good buffers. */
#define FD_FILE (-1001L)
#define FD_DIR (-1002L)
#define FD_PIPE (-1003L)
#define OKBUF (-1004L)
#define OKPATH (-1005L)
#define ZERO (-1006L)      /* a zero timeout: select and pselect6 must not block */
#define RLIMIT_NOFILE_NR 7

static const struct call calls[] = {
	{ "read", SYS_read, { FD_FILE, BAD, 16 } },
	{ "write", SYS_write, { FD_PIPE, BAD, 16 } },
	{ "open", SYS_open, { BAD, O_RDONLY } },
	{ "stat.path", SYS_stat, { BAD, OKBUF } },
	{ "stat.buf", SYS_stat, { OKPATH, BAD } },
	{ "fstat", SYS_fstat, { FD_FILE, BAD } },
	{ "lstat.buf", SYS_lstat, { OKPATH, BAD } },
	{ "pread64", SYS_pread64, { FD_FILE, BAD, 16, 0 } },
	{ "pwrite64", SYS_pwrite64, { FD_PIPE, BAD, 16, 0 } },
	{ "readv", SYS_readv, { FD_FILE, BAD, 1 } },
	{ "writev", SYS_writev, { FD_PIPE, BAD, 1 } },
	{ "access", SYS_access, { BAD, F_OK } },
	{ "pipe", SYS_pipe, { BAD } },
	{ "select", SYS_select, { 1, BAD, 0, 0, ZERO } },
	{ "poll", SYS_poll, { BAD, 1, 0 } },
	{ "rt_sigaction.act", SYS_rt_sigaction, { SIGUSR1, BAD, 0, 8 } },
	{ "rt_sigaction.old", SYS_rt_sigaction, { SIGUSR1, 0, BAD, 8 } },
	{ "rt_sigprocmask.set", SYS_rt_sigprocmask, { SIG_BLOCK, BAD, 0, 8 } },
	{ "rt_sigprocmask.old", SYS_rt_sigprocmask, { SIG_BLOCK, 0, BAD, 8 } },
	{ "nanosleep", SYS_nanosleep, { BAD, 0 } },
	{ "getcwd", SYS_getcwd, { BAD, 128 } },
	{ "chdir", SYS_chdir, { BAD } },
	{ "rename", SYS_rename, { BAD, OKPATH } },
	{ "mkdir", SYS_mkdir, { BAD, 0755 } },
	{ "rmdir", SYS_rmdir, { BAD } },
	{ "unlink", SYS_unlink, { BAD } },
	{ "readlink.path", SYS_readlink, { BAD, OKBUF, 64 } },
	{ "chmod", SYS_chmod, { BAD, 0644 } },
	{ "gettimeofday", SYS_gettimeofday, { BAD, 0 } },
	{ "getrlimit", SYS_getrlimit, { RLIMIT_NOFILE_NR, BAD } },
	{ "sysinfo", SYS_sysinfo, { BAD } },
	{ "uname", SYS_uname, { BAD } },
	{ "rt_sigpending", SYS_rt_sigpending, { BAD, 8 } },
	{ "statfs.path", SYS_statfs, { BAD, OKBUF } },
	{ "statfs.buf", SYS_statfs, { OKPATH, BAD } },
	{ "fstatfs", SYS_fstatfs, { FD_FILE, BAD } },
	{ "truncate", SYS_truncate, { BAD, 0 } },
	{ "arch_prctl.get_fs", SYS_arch_prctl, { 0x1003, BAD } },
	{ "time", SYS_time, { BAD } },
	{ "getdents64", SYS_getdents64, { FD_DIR, BAD, 4096 } },
	{ "clock_gettime", SYS_clock_gettime, { 1, BAD } },
	{ "clock_getres", SYS_clock_getres, { 1, BAD } },
	{ "clock_nanosleep", SYS_clock_nanosleep, { 1, 0, BAD, 0 } },
	{ "openat", SYS_openat, { -100, BAD, O_RDONLY } },
	{ "mkdirat", SYS_mkdirat, { -100, BAD, 0755 } },
	{ "newfstatat.path", SYS_newfstatat, { -100, BAD, OKBUF, 0 } },
	{ "newfstatat.buf", SYS_newfstatat, { -100, OKPATH, BAD, 0 } },
	{ "unlinkat", SYS_unlinkat, { -100, BAD, 0 } },
	{ "readlinkat", SYS_readlinkat, { -100, BAD, OKBUF, 64 } },
	{ "faccessat", SYS_faccessat, { -100, BAD, F_OK } },
	{ "pselect6", SYS_pselect6, { 1, BAD, 0, 0, ZERO, 0 } },
	{ "ppoll", SYS_ppoll, { BAD, 1, 0, 0, 8 } },
	{ "utimensat", SYS_utimensat, { -100, OKPATH, BAD, 0 } },
	{ "pipe2", SYS_pipe2, { BAD, 0 } },
	{ "prlimit64.old", SYS_prlimit64, { 0, RLIMIT_NOFILE_NR, 0, BAD } },
	{ "getrandom", SYS_getrandom, { BAD, 16, 0 } },
	{ "statx.path", SYS_statx, { -100, BAD, 0, 0x7ff, OKBUF } },
	{ "statx.buf", SYS_statx, { -100, OKPATH, 0, 0x7ff, BAD } },
	{ "execve", SYS_execve, { BAD, 0, 0 } },
	{ "wait4.rusage", SYS_wait4, { -1, 0, 1 /* WNOHANG */, BAD } },
};

static long resolve(long v, long bad)
{
	switch (v) {
	case BAD: return bad;
	case FD_FILE: return fd_file;
	case FD_DIR: return fd_dir;
	case FD_PIPE: return fd_pipe_w;
	case OKBUF: return (long)ok_buf;
	case OKPATH: return (long)ok_path;
	case ZERO: return (long)zero;
	default: return v;
	}
}

int main(void)
{
	char *unmapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	const struct { const char *what; long ptr; } bads[] = {
		{ "NULL", 0 }, { "-1", -1L }, { "kernel", (long)0xffffffff80000000UL },
		{ "unmapped", (long)unmapped },
	};
	int p[2];

	munmap(unmapped, 4096);
	fd_file = open("/proc/self/stat", O_RDONLY);
	fd_dir = open("/", O_RDONLY | O_DIRECTORY);
	if (fd_file < 0 || fd_dir < 0 || pipe(p))
		return 1;
	fd_pipe_w = p[1];
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		for (size_t b = 0; b < sizeof(bads) / sizeof(bads[0]); b++) {
			const long *a = calls[i].args;
			long r;

			errno = 0;
			r = syscall(calls[i].nr, resolve(a[0], bads[b].ptr),
				    resolve(a[1], bads[b].ptr), resolve(a[2], bads[b].ptr),
				    resolve(a[3], bads[b].ptr), resolve(a[4], bads[b].ptr),
				    resolve(a[5], bads[b].ptr));
			printf("%s(%s) = %s\n", calls[i].name, bads[b].what,
			       r < 0 ? strerror(errno) : "success");
			fflush(stdout);
		}
	}
	return 0;
}
