/* System calls about the system: sysinfo's fields, getrandom (counts, flags, two reads differ,
 * EFAULT/EINVAL), getrlimit/prlimit64/setrlimit, sched_yield, getcpu. "syslog": the kernel log
 * through syslog(2) as dmesg reads it (guest only: a host container may refuse it). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "check.h"

static int syslog_check(void)
{
	long size = syscall(SYS_syslog, 10, NULL, 0), n;
	char *buf = malloc(size + 1);

	printf("size buffer positive: %d\n", size > 0);
	n = syscall(SYS_syslog, 3, buf, size);
	buf[n > 0 ? n : 0] = 0;
	printf("read all: %d, mentions cpu: %d\n", n > 0, strstr(buf, "cpu: SMEP") != NULL);
	n = syscall(SYS_syslog, 3, buf, 10);
	printf("last 10 bytes: %ld, ends in newline: %d\n", n, buf[9] == '\n');
	CHECK(syscall(SYS_syslog, 3, (void *)16, 100));
	CHECK(syscall(SYS_syslog, 77, buf, 10));
	return 0;
}

int main(int argc, char **argv)
{
	struct sysinfo si;
	unsigned char r1[32], r2[32];
	struct rlimit rl, orig;
	unsigned int cpu = 99;

	if (argc > 1 && !strcmp(argv[1], "syslog"))
		return syslog_check();
	CHECK(sysinfo(&si));
	printf("uptime > 0: %d, totalram > freeram > 0: %d, mem_unit %u, procs > 0: %d\n",
	       si.uptime > 0, si.totalram > si.freeram && si.freeram > 0, si.mem_unit,
	       si.procs > 0);
	CHECK(syscall(SYS_sysinfo, (void *)16));
	CHECK(getrandom(r1, sizeof(r1), 0));
	CHECK(getrandom(r2, sizeof(r2), GRND_NONBLOCK));
	printf("random differs: %d\n", memcmp(r1, r2, sizeof(r1)) != 0);
	CHECK(getrandom(r1, 0, 0));
	CHECK(getrandom((void *)16, 8, 0));
	CHECK(getrandom(r1, 8, 0x100));
	CHECK(getrlimit(RLIMIT_NOFILE, &rl));
	printf("nofile cur <= max: %d, at least 64: %d\n", rl.rlim_cur <= rl.rlim_max,
	       rl.rlim_cur >= 64);
	CHECK(getrlimit(RLIMIT_STACK, &orig));
	rl.rlim_cur = 4 << 20;
	rl.rlim_max = orig.rlim_max;
	CHECK(setrlimit(RLIMIT_STACK, &rl));
	CHECK(getrlimit(RLIMIT_STACK, &rl));
	printf("stack now %lu KiB\n", (unsigned long)rl.rlim_cur >> 10);
	CHECK(setrlimit(RLIMIT_STACK, &orig));
	rl.rlim_cur = 10;
	rl.rlim_max = 5;
	CHECK(setrlimit(RLIMIT_CORE, &rl));
	CHECK(prlimit(0, RLIMIT_CORE, NULL, &rl));
	CHECK(syscall(SYS_prlimit64, 0, 99, NULL, &rl));
	CHECK(syscall(SYS_getrlimit, RLIMIT_CORE, (void *)16));
	CHECK(sched_yield());
	CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL));
	printf("cpu plausible: %d\n", cpu < 4096);
	return 0;
}
