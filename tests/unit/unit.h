/*
 * Assertions for host unit tests (tests/unit/test_*.c). A failed check prints where and why and
 * the test carries on, so one run shows every failure; unit_summary() prints the
 * "N passed, M failed" line the runner reads and gives main()'s exit status.
 */
#ifndef KEEL_TESTS_UNIT_H
#define KEEL_TESTS_UNIT_H

#include <stdio.h>

static unsigned int unit_passed, unit_failed;

static inline void unit_report(int ok, const char *file, int line, const char *what)
{
	if (ok) {
		unit_passed++;
		return;
	}
	unit_failed++;
	fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
}

#define CHECK(cond) unit_report(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_INT(actual, expected)                                                          \
	do {                                                                                 \
		long long a_ = (long long)(actual), e_ = (long long)(expected);             \
		unit_report(a_ == e_, __FILE__, __LINE__, #actual " == " #expected);        \
		if (a_ != e_)                                                                \
			fprintf(stderr, "    got %lld, expected %lld\n", a_, e_);                \
	} while (0)

#define CHECK_UINT(actual, expected)                                                         \
	do {                                                                                 \
		unsigned long long a_ = (actual), e_ = (expected);                          \
		unit_report(a_ == e_, __FILE__, __LINE__, #actual " == " #expected);        \
		if (a_ != e_)                                                                \
			fprintf(stderr, "    got %#llx, expected %#llx\n", a_, e_);              \
	} while (0)

/* Compares with the host's strcmp, so a bug in the libk under test cannot hide itself. */
#define CHECK_STR(actual, expected)                                                          \
	do {                                                                                 \
		const char *a_ = (actual), *e_ = (expected);                                 \
		int ok_ = a_ && e_ && host_strcmp(a_, e_) == 0;                              \
		unit_report(ok_, __FILE__, __LINE__, #actual " == " #expected);             \
		if (!ok_)                                                                    \
			fprintf(stderr, "    got \"%s\", expected \"%s\"\n", a_ ? a_ : "(null)", \
				e_ ? e_ : "(null)");                                         \
	} while (0)

static inline int unit_summary(void)
{
	printf("%u passed, %u failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
