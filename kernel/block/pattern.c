/*
 * The block layer's test pattern, which `blk write` and drivers' own test commands (ata write)
 * write and the host reproduces to check every byte: xorshift64* with state
 * x = SEED + 0x9e3779b97f4a7c15 (mod 2^64; 1 if that is 0), and for each 8-byte word in order:
 * x ^= x >> 12; x ^= x << 25; x ^= x >> 27; word = x * 0x2545f4914f6cdd1d (mod 2^64), stored
 * little-endian.
 */
#include <keel/blkdev.h>
#include <keel/export.h>

u64 blk_pattern_seed(u64 seed)
{
	u64 x = seed + 0x9e3779b97f4a7c15ULL;

	return x ? x : 1;
}
EXPORT_SYMBOL_GPL(blk_pattern_seed);

void blk_pattern_fill(u64 *state, void *buf, size_t len)
{
	u8 *bytes = buf;
	u64 x = *state;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		u64 word = x * 0x2545f4914f6cdd1dULL;

		for (int b = 0; b < 8; b++)
			bytes[i + b] = (u8)(word >> (8 * b));
	}
	*state = x;
}
EXPORT_SYMBOL_GPL(blk_pattern_fill);
