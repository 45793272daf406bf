/*
 * /dev/random and /dev/urandom's generator: xoshiro256** (a fast, statistically good PRNG,
 * not a cryptographic one) seeded at boot from RDSEED or RDRAND when the CPU has them, else
 * from the time stamp counter, and stirred with the TSC at each read so two boots (or two
 * readers) do not repeat each other.
 */
#define pr_fmt(fmt) "random: " fmt

#include <keel/ktime.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include "char/mem.h"

static u64 rng_state[4];
static DEFINE_SPINLOCK(rng_lock);

static u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static u64 xoshiro_next(void)
{
	u64 result = rotl(rng_state[1] * 5, 7) * 9;
	u64 t = rng_state[1] << 17;

	rng_state[2] ^= rng_state[0];
	rng_state[3] ^= rng_state[1];
	rng_state[1] ^= rng_state[2];
	rng_state[0] ^= rng_state[3];
	rng_state[2] ^= t;
	rng_state[3] = rotl(rng_state[3], 45);
	return result;
}

/* splitmix64: spreads a weak seed (a TSC value) over all 64 bits. */
static u64 splitmix(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* CPUID leaf (subleaf 0): returns EAX, stores EBX and ECX. */
static u32 cpuid_bits(u32 leaf, u32 *ebx, u32 *ecx)
{
	u32 a = leaf, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	*ebx = b;
	*ecx = c;
	return a;
}

/* One hardware random value: RDSEED (leaf 7 EBX bit 18), else RDRAND (leaf 1 ECX bit 30). */
static bool hw_random(u64 *out)
{
	u32 b, c;
	u8 ok = 0;

	b = 0;
	if (cpuid_bits(0, &b, &c) >= 7)
		cpuid_bits(7, &b, &c);
	else
		b = 0;
	for (int tries = 0; (b & (1u << 18)) && !ok && tries < 10; tries++)
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
	cpuid_bits(1, &b, &c);
	for (int tries = 0; (c & (1u << 30)) && !ok && tries < 10; tries++)
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
	return ok;
}

bool random_init(void)
{
	u64 x = rdtsc();
	bool hw = false;

	for (int i = 0; i < 4; i++) {
		u64 v;

		if (hw_random(&v)) {
			hw = true;
			x ^= v;
		}
		rng_state[i] = splitmix(&x);
	}
	pr_info("seeded from %s\n", hw ? "RDSEED/RDRAND" : "the TSC");
	return hw;
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;
	unsigned long flags;

	spin_lock_irqsave(&rng_lock, flags);
	rng_state[0] ^= rdtsc();
	while (len) {
		u64 v = xoshiro_next();
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	spin_unlock_irqrestore(&rng_lock, flags);
}
