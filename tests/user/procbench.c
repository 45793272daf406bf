/* The process benchmark (tests/bench/bench_proc.py runs the same binary in Keel and in the
 * reference Linux guest): the getpid round trip, fork + exit + wait, fork + execve + exit +
 * wait (of this program, which exits at once with "--exit"), and pipe throughput from a child
 * to its parent. Prints "name value unit" lines; counts can be scaled with a first argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIPE_CHUNK 65536

static char chunk[PIPE_CHUNK];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double bench_getpid(long n)
{
	double start = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getpid); /* no C library cache in between */
	return (now_ns() - start) / n;
}

static void reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("procbench: fork/wait");
		exit(1);
	}
}

static double bench_fork(long n)
{
	double start = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	return (now_ns() - start) / n / 1000;
}

static double bench_exec(long n, char *self)
{
	char *argv[] = { self, "--exit", NULL }, *envp[] = { NULL };
	double start = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(self, argv, envp);
			_exit(127);
		}
		reap(pid);
	}
	return (now_ns() - start) / n / 1000;
}

/* MiB/s of mib MiB written by a child in 64 KiB writes and read by the parent. */
static double bench_pipe(long mib)
{
	long total = mib << 20, got = 0;
	double start = now_ns();
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return 0;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (long sent = 0; sent < total; sent += PIPE_CHUNK)
			if (write(fds[1], chunk, PIPE_CHUNK) != PIPE_CHUNK)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	for (ssize_t r; (r = read(fds[0], chunk, PIPE_CHUNK)) > 0;)
		got += r;
	close(fds[0]);
	reap(pid);
	if (got != total)
		fprintf(stderr, "procbench: pipe moved %ld of %ld bytes\n", got, total);
	return mib / ((now_ns() - start) / 1e9);
}

int main(int argc, char **argv)
{
	long scale = argc > 1 ? atol(argv[1]) : 1;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	if (scale < 1)
		scale = 1;
	printf("getpid %.1f ns\n", bench_getpid(20000 * scale));
	printf("fork+exit+wait %.1f us\n", bench_fork(100 * scale));
	printf("fork+execve+exit %.1f us\n", bench_exec(50 * scale, argv[0]));
	printf("pipe %.1f MiB/s\n", bench_pipe(16 * scale));
	return 0;
}
