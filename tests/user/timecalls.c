/* The time system calls: clock_gettime's clocks (monotonic increasing, CPU time growing with
 * work, CLOCK_REALTIME near argv[1], the host's time at test start), clock_getres, gettimeofday
 * and time agreeing with CLOCK_REALTIME, nanosleep and clock_nanosleep (relative and
 * TIMER_ABSTIME) lasting at least what was asked, and the EINVAL/EFAULT cases. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static long long ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long a, b, host = argc > 1 ? atoll(argv[1]) : 0;
	struct timespec ts = { 0, 50 * 1000000 }, res;
	struct timeval tv;
	volatile unsigned long spin = 0;

	a = ns(CLOCK_MONOTONIC);
	b = ns(CLOCK_MONOTONIC);
	printf("monotonic increases: %d\n", b >= a && a > 0);
	CHECK(nanosleep(&ts, NULL));
	printf("nanosleep 50 ms: %d\n", ns(CLOCK_MONOTONIC) - b >= 50000000);
	a = ns(CLOCK_BOOTTIME);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL));
	printf("clock_nanosleep 50 ms: %d\n", ns(CLOCK_BOOTTIME) - a >= 50000000);
	a = ns(CLOCK_MONOTONIC) + 30000000;
	ts.tv_sec = a / 1000000000;
	ts.tv_nsec = a % 1000000000;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL));
	printf("absolute deadline passed: %d\n", ns(CLOCK_MONOTONIC) >= a);
	a = ns(CLOCK_PROCESS_CPUTIME_ID);
	for (unsigned long i = 0; i < 30000000; i++)
		spin += i;
	printf("cpu time grows: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) > a);
	a = ns(CLOCK_REALTIME) / 1000000000;
	printf("realtime near the host's: %d\n", a >= host - 2 && a <= host + 60);
	CHECK(gettimeofday(&tv, NULL));
	printf("gettimeofday agrees: %d\n", tv.tv_sec >= a && tv.tv_sec <= a + 2);
	printf("time agrees: %d\n", time(NULL) >= a && time(NULL) <= a + 2);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res));
	printf("resolution at most 1 ms: %d\n", res.tv_sec == 0 && res.tv_nsec <= 1000000);
	CHECK(syscall(SYS_clock_gettime, 12345, &ts));
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)16));
	CHECK(syscall(SYS_clock_getres, 12345, &res));
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	CHECK(syscall(SYS_nanosleep, &ts, NULL));
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	CHECK(syscall(SYS_nanosleep, &ts, NULL));
	CHECK(syscall(SYS_nanosleep, (void *)16, NULL));
	CHECK(syscall(SYS_gettimeofday, (void *)16, NULL));
	return spin == 1;
}
