/* Host unit test for <keel/overflow.h> (check_*_overflow, size_add/size_mul/array_size,
 * struct_size) and the block range check built on it, blk_range_within() in <keel/blkdev.h>:
 * the sizes issue 11 found wrapping (2,097,152 x 2048 bytes, 2^48 + 1 sectors, u64 ends). */
/* UNIT_SOURCES: */
#include <keel/blkdev.h>
#include <keel/overflow.h>
#include "unit.h"

struct flex {
	u64 header;
	u32 items[];
};

static void test_check_add(void)
{
	u32 r32;
	u64 r64;
	u8 r8;
	int ri;

	CHECK(!check_add_overflow(1u, 2u, &r32) && r32 == 3);
	CHECK(check_add_overflow(0xffffffffu, 1u, &r32) && r32 == 0); /* wrapped value stored */
	CHECK(!check_add_overflow((u64)0xffffffffu, 1u, &r64) && r64 == 0x100000000ULL);
	CHECK(check_add_overflow(~0ULL, 1ULL, &r64));
	CHECK(check_add_overflow(200, 100, &r8));      /* fits int, not the u8 destination */
	CHECK(!check_add_overflow(200, 55, &r8) && r8 == 255);
	CHECK(check_add_overflow(INT_MAX, 1, &ri));
	CHECK(!check_add_overflow(-5, 3, &ri) && ri == -2);
	CHECK(check_add_overflow(-1, 0, &r32));        /* negative into unsigned */
}

static void test_check_sub_mul(void)
{
	u32 r32;
	u64 r64;

	CHECK(check_sub_overflow(0u, 1u, &r32));
	CHECK(!check_sub_overflow(5u, 3u, &r32) && r32 == 2);
	/* The example: 2,097,152 CD sectors of 2048 bytes is 2^32, which wraps to 0. */
	CHECK(check_mul_overflow(2097152u, 2048u, &r32) && r32 == 0);
	CHECK(!check_mul_overflow((u64)2097152u, 2048u, &r64) && r64 == 1ULL << 32);
	CHECK(check_mul_overflow(8388608u, 512u, &r32)); /* 8 MiB ATA sectors */
	CHECK(check_mul_overflow(1ULL << 32, 1ULL << 32, &r64));
	CHECK(!check_mul_overflow(0ULL, ~0ULL, &r64) && r64 == 0);
	CHECK(check_mul_overflow(-1, 2, &r32));
}

static void test_saturating(void)
{
	struct flex *f = NULL;

	CHECK_UINT(size_mul(3, 5), 15);
	CHECK_UINT(size_mul(SIZE_MAX / 2 + 1, 2), SIZE_MAX);
	CHECK_UINT(size_add(SIZE_MAX, 1), SIZE_MAX);
	CHECK_UINT(size_add(1, 2), 3);
	CHECK_UINT(array_size(1000, 8), 8000);
	CHECK_UINT(array_size(SIZE_MAX / 8 + 1, 8), SIZE_MAX);
	CHECK_UINT(struct_size(f, items, 4), sizeof(*f) + 16);
	CHECK_UINT(struct_size(f, items, SIZE_MAX / 4), SIZE_MAX);
	CHECK_UINT(size_add(struct_size(f, items, SIZE_MAX / 2), 1), SIZE_MAX);
}

static void test_blk_range(void)
{
	const u64 lba48 = 1ULL << 48, lba28 = 1ULL << 28;

	CHECK(blk_range_within(0, 1, 1));
	CHECK(!blk_range_within(0, 0, 100));           /* empty */
	CHECK(!blk_range_within(99, 2, 100));          /* one past the end */
	CHECK(blk_range_within(99, 1, 100));
	CHECK(!blk_range_within(100, 1, 100));
	/* `ata write hda 281474976710656 1 1`: 2^48 is not addressable and must not wrap to 0. */
	CHECK(!blk_range_within(lba48, 1, lba48));
	CHECK(blk_range_within(lba48 - 1, 1, lba48));
	CHECK(!blk_range_within(lba48 - 1, 2, lba48));
	CHECK(!blk_range_within(lba28 - 8, 16, lba28));
	/* A start near 2^64 makes start + count wrap to a small end: refused, not "inside". */
	CHECK(!blk_range_within(~0ULL, 2, 100));
	CHECK(!blk_range_within(~0ULL - 5, 10, ~0ULL));
	CHECK(blk_range_within(~0ULL - 5, 5, ~0ULL));
	CHECK(!blk_range_within(1, ~0ULL, ~0ULL));
	/* ATAPI READ(10) addresses 32 bits. */
	CHECK(!blk_range_within(0xffffffffULL, 2, 1ULL << 32));
}

int main(void)
{
	test_check_add();
	test_check_sub_mul();
	test_saturating();
	test_blk_range();
	return unit_summary();
}
