/* User test program: resource limits. getrlimit/setrlimit/prlimit64 and their errors, limits
 * kept by a forked child and across execve, RLIMIT_NOFILE (open, dup, dup2, F_DUPFD),
 * RLIMIT_FSIZE (short write, EFBIG, SIGXFSZ, ftruncate), RLIMIT_AS and RLIMIT_DATA (mmap,
 * brk, mremap), RLIMIT_STACK (a deep recursion dies of SIGSEGV, a shallower one does not).
 * Printed the same on Linux and in Keel. Keel only: `rlimits nproc` (RLIMIT_NPROC makes fork
 * fail with EAGAIN; Linux exempts root) and `rlimits raise` (hard limits raised again, as
 * root with CAP_SYS_RESOURCE may). `rlimits show` and `rlimits stack KIB` are the exec'd
 * halves. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define MIB (1UL << 20)

static volatile int xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void show(const char *who, int resource)
{
	struct rlimit r;

	getrlimit(resource, &r);
	printf("%s: resource %d: cur %lld max %lld\n", who, resource, (long long)r.rlim_cur,
	       (long long)r.rlim_max);
}

static void set(int resource, rlim_t cur, rlim_t max)
{
	struct rlimit r = { cur, max };

	if (setrlimit(resource, &r))
		printf("setrlimit(%d, %lld, %lld) failed: errno %d\n", resource, (long long)cur,
		       (long long)max, errno);
}

static void calls_and_errors(void)
{
	struct rlimit r = { 10, 20 }, old;
	int ready[2];
	pid_t child;
	char c;

	CHECK(setrlimit(RLIMIT_NOFILE, &r));
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &old));
	printf("prlimit old: %lld %lld\n", (long long)old.rlim_cur, (long long)old.rlim_max);
	r.rlim_cur = 30;
	CHECK(setrlimit(RLIMIT_NOFILE, &r));
	CHECK(syscall(SYS_setrlimit, 99, &r));
	CHECK(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)1));
	CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, (void *)1));
	r.rlim_cur = r.rlim_max = 1UL << 40;
	CHECK(setrlimit(RLIMIT_NOFILE, &r));
	pipe(ready);
	child = fork();
	if (child == 0) {
		show("child", RLIMIT_NOFILE);
		write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	read(ready[0], &c, 1); /* the child has printed */
	close(ready[0]);
	close(ready[1]);
	CHECK(prlimit(child, RLIMIT_NOFILE, NULL, &old));
	printf("the child's, seen by its parent: %lld %lld\n", (long long)old.rlim_cur,
	       (long long)old.rlim_max);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	CHECK(prlimit(child, RLIMIT_NOFILE, NULL, &old));
}

/* Runs this program again with argv; returns the wait status. */
static int run_self(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execv("/proc/self/exe", argv);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return status;
}

/* In a child: the limit it lowers is not the parent's. */
static void nofile(void)
{
	int last = -1, fd;

	if (fork()) {
		wait(NULL);
		return;
	}
	set(RLIMIT_NOFILE, 8, 8);
	while ((fd = open("/", O_RDONLY)) >= 0)
		last = fd;
	printf("last fd opened: %d, then errno %d\n", last, errno);
	CHECK(dup(0));
	CHECK(dup2(0, 8));
	CHECK(dup2(0, 7) == 7 ? 0 : -1);
	CHECK(fcntl(0, F_DUPFD, 8));
	for (fd = 3; fd < 8; fd++)
		close(fd);
	CHECK(fcntl(0, F_DUPFD, 5));
	_exit(0);
}

/* Hard limits raised again: root may (Linux: with CAP_SYS_RESOURCE, which the host running
 * the tests may lack, so this part is Keel's only). */
static void raise_hard(void)
{
	set(RLIMIT_NOFILE, 10, 20);
	set(RLIMIT_NOFILE, 20, 200);
	show("raised", RLIMIT_NOFILE);
	set(RLIMIT_CORE, 0, 0);
	set(RLIMIT_CORE, 0, RLIM_INFINITY);
	show("raised", RLIMIT_CORE);
}

