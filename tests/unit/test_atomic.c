/*
 * Host unit test for <keel/atomic.h>, <keel/barrier.h> and <keel/refcount.h>: every atomic
 * operation's value and return value on the three types, a many-thread increment race, and
 * refcount_t saturating (and warning once per kind) on overflow, on addition to 0 and on
 * decrement below 0 instead of wrapping.
 */
/* UNIT_SOURCES: kernel/lib/refcount.c */
#include <pthread.h>
#include <keel/atomic.h>
#include <keel/barrier.h>
#include <keel/refcount.h>
#include "host_bug.h"
#include "unit.h"

static void test_atomic_basic(void)
{
	atomic_t v = ATOMIC_INIT(5);

	CHECK_INT(atomic_read(&v), 5);
	atomic_set(&v, 10);
	CHECK_INT(atomic_read(&v), 10);
	atomic_add(3, &v);
	CHECK_INT(atomic_read(&v), 13);
	atomic_sub(4, &v);
	CHECK_INT(atomic_read(&v), 9);
	atomic_inc(&v);
	atomic_dec(&v);
	atomic_dec(&v);
	CHECK_INT(atomic_read(&v), 8);
	CHECK_INT(atomic_inc_return(&v), 9);
	CHECK_INT(atomic_dec_return(&v), 8);
	CHECK_INT(atomic_add_return(2, &v), 10);
	CHECK_INT(atomic_sub_return(12, &v), -2);
	CHECK_INT(atomic_fetch_add(5, &v), -2);
	CHECK_INT(atomic_fetch_sub(1, &v), 3);
	CHECK_INT(atomic_read(&v), 2);
}

static void test_atomic_tests(void)
{
	atomic_t v = ATOMIC_INIT(2);

	CHECK(!atomic_dec_and_test(&v));
	CHECK(atomic_dec_and_test(&v));
	CHECK_INT(atomic_read(&v), 0);
	atomic_set(&v, -1);
	CHECK(atomic_inc_and_test(&v));
	CHECK(!atomic_inc_and_test(&v));
	atomic_set(&v, 7);
	CHECK(!atomic_sub_and_test(3, &v));
	CHECK(atomic_sub_and_test(4, &v));
	CHECK(atomic_add_negative(-1, &v));
	CHECK(!atomic_add_negative(1, &v));
}

static void test_atomic_exchange(void)
{
	atomic_t v = ATOMIC_INIT(1);
	int old = 5;

	CHECK_INT(atomic_xchg(&v, 4), 1);
	CHECK_INT(atomic_read(&v), 4);
	CHECK_INT(atomic_cmpxchg(&v, 3, 9), 4); /* mismatch: unchanged, returns current */
	CHECK_INT(atomic_read(&v), 4);
	CHECK_INT(atomic_cmpxchg(&v, 4, 9), 4); /* match: stored */
	CHECK_INT(atomic_read(&v), 9);
	CHECK(!atomic_try_cmpxchg(&v, &old, 1)); /* mismatch: old gets the current value */
	CHECK_INT(old, 9);
	CHECK(atomic_try_cmpxchg(&v, &old, 1));
	CHECK_INT(atomic_read(&v), 1);

	CHECK(atomic_inc_not_zero(&v));
	CHECK_INT(atomic_read(&v), 2);
	atomic_set(&v, 0);
	CHECK(!atomic_inc_not_zero(&v));
	CHECK_INT(atomic_read(&v), 0);
	CHECK_INT(atomic_fetch_add_unless(&v, 5, 3), 0);
	CHECK_INT(atomic_fetch_add_unless(&v, 5, 5), 5);
	CHECK_INT(atomic_read(&v), 5);
	CHECK(!atomic_add_unless(&v, 1, 5));
}

/* Arithmetic wraps like Linux's atomics, without undefined behaviour (UBSan is watching). */
static void test_atomic_wraps(void)
{
	atomic_t v = ATOMIC_INIT(INT_MAX);

	CHECK_INT(atomic_inc_return(&v), INT_MIN);
	CHECK_INT(atomic_dec_return(&v), INT_MAX);
	atomic_set(&v, INT_MAX);
	CHECK(atomic_inc_not_zero(&v));
	CHECK_INT(atomic_read(&v), INT_MIN);
}

