/* What the system call fuzzers (fuzz.c, fuzzall.c) share: a xorshift generator (each program
 * seeds fuzz_state its own way) and the pool of hostile arguments: NULL, -1, kernel and
 * non-canonical addresses, an unmapped page, a valid buffer and its last bytes, small and
 * huge numbers. */
#ifndef TESTS_USER_FUZZARGS_H
#define TESTS_USER_FUZZARGS_H

static unsigned long long fuzz_state;
static char fuzz_buffer[4096];

static unsigned long rnd(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return fuzz_state;
}

static long pick_arg(void *unmapped)
{
	const long pool[] = { 0, -1, (long)0xffffffff80000000UL, (long)0xffff800000000000UL,
			      0x0000800000000000L, (long)unmapped, (long)fuzz_buffer,
			      (long)fuzz_buffer + 4090, 1, 8, 4096, 0x7fffffff, 3, 100 };

	return pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
}

#endif
