/* Host unit test for <keel/kernel.h>'s helpers: min/max/clamp (values, single evaluation),
 * rounding, ARRAY_SIZE, swap, BUILD_BUG_ON and sprintf. */
/* UNIT_SOURCES: */
#include <keel/kernel.h>
#include "unit.h"

/* Counts its calls, so a test can see how often a macro evaluated an argument. */
static int calls;
static int counted(int v)
{
	calls++;
	return v;
}

static void test_min_max_values(void)
{
	int a = -5, b = 7;
	unsigned long big = ~0UL, small = 1;

	CHECK_INT(min(a, b), -5);
	CHECK_INT(max(a, b), 7);
	CHECK_UINT(min(big, small), 1);
	CHECK_UINT(max(big, small), ~0UL);
	CHECK_INT(min(3, 3), 3);
	CHECK_INT(min3(4, -2, 9), -2);
	CHECK_INT(max3(4, -2, 9), 9);
	CHECK_INT(min(min(1, 2), min(3, 0)), 0); /* nested: the temporaries do not clash */
	/* min_t converts first: -1 as unsigned is the largest, as int the smallest. */
	CHECK_UINT(min_t(unsigned int, -1, 5u), 5);
	CHECK_INT(min_t(int, -1, 5u), -1);
	CHECK_INT(max_t(long, (short)-3, 2u), 2);
	CHECK_INT(min_not_zero(0, 4), 4);
	CHECK_INT(min_not_zero(6, 0), 6);
	CHECK_INT(min_not_zero(6, 4), 4);
	CHECK_INT(min_not_zero(0, 0), 0);
}

static void test_single_evaluation(void)
{
	int i = 0;

	calls = 0;
	CHECK_INT(min(counted(2), counted(1)), 1);
	CHECK_INT(calls, 2);
	calls = 0;
	CHECK_INT(max(counted(2), counted(1)), 2);
	CHECK_INT(calls, 2);
	calls = 0;
	CHECK_INT(clamp(counted(50), counted(0), counted(10)), 10);
	CHECK_INT(calls, 3);
	calls = 0;
	CHECK_INT(min_t(long, counted(-1), counted(1)), -1);
	CHECK_INT(calls, 2);
	calls = 0;
	CHECK_INT(clamp_val(counted(-4), 0, 3), 0);
	CHECK_INT(calls, 1);
	CHECK_INT(min(i++, 10), 0);
	CHECK_INT(i, 1);
	CHECK_INT(max(++i, 0), 2);
	CHECK_INT(i, 2);
}

static void test_clamp(void)
{
	unsigned char narrow = 200;

	CHECK_INT(clamp(5, 0, 10), 5);
	CHECK_INT(clamp(-5, 0, 10), 0);
	CHECK_INT(clamp(15, 0, 10), 10);
	CHECK_INT(clamp(0, 0, 0), 0);
	CHECK_INT(clamp_t(int, 300u, -1, 255), 255);
	CHECK_INT(clamp_t(int, -7L, -1, 255), -1);
	/* clamp_val: int constants next to an unsigned char compare in the char's type. */
	CHECK_UINT(clamp_val(narrow, 10, 100), 100);
	CHECK_UINT(clamp_val(narrow, 10, 250), 200);
}

static void test_rounding(void)
{
	u64 big = 0x100000001ULL;

	CHECK_UINT(round_up(0u, 8), 0);
	CHECK_UINT(round_up(1u, 8), 8);
	CHECK_UINT(round_up(8u, 8), 8);
	CHECK_UINT(round_up(9u, 8), 16);
	CHECK_UINT(round_down(15u, 8), 8);
	CHECK_UINT(round_down(16u, 8), 16);
	/* The mask takes x's type: a 64-bit value keeps its high bits with an int alignment. */
	CHECK_UINT(round_up(big, 4096), 0x100001000ULL);
	CHECK_UINT(round_down(big, 4096), 0x100000000ULL);
	CHECK_UINT(DIV_ROUND_UP(0, 512), 0);
	CHECK_UINT(DIV_ROUND_UP(1, 512), 1);
	CHECK_UINT(DIV_ROUND_UP(512, 512), 1);
	CHECK_UINT(DIV_ROUND_UP(513, 512), 2);
	CHECK_UINT(DIV_ROUND_UP(10, 3), 4);
	CHECK_UINT(roundup(10, 3), 12);
	CHECK_UINT(rounddown(10, 3), 9);

	calls = 0;
	CHECK_UINT(round_up((unsigned int)counted(5), 4), 8);
	CHECK_INT(calls, 1);
}

/* These are constant expressions: they size arrays and feed static assertions. */
static char rounded_buf[round_up(13, 8)];
static int table[7];
BUILD_BUG_ON(sizeof(rounded_buf) != 16);
static_assert(ARRAY_SIZE(table) == 7);
static_assert(DIV_ROUND_UP(4097, 4096) == 2, "DIV_ROUND_UP is constant");

struct outer {
	int a;
	long member;
};

static void test_misc(void)
{
	int x = 1, y = 2;
	struct outer o;
	long *mp = &o.member;
	char buf[32];

	swap(x, y);
	CHECK_INT(x, 2);
	CHECK_INT(y, 1);
	CHECK_UINT(ARRAY_SIZE(table), 7);
	CHECK_UINT(BUILD_BUG_ON_ZERO(0), 0);
	CHECK(container_of(mp, struct outer, member) == &o);
	CHECK_INT(sprintf(buf, "%s-%d", "keel", 42), 7);
	CHECK_STR(buf, "keel-42");
	CHECK_INT(scnprintf(buf, 4, "%d", 123456), 3);
	CHECK_STR(buf, "123");
}

int main(void)
{
	test_min_max_values();
	test_single_evaluation();
	test_clamp();
	test_rounding();
	test_misc();
	return unit_summary();
}
