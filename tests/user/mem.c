/* User test program: malloc/free of many sizes (brk and mmap underneath), each block filled
 * with a pattern and checked, then a large mmap/munmap; prints a summary line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	return bad != 0;
}
