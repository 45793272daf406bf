/*
 * schedbench for the reference Linux guest: the Linux side of tests/bench/bench_sched.py.
 * Built on the host with `gcc -static -O2 -pthread`, put in the guest's /extra by
 * /work/shared/linux-guest/mkguest.sh, run as `/extra/schedbench [count]`. It measures the
 * nearest user-space equivalents of what Keel's bench_sched.ko measures in the kernel, and
 * prints them in the same "schedbench: <key>: key=value ... ns" lines:
 *
 *   switch     two threads passing a turn through futex wait/wake: ns per switch
 *   pipe       two processes passing a byte through two pipes (lmbench's lat_ctx shape)
 *   yield      two always-runnable threads calling sched_yield()
 *   wake       clock_nanosleep(TIMER_ABSTIME) to a deadline: deadline -> thread running
 *              (cyclictest's figure; the hrtimer interrupt wakes the thread)
 *   wakebusy   the same while a CPU-bound thread runs
 *   jitter-thread-1ms/10ms  a periodic absolute sleep: |interval - period|
 *   msleep10, usleep100     how long nanosleep(10 ms) and nanosleep(100 us) really take
 *
 * The guest has one CPU, like Keel, so every switch is a real one on that CPU.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 4096
#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL

static int64_t samples[MAX_SAMPLES];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static struct timespec to_timespec(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };

	return ts;
}

/* ---- statistics: the same shapes as the kernel module's ------------------------------ */

static int compare_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t percentile(const int64_t *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

static void print_distribution(const char *key, int64_t *v, unsigned int n)
{
	if (!n) {
		printf("schedbench: %s: n=0\n", key);
		return;
	}
	qsort(v, n, sizeof(*v), compare_s64);
	printf("schedbench: %s: n=%u min=%lld median=%lld p99=%lld max=%lld ns\n", key, n,
	       (long long)v[0], (long long)percentile(v, n, 50), (long long)percentile(v, n, 99),
	       (long long)v[n - 1]);
	fflush(stdout);
}

static void print_switch(const char *key, unsigned int rounds, int64_t elapsed)
{
	printf("schedbench: %s: rounds=%u elapsed=%lld per_switch=%lld ns\n", key, rounds,
	       (long long)elapsed, (long long)(elapsed / (2LL * rounds)));
	fflush(stdout);
}

/* ---- two threads passing a turn -------------------------------------------------------- */

struct pingpong {
	atomic_int turn;
	unsigned int rounds;
	int yield_only;
	int64_t elapsed;
};

struct side {
	struct pingpong *pp;
	int me;
};

static void futex_wait(atomic_int *word, int value)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void wait_turn(struct pingpong *pp, int me)
{
	int turn;

	while ((turn = atomic_load(&pp->turn)) != me)
		futex_wait(&pp->turn, turn);
}

static void pass_turn(struct pingpong *pp, int to)
{
	atomic_store(&pp->turn, to);
	futex_wake(&pp->turn);
}

/* Side 0 times its rounds (two switches each); side 1 answers, as in the kernel module. */
static void *pingpong_thread(void *arg)
{
	struct side *side = arg;
	struct pingpong *pp = side->pp;
	int64_t start = now_ns();

	for (unsigned int i = 0; i < pp->rounds; i++) {
		if (pp->yield_only) {
			sched_yield();
		} else if (side->me == 0) {
			pass_turn(pp, 1);
			wait_turn(pp, 0);
		} else {
			wait_turn(pp, 1);
			pass_turn(pp, 0);
		}
	}
	if (side->me == 0)
		pp->elapsed = now_ns() - start;
	return NULL;
}

static void bench_threads(const char *key, unsigned int rounds, int yield_only)
{
	struct pingpong pp = { .turn = 0, .rounds = rounds, .yield_only = yield_only };
	struct side sides[2] = { { &pp, 0 }, { &pp, 1 } };
	pthread_t threads[2];

	pthread_create(&threads[1], NULL, pingpong_thread, &sides[1]);
	pthread_create(&threads[0], NULL, pingpong_thread, &sides[0]);
	pthread_join(threads[0], NULL);
	pthread_join(threads[1], NULL);
	print_switch(key, rounds, pp.elapsed);
}

/* ---- two processes and two pipes -------------------------------------------------------- */

static void bench_pipe(unsigned int rounds)
{
	int there[2], back[2];
	char byte = 0;
	int64_t start;
	pid_t child;

	if (pipe(there) || pipe(back)) {
		perror("pipe");
		return;
	}
	child = fork();
	if (child == 0) {
		for (unsigned int i = 0; i < rounds; i++)
			if (read(there[0], &byte, 1) != 1 || write(back[1], &byte, 1) != 1)
				_exit(1);
		_exit(0);
	}
	start = now_ns();
	for (unsigned int i = 0; i < rounds; i++)
		if (write(there[1], &byte, 1) != 1 || read(back[0], &byte, 1) != 1)
			break;
	print_switch("pipe", rounds, now_ns() - start);
	waitpid(child, NULL, 0);
	close(there[0]);
	close(there[1]);
	close(back[0]);
	close(back[1]);
}

/* ---- wake-up latency: an absolute sleep, cyclictest's way ------------------------------ */

static atomic_int hog_stop;

static void *hog_thread(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&hog_stop, memory_order_relaxed))
		__asm__ __volatile__("pause");
	return NULL;
}