static void test_atomic64_long(void)
{
	atomic64_t a = ATOMIC64_INIT(0x100000000LL);
	atomic_long_t l = ATOMIC_LONG_INIT(-1);
	s64 old = 0;

	CHECK_INT(atomic64_add_return(0x100000000LL, &a), 0x200000000LL);
	CHECK_INT(atomic64_fetch_sub(1, &a), 0x200000000LL);
	CHECK_INT(atomic64_read(&a), 0x1ffffffffLL);
	CHECK(!atomic64_try_cmpxchg(&a, &old, 0));
	CHECK_INT(old, 0x1ffffffffLL);
	CHECK_INT(atomic64_xchg(&a, 3), 0x1ffffffffLL);
	CHECK(atomic64_inc_not_zero(&a));
	CHECK(!atomic64_dec_and_test(&a));
	CHECK(atomic_long_inc_and_test(&l));
	CHECK_INT(atomic_long_cmpxchg(&l, 0, LONG_MAX), 0);
	CHECK_INT(atomic_long_read(&l), LONG_MAX);
	CHECK_INT(atomic_long_dec_return(&l), LONG_MAX - 1);
}

static void test_plain_exchange(void)
{
	unsigned long word = 3;
	int flag = 0, expected = 1;

	CHECK_UINT(xchg(&word, 8UL), 3);
	CHECK_UINT(cmpxchg(&word, 8UL, 9UL), 8);
	CHECK_UINT(word, 9);
	CHECK_UINT(cmpxchg(&word, 8UL, 10UL), 9);
	CHECK_UINT(word, 9);
	CHECK(!try_cmpxchg(&flag, &expected, 2));
	CHECK_INT(expected, 0);
	CHECK(try_cmpxchg(&flag, &expected, 2));
	CHECK_INT(flag, 2);
	smp_mb();
	smp_rmb();
	smp_wmb();
	mb();
	rmb();
	wmb();
	smp_store_release(&flag, 5);
	CHECK_INT(smp_load_acquire(&flag), 5);
}

#define RACE_THREADS 4
#define RACE_ROUNDS 100000

static atomic_t race_counter;
static atomic_long_t race_inc_not_zero;

static void *race_thread(void *arg)
{
	for (int i = 0; i < RACE_ROUNDS; i++) {
		atomic_inc(&race_counter);
		atomic_long_inc_not_zero(&race_inc_not_zero);
		atomic_fetch_add(2, &race_counter);
		atomic_sub_return(2, &race_counter);
	}
	return NULL;
}

/* Lost updates would show as a count below threads x rounds. */
static void test_atomic_race(void)
{
	pthread_t threads[RACE_THREADS];

	atomic_set(&race_counter, 0);
	atomic_long_set(&race_inc_not_zero, 1);
	for (int i = 0; i < RACE_THREADS; i++)
		CHECK_INT(pthread_create(&threads[i], NULL, race_thread, NULL), 0);
	for (int i = 0; i < RACE_THREADS; i++)
		pthread_join(threads[i], NULL);
	CHECK_INT(atomic_read(&race_counter), RACE_THREADS * RACE_ROUNDS);
	CHECK_INT(atomic_long_read(&race_inc_not_zero), 1 + RACE_THREADS * RACE_ROUNDS);
}

static void test_refcount_normal(void)
{
	refcount_t r = REFCOUNT_INIT(1);
	unsigned int before = unit_warnings;

	refcount_inc(&r);
	refcount_add(3, &r);
	CHECK_UINT(refcount_read(&r), 5);
	refcount_dec(&r);
	CHECK(!refcount_sub_and_test(3, &r));
	CHECK(refcount_inc_not_zero(&r));
	CHECK(!refcount_dec_and_test(&r));
	CHECK(refcount_dec_and_test(&r));
	CHECK_UINT(refcount_read(&r), 0);
	CHECK(!refcount_inc_not_zero(&r)); /* 0 stays 0: the object is going away */
	CHECK_UINT(refcount_read(&r), 0);
	refcount_set(&r, 2);
	CHECK(refcount_add_not_zero(2, &r));
	CHECK_UINT(refcount_read(&r), 4);
	CHECK_UINT(unit_warnings, before); /* none of that warns */
}

