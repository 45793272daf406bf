/* alarm(2), getitimer(2) and setitimer(2) with ITIMER_REAL, run on the host and in Keel with
 * the same output (tests/test_itimer.py): alarm's rounded return values, set/get round trips,
 * periodic SIGALRM, sigsuspend/pause/read ended by it, the re-arm on delivery of a blocked
 * SIGALRM and its taking by sigwaitinfo, threads sharing the timer (also after the main
 * thread exits), fork clearing it, execve keeping it (also from a thread), and the errors.
 * Times are printed only as far as they are deterministic. argv[1]: this program's path
 * (for the execve part); "execed", "execed-thread": what runs after each execve; "virt":
 * Keel's EINVAL for ITIMER_VIRTUAL and ITIMER_PROF (not part of the host comparison). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t alarms;
static volatile pid_t handler_tid;
static int restart_pipe[2] = { -1, -1 };

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	handler_tid = (pid_t)syscall(SYS_gettid);
	if (restart_pipe[1] >= 0)
		write(restart_pipe[1], "x", 1);
}

static void handle(int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };

	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
}

static long sys_set(int which, const struct itimerval *v, struct itimerval *old)
{
	return syscall(SYS_setitimer, which, v, old);
}

/* The system call: musl's alarm() is setitimer, rounding any fraction up. */
static long sys_alarm(unsigned int seconds)
{
	return syscall(SYS_alarm, seconds);
}

static long sys_get(int which, struct itimerval *v)
{
	return syscall(SYS_getitimer, which, v);
}

static struct itimerval itv(long vs, long vus, long is, long ius)
{
	return (struct itimerval){ .it_value = { vs, vus }, .it_interval = { is, ius } };
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A remaining time: whole seconds and whether the rest lies within (lo, hi] microseconds. */
/* Whether a timer set to at most hi_us microseconds is still counting down. Only the upper
 * bound is exact: how far it has come depends on the machine's load, so any time left
 * counts (timing must never make the test flaky). */
static void show_left(const char *what, const struct timeval *tv, long hi_us)
{
	long long left = (long long)tv->tv_sec * 1000000 + tv->tv_usec;

	printf("%s: left in (0, %ld] us: %d\n", what, hi_us, left > 0 && left <= hi_us);
}

static void show_exact(const char *what, const struct itimerval *v)
{
	printf("%s: value %ld.%06ld interval %ld.%06ld\n", what, (long)v->it_value.tv_sec,
	       (long)v->it_value.tv_usec, (long)v->it_interval.tv_sec,
	       (long)v->it_interval.tv_usec);
}

static void test_alarm_values(void)
{
	struct itimerval v = itv(0, 300000, 0, 0), got;

	CHECK(sys_alarm(0));
	CHECK(sys_alarm(5));
	CHECK(sys_alarm(3)); /* 4.99.. s left rounds to 5 */
	CHECK(sys_alarm(0));
	CHECK(sys_alarm(0));
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_alarm(0)); /* 0.3 s pending: 1, never 0 */
	v = itv(2, 700000, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_alarm(0)); /* 2.69.. s: 3 */
	v = itv(2, 200000, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_alarm(0)); /* 2.19.. s: 2 */
	v = itv(7, 0, 1, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_alarm(10)); /* and the interval is gone */
	CHECK(sys_get(ITIMER_REAL, &got));
	show_left("after alarm(10)", &got.it_value, 10000000);
	printf("interval after alarm: %ld.%06ld\n", (long)got.it_interval.tv_sec,
	       (long)got.it_interval.tv_usec);
	CHECK(sys_alarm(0));
}

static void test_round_trip(void)
{
	struct itimerval v = itv(1, 500000, 0, 250000), old, got;

	CHECK(sys_get(ITIMER_REAL, &got));
	show_exact("unarmed", &got);
	CHECK(sys_set(ITIMER_REAL, &v, &old));
	show_exact("old of the first set", &old);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_left("value", &got.it_value, 1500000);
	printf("interval: %ld.%06ld\n", (long)got.it_interval.tv_sec,
	       (long)got.it_interval.tv_usec);
	v = itv(0, 0, 3, 0); /* a zero value disarms, interval and all */
	CHECK(sys_set(ITIMER_REAL, &v, &old));
	show_left("old value", &old.it_value, 1500000);
	printf("old interval: %ld.%06ld\n", (long)old.it_interval.tv_sec,
	       (long)old.it_interval.tv_usec);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_exact("after a zero value", &got);
	v = itv(4, 0, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_set(ITIMER_REAL, NULL, &old)); /* Linux still takes NULL as zero */
	show_left("old of the NULL set", &old.it_value, 4000000);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_exact("after the NULL set", &got);
}

