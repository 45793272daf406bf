/* User test program: random system call numbers (0..463, the module range 500..515 and a few
 * beyond) with random arguments, for `fuzzall SECONDS` seconds. Guest only. Each batch of
 * calls runs in a child with fds 0-2 closed (so the console and the test's prompt stay
 * intact) that the parent kills after a second if a call blocks; a child may also die of its
 * own doing (munmap of its stack...). The kernel must neither oops nor lose the parent.
 * Calls that could reach beyond the child are not made: fork/clone (the process limit has
 * its own test), kill and friends (kill(0) would hit the parent), reboot, mount/umount,
 * module loading and unloading. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fuzzargs.h"

#define BATCH 500
#define WATCHDOG_MS 1000

static int forbidden(long nr)
{
	static const long deny[] = { SYS_clone, SYS_fork, SYS_vfork, SYS_clone3, SYS_kill,
				     SYS_tkill, SYS_tgkill, SYS_reboot, SYS_mount, SYS_umount2,
				     SYS_init_module, SYS_finit_module, SYS_delete_module,
				     SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, SYS_pidfd_send_signal,
				     SYS_kexec_load, SYS_swapon, SYS_swapoff, SYS_pivot_root,
				     SYS_chroot, SYS_setpgid, SYS_setsid };

	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (nr == deny[i])
			return 1;
	return 0;
}

static long pick_nr(void)
{
	long nr;

	do {
		unsigned long r = rnd() % 100;

		nr = r < 90 ? (long)(rnd() % 464) : r < 97 ? 500 + (long)(rnd() % 16)
						    : (long)(rnd() % 100000);
	} while (forbidden(nr));
	return nr;
}

/* The shared pool, or now and then any 64-bit value. */
static long pick_any_arg(void *unmapped)
{
	return rnd() % 8 == 0 ? (long)rnd() : pick_arg(unmapped);
}

static void child(unsigned long seed, void *unmapped)
{
	fuzz_state ^= seed;
	if (chdir("/tmp"))
		_exit(3);
	close(0);
	close(1);
	close(2);
	for (int i = 0; i < BATCH; i++) {
		long nr = pick_nr(), a[6];

		for (int j = 0; j < 6; j++)
			a[j] = pick_any_arg(unmapped);
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for pid, killing it after WATCHDOG_MS; 0 exited, 1 killed by a signal of its own,
 * 2 killed by the watchdog. */
static int reap(pid_t pid)
{
	struct timespec tick = { 0, 10 * 1000000 };
	int status;

	for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited += 10) {
		if (waited >= WATCHDOG_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 2;
		}
		nanosleep(&tick, NULL);
	}
	return WIFSIGNALED(status) ? 1 : 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5, end = seconds_now() + seconds;
	void *unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long batches = 0, counts[3] = { 0 };

	fuzz_state = 0x9e3779b97f4a7c15ULL;
	munmap(unmapped, 4096);
	while (seconds_now() < end) {
		pid_t pid = fork();

		if (pid == 0)
			child(rnd(), unmapped);
		if (pid < 0) {
			perror("fuzzall: fork");
			return 1;
		}
		counts[reap(pid)]++;
		batches++;
	}
	printf("fuzzall: %ld batches of %d calls (%ld exited, %ld died, %ld stopped by the "
	       "watchdog), still alive\n", batches, BATCH, counts[0], counts[1], counts[2]);
	return 0;
}
