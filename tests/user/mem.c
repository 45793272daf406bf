/* User test program: malloc/free of many sizes (brk and mmap underneath), each block filled
 * with a pattern and checked; a large mmap/munmap; brk grown, used and shrunk by the raw
 * system call; munmap of a middle page (a VMA split) and MAP_FIXED over a mapping. Prints
 * only address-independent results, for comparison with the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define NBLOCKS 200

static unsigned char pattern(size_t i, size_t j) { return (unsigned char)(i * 31 + j * 7); }

static int fill_and_check(void)
{
	static unsigned char *blocks[NBLOCKS];
	static size_t sizes[NBLOCKS];
	int bad = 0;

	for (size_t i = 0; i < NBLOCKS; i++) {
		sizes[i] = (i * 977) % 70000 + 1;
		blocks[i] = malloc(sizes[i]);
		if (!blocks[i])
			return -1;
		for (size_t j = 0; j < sizes[i]; j++)
			blocks[i][j] = pattern(i, j);
	}
	for (size_t i = 0; i < NBLOCKS; i++) {
		for (size_t j = 0; j < sizes[i]; j++)
			bad += blocks[i][j] != pattern(i, j);
		free(blocks[i]);
	}
	return bad;
}

/* brk(2) itself (musl's sbrk refuses non-zero increments). */
static void test_brk(void)
{
	unsigned long start = syscall(SYS_brk, 0), grown, back;
	int bad = 0;

	grown = syscall(SYS_brk, start + 100000);
	for (unsigned long a = start; a < start + 100000; a += 1000)
		*(volatile char *)a = 1;
	for (unsigned long a = start; a < start + 100000; a += 1000)
		bad += *(volatile char *)a != 1;
	back = syscall(SYS_brk, start);
	printf("brk: grew %s, %d bad, shrank %s, below start refused %s\n",
	       grown == start + 100000 ? "yes" : "no", bad, back == start ? "yes" : "no",
	       syscall(SYS_brk, start - 0x100000) == (long)start ? "yes" : "no");
}

static void test_split_and_fixed(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	memset(p, 'a', 3 * 4096);
	printf("munmap middle: %d, ", munmap(p + 4096, 4096));
	printf("ends kept: %s\n", p[0] == 'a' && p[3 * 4096 - 1] == 'a' ? "yes" : "no");
	q = mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED over it: %s, zeroed: %s\n", q == p ? "same address" : "moved",
	       q[0] == 0 ? "yes" : "no");
	printf("munmap unaligned: %d, length 0: %d\n", munmap(p + 1, 4096), munmap(p, 0));
	munmap(p, 3 * 4096);
}

int main(void)
{
	size_t big = 4 << 20;
	unsigned char *p;
	int bad = fill_and_check();

	printf("malloc: %d bad bytes\n", bad);
	p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < big; i += 4096)
		bad += p[i] != 0;
	memset(p, 0xa5, big);
	for (size_t i = 0; i < big; i += 4093)
		bad += p[i] != 0xa5;
	printf("mmap: %d bad bytes, munmap %d\n", bad, munmap(p, big));
	test_brk();
	test_split_and_fixed();
	return bad != 0;
}