static void fsize(const char *self)
{
	char path[64], buf[150];
	int fd;

	signal(SIGXFSZ, on_xfsz);
	snprintf(path, sizeof(path), "/tmp/rlimits.%d", getpid());
	memset(buf, 'f', sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	set(RLIMIT_FSIZE, 100, RLIM_INFINITY);
	CHECK(write(fd, buf, 150));
	CHECK(write(fd, buf, 1));
	CHECK(write(fd, buf, 0));
	printf("SIGXFSZ received: %d\n", xfsz);
	CHECK(ftruncate(fd, 200));
	CHECK(ftruncate(fd, 100));
	CHECK(ftruncate(fd, 10));
	CHECK(pwrite(fd, buf, 50, 80));
	printf("SIGXFSZ received: %d\n", xfsz);
	set(RLIMIT_FSIZE, RLIM_INFINITY, RLIM_INFINITY);
	close(fd);
	unlink(path);
	(void)self;
}

static long mapped(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, len);
	return 0;
}

static void memory(void)
{
	void *p;

	set(RLIMIT_DATA, 16 * MIB, RLIM_INFINITY);
	CHECK(mapped(32 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	CHECK(mapped(32 * MIB, PROT_READ, MAP_PRIVATE));
	CHECK(mapped(32 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED));
	CHECK(mapped(4 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	CHECK(sbrk(32 * MIB) == (void *)-1 ? -1 : 0);
	p = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mremap(p, 4 * MIB, 20 * MIB, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	munmap(p, 4 * MIB);
	set(RLIMIT_DATA, RLIM_INFINITY, RLIM_INFINITY);
	set(RLIMIT_AS, 64 * MIB, RLIM_INFINITY);
	CHECK(mapped(128 * MIB, PROT_READ, MAP_PRIVATE));
	CHECK(mapped(8 * MIB, PROT_READ, MAP_PRIVATE));
	CHECK(sbrk(100 * MIB) == (void *)-1 ? -1 : 0);
	set(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY);
	CHECK(mapped(128 * MIB, PROT_READ, MAP_PRIVATE));
}

/* Uses kib KiB of stack, a page at a time. */
static int deep(int kib)
{
	volatile char frame[1024];

	frame[0] = (char)kib;
	return kib > 1 ? deep(kib - 1) + frame[0] : frame[0];
}

static void stack(char *self)
{
	char *shallow[] = { self, "stack", "512", NULL }, *too_deep[] = { self, "stack",
									   "4096", NULL };
	int status;

	set(RLIMIT_STACK, 2 * MIB, RLIM_INFINITY);
	status = run_self(shallow);
	printf("512 KiB deep under a 2 MiB stack limit: exited %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	status = run_self(too_deep);
	printf("4 MiB deep: killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	set(RLIMIT_STACK, 8 * MIB, RLIM_INFINITY);
}

static void nproc(void)
{
	pid_t pids[4];
	int made = 0;

	set(RLIMIT_NPROC, 1, 1);
	CHECK(fork());
	set(RLIMIT_NPROC, 4096, 4096);
	for (; made < 4; made++) {
		pids[made] = fork();
		if (pids[made] == 0) {
			pause();
			_exit(0);
		}
	}
	printf("forks after raising it: %d\n", made);
	for (int i = 0; i < made; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
}

int main(int argc, char **argv)
{
	char *again[] = { argv[0], "show", NULL };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "show")) {
		show("after exec", RLIMIT_NOFILE);
		show("after exec", RLIMIT_CORE);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "stack"))
		return deep(atoi(argv[2])) ? 0 : 1;
	if (argc > 1 && !strcmp(argv[1], "nproc")) {
		nproc();
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "raise")) {
		raise_hard();
		return 0;
	}
	calls_and_errors();
	set(RLIMIT_CORE, 0, 0);
	show("core", RLIMIT_CORE);
	run_self(again);
	nofile();
	fsize(argv[0]);
	memory();
	stack(argv[0]);
	return 0;
}