/* 10 SIGALRMs 50 ms apart take at least 0.5 s. */
static void test_periodic(void)
{
	struct itimerval v = itv(0, 50000, 0, 50000), off = itv(0, 0, 0, 0);
	double start;
	int spins = 0;

	handle(0);
	start = now();
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	while (alarms < 10 && spins++ < 1000)
		pause();
	CHECK(sys_set(ITIMER_REAL, &off, NULL));
	printf("periodic: %d alarms, took at least 0.5 s: %d\n", (int)alarms,
	       now() - start >= 0.49);
	/* busy, not sleeping: the count follows the clock */
	alarms = 0;
	v = itv(0, 100000, 0, 100000);
	start = now();
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	while (now() - start < 0.55)
		;
	CHECK(sys_set(ITIMER_REAL, &off, NULL));
	/* at most 5 (a late one may wait for the next tick); fewer only when the machine's load
	 * kept the spinner off the CPU, so any at all will do */
	printf("while spinning 0.55 s: 1..5 alarms: %d\n", alarms >= 1 && alarms <= 5);
}

static void test_sleeps_ended(void)
{
	struct itimerval v = itv(0, 100000, 0, 0);
	sigset_t block, none;
	int keep;
	char c;

	handle(0);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, NULL);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sigsuspend(&none));
	printf("sigsuspend: handler ran %d\n", (int)alarms);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(pause());
	printf("pause: handler ran %d\n", (int)alarms);
	CHECK(pipe(restart_pipe));
	keep = restart_pipe[1];
	restart_pipe[1] = -1; /* no byte from the handler: without SA_RESTART the read fails */
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(read(restart_pipe[0], &c, 1));
	printf("read without SA_RESTART: handler ran %d\n", (int)alarms);
	restart_pipe[1] = keep; /* with it: restarted, and gets the handler's byte */
	handle(SA_RESTART);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(read(restart_pipe[0], &c, 1));
	printf("read with SA_RESTART: got '%c', handler ran %d\n", c, (int)alarms);
	close(restart_pipe[0]);
	close(restart_pipe[1]);
	restart_pipe[0] = restart_pipe[1] = -1;
}

/* Blocked, the expired timer waits for its SIGALRM to be taken before it counts again. */
static void test_blocked_rearm(void)
{
	struct itimerval v = itv(0, 20000, 0, 20000), got, off = itv(0, 0, 0, 0);
	struct timespec wait = { 0, 200000000 };
	sigset_t block, pending;

	handle(0);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	nanosleep(&wait, NULL);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_exact("blocked, expired", &got);
	sigpending(&pending);
	printf("SIGALRM pending: %d\n", sigismember(&pending, SIGALRM));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("after unblocking: handler ran %d\n", (int)alarms);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_left("armed again", &got.it_value, 20000);
	CHECK(sys_set(ITIMER_REAL, &off, NULL));
}

/* Taken by sigwaitinfo rather than a handler: it counts as taken, the timer goes on. */
static void test_sigwait(void)
{
	struct itimerval v = itv(0, 30000, 0, 30000), off = itv(0, 0, 0, 0);
	sigset_t block;
	siginfo_t info;
	int got = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	for (int i = 0; i < 3; i++)
		got += sigwaitinfo(&block, &info) == SIGALRM;
	CHECK(sys_set(ITIMER_REAL, &off, NULL));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("sigwaitinfo: %d SIGALRMs, si_code %d, si_pid %d\n", got, info.si_code,
	       (int)info.si_pid);
}

static void *thread_sets(void *arg)
{
	struct itimerval v = itv(2, 0, 0, 0);

	(void)arg;
	sys_set(ITIMER_REAL, &v, NULL);
	return NULL;
}

/* Blocks SIGALRM like the main thread, but waits for it in sigsuspend. */
static void *thread_waits(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	sigsuspend(&none);
	return NULL;
}

/* One timer per process: a thread's setitimer is the main thread's getitimer; its SIGALRM
 * goes to a thread that does not block it. */
