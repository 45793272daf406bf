/* User test program: random system call numbers (0..463, the module range 500..515 and a few
 * beyond) with random arguments, for `fuzzall SECONDS` seconds. Guest only. Each batch of
 * calls runs in a child with fds 0-2 closed (so the console and the test's prompt stay
 * intact) that the parent kills after 300 ms if a call blocks; a child may also die of its
 * own doing (munmap of its stack...). The kernel must neither oops nor lose the parent.
 * Calls that could reach beyond the child are not made: fork/clone (the process limit has
 * its own test), kill and friends (kill(0) would hit the parent), reboot, mount/umount,
 * module loading and unloading; nor exit, so that every batch makes all its calls. */
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
#define WATCHDOG_MS 300

static int forbidden(long nr)
{
	static const long deny[] = { SYS_clone, SYS_fork, SYS_vfork, SYS_clone3, SYS_kill,
				     SYS_tkill, SYS_tgkill, SYS_reboot, SYS_mount, SYS_umount2,
				     SYS_init_module, SYS_finit_module, SYS_delete_module,
				     SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, SYS_pidfd_send_signal,
				     SYS_kexec_load, SYS_swapon, SYS_swapoff, SYS_pivot_root,
				     SYS_chroot, SYS_setpgid, SYS_setsid, SYS_exit, SYS_exit_group };

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

static int verbose; /* "fuzzall SECONDS v": each call on stderr first, to find a culprit */

static void child(unsigned long seed, void *unmapped)
{
	fuzz_state = seed * 0x2545f4914f6cdd1dULL + 0x9e3779b97f4a7c15ULL; /* never 0 */
	if (chdir("/tmp"))
		_exit(3);
	close(0);
	close(1);
	if (!verbose)
		close(2);
	for (int i = 0; i < BATCH; i++) {
		long nr = pick_nr(), a[6];

		for (int j = 0; j < 6; j++)
			a[j] = pick_any_arg(unmapped);
		if (verbose)
			dprintf(2, "%lu: %ld(%lx, %lx, %lx, %lx, %lx, %lx)\n", seed, nr, a[0], a[1],
				a[2], a[3], a[4], a[5]);
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

/* Waits for pid, killing it after WATCHDOG_MS; 0 made all its calls, 1 killed by a signal
 * of its own, 2 killed by the watchdog, 3 could not start. */
static int reap(pid_t pid)
{
	struct timespec tick = { 0, 1000000 };
	int status;

	for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited++) {
		if (waited >= WATCHDOG_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 2;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFSIGNALED(status))
		return 1;
	return WEXITSTATUS(status) ? 3 : 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5, end = seconds_now() + seconds;
	void *unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long batches = 0, counts[4] = { 0 };

	verbose = argc > 2 && argv[2][0] == 'v';
	munmap(unmapped, 4096);
	while (seconds_now() < end) {
		pid_t pid = fork();

		if (pid == 0)
			child((unsigned long)batches + 1, unmapped); /* batch N: always the same calls */
		if (pid < 0) {
			perror("fuzzall: fork");
			return 1;
		}
		counts[reap(pid)]++;
		batches++;
	}
	printf("fuzzall: %ld batches of %d calls (%ld completed, %ld died, %ld stopped by the "
	       "watchdog), still alive\n", batches, BATCH, counts[0], counts[1], counts[2]);
	if (counts[3])
		printf("fuzzall: %ld children could not start\n", counts[3]);
	return counts[3] ? 1 : 0;
}
