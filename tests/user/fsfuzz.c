/* User test program: 20,000 calls of the file, terminal, time and system calls with hostile
 * arguments (NULL, -1, kernel and non-canonical addresses, an unmapped page, a buffer, small
 * and huge numbers). Left out: calls that can block for good (readv, the poll/select family,
 * the sleeps, pipes a later write would fill) or change the machine (mount, umount2, reboot,
 * module loading, delete_module's log line). Guest only: the kernel must neither oops nor kill the program. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const long calls[] = { 4, 5, 6, 8, 17, 18, 21, 32, 33, 72, 74, 75, 76, 77, 79, 80, 81,
			      82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97,
			      99, 103, 133, 137, 138, 160, 162, 201, 217, 228, 229, 257,
			      258, 259, 260, 262, 263, 264, 265, 266, 267, 268, 269, 280, 292,
			      302, 306, 309, 316, 318, 439 };
static unsigned long long state = 0x9e3779b97f4a7c15ULL;
static char *buffer; /* two pages with an unmapped page above: overruns fault, not corrupt */

static unsigned long rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static long pick_arg(void *unmapped)
{
	const long pool[] = { 0, -1, (long)0xffffffff80000000UL, (long)0xffff800000000000UL,
			      0x0000800000000000L, (long)unmapped, (long)buffer,
			      (long)buffer + 4090, 1, 8, 4096, 0x7fffffff, 3, 100, -100 };

	return pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
}

/* Keeps the console's fds 0-2 open and where they are, and creates nothing by chance. */
static void tame(long nr, long *a)
{
	if ((nr == 33 || nr == 292) && a[1] >= 0 && a[1] <= 2)
		a[1] = 100; /* dup2/dup3 onto the console's fds */
	if (nr == 257 || nr == 85)
		a[2] &= ~0100L; /* openat without O_CREAT; creat's mode is harmless... */
	if (nr == 85)
		a[0] = 0; /* ...but creat always creates: give it no name */
	if (nr == 160)
		a[0] = 99; /* setrlimit: an unknown resource, never a real limit */
	if (nr == 302)
		a[2] = 0; /* prlimit64: read limits only */
}

int main(void)
{
	char *area = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	void *unmapped = area + 2 * 4096;
	int n = 0;

	munmap(unmapped, 4096);
	buffer = area + 4096; /* a page below too: small negative offsets stay mapped */
	for (int i = 0; i < 20000; i++) {
		long nr = calls[rnd() % (sizeof(calls) / sizeof(calls[0]))], a[6];

		for (int j = 0; j < 6; j++)
			a[j] = pick_arg(unmapped);
		tame(nr, a);
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		memset(buffer, 0, 4096); /* paths in it stay "" */
		n++;
	}
	chdir("/");
	printf("fsfuzz: %d calls, still alive\n", n);
	return 0;
}