static void test_threads(void)
{
	struct itimerval got, v = itv(0, 100000, 0, 0);
	pthread_t t;
	sigset_t block;

	handle(0);
	pthread_create(&t, NULL, thread_sets, NULL);
	pthread_join(t, NULL);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_left("set by a thread", &got.it_value, 2000000);
	CHECK(pause());
	printf("handled in the main thread: %d\n", handler_tid == getpid());
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pthread_create(&t, NULL, thread_waits, NULL);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	pthread_join(t, NULL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("handled in the other thread: %d, handler ran %d\n",
	       handler_tid != getpid() && handler_tid > 0, (int)alarms);
}

/* The main thread exits first: the SIGALRM still reaches the process's other thread. */
static void *thread_outlives(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	while (!alarms)
		sigsuspend(&none);
	printf("SIGALRM after the main thread exited: handled in another thread: %d\n",
	       handler_tid != getpid());
	exit(0);
}

static void test_leader_gone(void)
{
	struct itimerval v = itv(0, 100000, 0, 0);
	sigset_t block;
	pthread_t t;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		handle(0);
		sigemptyset(&block);
		sigaddset(&block, SIGALRM);
		sigprocmask(SIG_BLOCK, &block, NULL);
		pthread_create(&t, NULL, thread_outlives, NULL);
		sys_set(ITIMER_REAL, &v, NULL);
		pthread_exit(NULL);
	}
	waitpid(pid, &status, 0);
	printf("process exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void test_fork(void)
{
	struct itimerval v = itv(5, 0, 1, 0), got, quick = itv(0, 50000, 0, 0);
	int status;
	pid_t pid;

	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	pid = fork();
	if (pid == 0) {
		sys_get(ITIMER_REAL, &got);
		show_exact("child after fork", &got);
		printf("child alarm(0) = %ld\n", sys_alarm(0));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(sys_get(ITIMER_REAL, &got));
	show_left("parent still", &got.it_value, 5000000);
	CHECK(sys_alarm(0));
	pid = fork();
	if (pid == 0) { /* SIGALRM's default action ends the process */
		signal(SIGALRM, SIG_DFL);
		sys_set(ITIMER_REAL, &quick, NULL);
		for (;;)
			pause();
	}
	waitpid(pid, &status, 0);
	printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	pid = fork();
	if (pid == 0) { /* a periodic timer outlived by nothing: its process exits */
		v = itv(0, 10000, 0, 10000);
		sys_set(ITIMER_REAL, &v, NULL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	printf("child with a running timer exited %d\n", WEXITSTATUS(status));
}

static void test_errors(void)
{
	struct itimerval v = itv(1, 0, 0, 0), got;

	CHECK(sys_get(3, &got));
	CHECK(sys_get(-1, &got));
	CHECK(sys_set(3, &v, NULL));
	CHECK(sys_get(ITIMER_REAL, NULL));
	CHECK(sys_get(ITIMER_REAL, (void *)1));
	CHECK(sys_get(3, NULL)); /* which first */
	CHECK(sys_set(ITIMER_REAL, (void *)1, NULL));
	v = itv(0, 1000000, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	v = itv(0, -1, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	v = itv(-1, 0, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	v = itv(1, 0, 0, 1000000);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	v = itv(1, 0, -1, 0);
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	v = itv(0, 1000000, 0, 0);
	CHECK(sys_set(3, &v, NULL)); /* the values first */
	CHECK(sys_get(ITIMER_REAL, &got));
	show_exact("nothing armed by the errors", &got);
	v = itv(0x7fffffffffffffffL, 999999, 0x7fffffffffffffffL, 0); /* saturates at ~292 years */
	CHECK(sys_set(ITIMER_REAL, &v, NULL));
	CHECK(sys_get(ITIMER_REAL, &got));
	printf("huge: value > 9e9 s: %d, interval > 9e9 s: %d\n", got.it_value.tv_sec > 9000000000L,
	       got.it_interval.tv_sec > 9000000000L);
	v = itv(6, 0, 0, 0);
	CHECK(sys_set(ITIMER_REAL, &v, (void *)1)); /* armed, then the old value fails */
	CHECK(sys_alarm(0));
}

static void *thread_execs(void *arg)
{
	char **argv = arg;

	execv(argv[0], argv);
	printf("execv from a thread failed\n");
	exit(1);
}

/* execve keeps the timer, from the main thread and from another one (which takes the
 * process over). */
static void test_exec(const char *self, const char *next)
{
	static char *argv[3];
	pthread_t t;

	argv[0] = (char *)self;
	argv[1] = (char *)next;
	if (!strcmp(next, "execed")) {
		CHECK(sys_alarm(7));
		fflush(stdout);
		execv(self, argv);
		printf("execv failed\n");
		return;
	}
	CHECK(sys_alarm(8));
	fflush(stdout);
	pthread_create(&t, NULL, thread_execs, argv);
	pthread_join(t, NULL);
	printf("the thread's execv did not replace the process\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "execed")) {
		printf("after execve: alarm(0) = %ld\n", sys_alarm(0));
		test_exec(argv[0], "execed-thread");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "execed-thread")) {
		printf("after execve in a thread: alarm(0) = %ld\n", sys_alarm(0));
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "virt")) {
		struct itimerval v = itv(1, 0, 0, 0), got;

		CHECK(sys_set(ITIMER_VIRTUAL, &v, NULL));
		CHECK(sys_set(ITIMER_PROF, &v, NULL));
		CHECK(sys_get(ITIMER_VIRTUAL, &got));
		CHECK(sys_get(ITIMER_PROF, &got));
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_alarm_values();
	test_round_trip();
	test_periodic();
	test_sleeps_ended();
	test_blocked_rearm();
	test_sigwait();
	test_threads();
	test_leader_gone();
	test_fork();
	test_errors();
	if (argc > 1)
		test_exec(argv[1], "execed");
	return 0;
}
