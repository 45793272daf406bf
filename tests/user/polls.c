/* poll, ppoll, select and pselect over pipes and a regular file: what is ready, timeouts that
 * last at least what was asked, POLLHUP/POLLERR after the other end closes, POLLNVAL and EBADF
 * for closed fds, negative fds ignored. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void show(struct pollfd *fds, int n)
{
	for (int i = 0; i < n; i++)
		printf(" fd%d:%#x", i, fds[i].revents);
	printf("\n");
}

int main(void)
{
	char path[] = "/tmp/kpoXXXXXX";
	int p[2], file = mkstemp(path);
	struct pollfd fds[4];
	struct timespec ts = { 0, 30 * 1000000 };
	struct timeval tv = { 0, 100 * 1000 };
	fd_set rd, wr;
	long long t;

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p));
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	fds[2] = (struct pollfd){ .fd = file, .events = POLLIN | POLLOUT };
	fds[3] = (struct pollfd){ .fd = -1, .events = POLLIN };
	CHECK(poll(fds, 4, 0));
	show(fds, 4);
	t = now_ms();
	CHECK(poll(fds, 1, 100));
	printf("waited 100 ms: %d\n", now_ms() - t >= 100);
	t = now_ms();
	CHECK(ppoll(fds, 1, &ts, NULL));
	printf("waited 30 ms: %d\n", now_ms() - t >= 30);
	CHECK(write(p[1], "x", 1));
	CHECK(poll(fds, 2, -1));
	show(fds, 2);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	FD_SET(file, &rd);
	CHECK(select(p[1] + 1, &rd, &wr, NULL, &tv));
	printf("select: rd %d %d wr %d\n", FD_ISSET(p[0], &rd), FD_ISSET(file, &rd),
	       FD_ISSET(p[1], &wr));
	CHECK(read(p[0], &t, 1));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv.tv_usec = 50 * 1000;
	t = now_ms();
	CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv));
	printf("select waited 50 ms: %d, rd %d\n", now_ms() - t >= 50, FD_ISSET(p[0], &rd));
	FD_SET(p[0], &rd);
	CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL));
	CHECK(close(p[1]));
	CHECK(poll(fds, 1, 0));
	show(fds, 1);
	FD_SET(p[0], &rd);
	CHECK(select(p[0] + 1, &rd, NULL, NULL, NULL));
	printf("select at eof: rd %d\n", FD_ISSET(p[0], &rd));
	CHECK(pipe(p));
	CHECK(close(p[0]));
	fds[0] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	fds[1] = (struct pollfd){ .fd = 99, .events = POLLIN };
	CHECK(poll(fds, 2, 0));
	show(fds, 2);
	FD_ZERO(&rd);
	FD_SET(60, &rd); /* below 64: Linux ignores fds past its table, whose size varies */
	CHECK(select(61, &rd, NULL, NULL, NULL));
	CHECK(poll((struct pollfd *)16, 1, 0));
	CHECK(select(-1, NULL, NULL, NULL, NULL));
	CHECK(unlink(path));
	return 0;
}