static void bench_wake(const char *key, unsigned int n, int busy)
{
	pthread_t hog;

	if (busy) {
		atomic_store(&hog_stop, 0);
		pthread_create(&hog, NULL, hog_thread, NULL);
	}
	for (unsigned int i = 0; i < n; i++) {
		int64_t deadline = now_ns() + 2 * NSEC_PER_MSEC;
		struct timespec ts = to_timespec(deadline);

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		samples[i] = now_ns() - deadline;
	}
	if (busy) {
		atomic_store(&hog_stop, 1);
		pthread_join(hog, NULL);
	}
	print_distribution(key, samples, n);
}

/* ---- jitter of a periodic absolute sleep ------------------------------------------------- */

static void bench_jitter(unsigned int period_ms, unsigned int n)
{
	int64_t period = period_ms * NSEC_PER_MSEC, next = now_ns() + period;
	char key[32];

	for (unsigned int i = 0; i < n; i++) {
		struct timespec ts = to_timespec(next);

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		samples[i] = now_ns();
		next += period;
	}
	snprintf(key, sizeof(key), "jitter-thread-%ums", period_ms);
	printf("schedbench: %s-mean: period=%lld mean_interval=%lld ns\n", key, (long long)period,
	       (long long)((samples[n - 1] - samples[0]) / (n - 1)));
	for (unsigned int i = 0; i + 1 < n; i++) {
		int64_t dev = samples[i + 1] - samples[i] - period;

		samples[i] = dev < 0 ? -dev : dev;
	}
	print_distribution(key, samples, n - 1);
}

/* ---- relative sleeps --------------------------------------------------------------------- */

static void bench_sleep(const char *key, int64_t ns, unsigned int n)
{
	struct timespec ts = to_timespec(ns);

	for (unsigned int i = 0; i < n; i++) {
		int64_t start = now_ns();

		nanosleep(&ts, NULL);
		samples[i] = now_ns() - start;
	}
	print_distribution(key, samples, n);
}

static unsigned int min_u(unsigned int a, unsigned int b) { return a < b ? a : b; }

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";
	unsigned int count = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 0;
	unsigned int rounds = count ? count : 20000;
	unsigned int n = min_u(count ? count : 1000, MAX_SAMPLES);
	int all = !strcmp(what, "all");

	if (all || !strcmp(what, "switch"))
		bench_threads("switch", rounds, 0);
	if (all || !strcmp(what, "pipe"))
		bench_pipe(rounds);
	if (all || !strcmp(what, "yield"))
		bench_threads("yield", rounds, 1);
	if (all || !strcmp(what, "wake"))
		bench_wake("wake", n, 0);
	if (all || !strcmp(what, "wakebusy"))
		bench_wake("wakebusy", min_u(n, 200), 1);
	if (all || !strcmp(what, "jitter")) {
		bench_jitter(1, n);
		bench_jitter(10, min_u(n, 200));
	}
	if (all || !strcmp(what, "msleep")) {
		bench_sleep("msleep10", 10 * NSEC_PER_MSEC, min_u(n, 100));
		bench_sleep("usleep100", 100000, min_u(n, 100));
	}
	return 0;
}
