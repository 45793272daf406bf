/* User test program: 20,000 calls of Keel's implemented system calls (those that cannot end
 * or wreck the program itself: no exit, read, mmap/munmap/brk/madvise, arch_prctl) with
 * arguments drawn from NULL, -1, kernel and non-canonical addresses, an unmapped page, a valid
 * buffer, small and huge numbers. Guest only (random open flags are not for the host): the
 * kernel must neither oops nor kill the program. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzzargs.h"

static const long calls[] = { 1, 2, 3, 13, 14, 16, 20, 39, 63, 102, 104, 107, 108, 186, 218,
			      180, 500, 1000 };
int main(void)
{
	void *unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int n = 0;

	fuzz_state = 0x2545f4914f6cdd1dULL;
	munmap(unmapped, 4096);
	for (int i = 0; i < 20000; i++) {
		long nr = calls[rnd() % (sizeof(calls) / sizeof(calls[0]))], a[6];

		for (int j = 0; j < 6; j++)
			a[j] = pick_arg(unmapped);
		if ((nr == 1 || nr == 20 || nr == 16 || nr == 3) && (a[0] >= 0 && a[0] <= 2))
			a[0] = 100; /* keep the console's fds: output and the test's prompt */
		if (nr == 2)
			a[1] &= ~0100L; /* no O_CREAT: nothing is created by chance */
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		n++;
	}
	printf("fuzz: %d calls, still alive\n", n);
	return 0;
}