/* On overflow the count saturates and stays saturated; the warning is printed only once. */
static void test_refcount_overflow(void)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_MAX);
	refcount_t r2 = REFCOUNT_INIT(REFCOUNT_MAX - 1);
	unsigned int before = unit_warnings;

	refcount_inc(&r);
	CHECK_UINT(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
	CHECK_UINT(unit_warnings, before + 1);
	CHECK_STR(unit_last_warning, "refcount_t: saturated; leaking memory.\n");
	refcount_inc(&r);
	refcount_add(1000, &r);
	CHECK(!refcount_dec_and_test(&r)); /* saturated: never reaches 0, never freed */
	CHECK_UINT(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
	refcount_add(2, &r2); /* a second object overflowing: the same kind, no second report */
	CHECK_UINT(refcount_read(&r2), (unsigned int)REFCOUNT_SATURATED);
	/* dec_and_test on a saturated count is a SUB_UAF, reported already by the test before. */
	CHECK_UINT(unit_warnings, before + 1);
	for (int i = 0; i < 10; i++)
		refcount_inc(&r);
	CHECK_UINT(unit_warnings, before + 1);
	CHECK_UINT(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
}

/* Dropping more references than were taken saturates instead of going negative and wrapping. */
static void test_refcount_underflow(void)
{
	refcount_t r = REFCOUNT_INIT(1);
	refcount_t z = REFCOUNT_INIT(0);
	refcount_t d = REFCOUNT_INIT(1);
	refcount_t nz = REFCOUNT_INIT(REFCOUNT_MAX);
	unsigned int before = unit_warnings;

	CHECK(refcount_dec_and_test(&r));
	CHECK(!refcount_dec_and_test(&r)); /* below 0: SUB_UAF, already reported once above */
	CHECK_UINT(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
	for (int i = 0; i < 10; i++)
		CHECK(!refcount_dec_and_test(&r));
	CHECK_UINT(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
	CHECK_UINT(unit_warnings, before);

	refcount_inc(&z); /* addition on 0: a use after free, first report of its kind */
	CHECK_UINT(refcount_read(&z), (unsigned int)REFCOUNT_SATURATED);
	CHECK_UINT(unit_warnings, before + 1);
	CHECK_STR(unit_last_warning, "refcount_t: addition on 0; use-after-free.\n");

	refcount_dec(&d); /* 1 -> 0 without the test: leak */
	CHECK_UINT(refcount_read(&d), (unsigned int)REFCOUNT_SATURATED);
	CHECK_UINT(unit_warnings, before + 2);
	CHECK_STR(unit_last_warning, "refcount_t: decrement hit 0; leaking memory.\n");

	CHECK(refcount_inc_not_zero(&nz)); /* overflow through inc_not_zero */
	CHECK_UINT(refcount_read(&nz), (unsigned int)REFCOUNT_SATURATED);
	CHECK_UINT(unit_warnings, before + 3);
	refcount_dec(&d);
	refcount_inc(&z);
	CHECK(refcount_inc_not_zero(&nz));
	CHECK_UINT(unit_warnings, before + 3);
}

static void test_refcount_first_underflow_message(void)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_SATURATED);

	/* Run first of the saturation tests: the first SUB_UAF report, with its message. */
	CHECK(!refcount_sub_and_test(1, &r));
	CHECK_UINT(unit_warnings, 1);
	CHECK_STR(unit_last_warning, "refcount_t: underflow; use-after-free.\n");
}

int main(void)
{
	test_atomic_basic();
	test_atomic_tests();
	test_atomic_exchange();
	test_atomic_wraps();
	test_atomic64_long();
	test_plain_exchange();
	test_atomic_race();
	test_refcount_normal();
	test_refcount_first_underflow_message();
	test_refcount_overflow();
	test_refcount_underflow();
	return unit_summary();
}
