/* What the file system call test programs share: CHECK(expr) prints the expression and its
 * result, or -1 with errno's number and musl's message (the same binary runs on the host and
 * in Keel, so the text is the same where the errno is). */
#ifndef TESTS_USER_CHECK_H
#define TESTS_USER_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CHECK(expr) check_report(#expr, (long)(expr))

static inline void check_report(const char *what, long ret)
{
	if (ret < 0)
		printf("%s = -1 errno %d (%s)\n", what, errno, strerror(errno));
	else
		printf("%s = %ld\n", what, ret);
	fflush(stdout);
}

#endif
