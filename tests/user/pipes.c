/* Pipes in one process: write then read, FIONREAD, EOF after the write end closes, O_NONBLOCK's
 * EAGAIN on an empty and a full pipe (capacity 64 KiB), EPIPE (SIGPIPE ignored) with no
 * reader, ESPIPE for lseek, fstat's S_IFIFO, pipe2 flags. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

static char big[70000];

/* "block": a read of an empty pipe sleeps until a signal (Ctrl-C in the test) ends it. */
static int block(void)
{
	int p[2];
	char c;

	CHECK(pipe(p));
	printf("blocking\n");
	fflush(stdout);
	CHECK(read(p[0], &c, 1));
	return 0;
}

int main(int argc, char **argv)
{
	int p[2], q[2], n = 0;
	char buf[64] = { 0 };
	struct stat st;
	long total = 0, r;

	if (argc > 1 && !strcmp(argv[1], "block"))
		return block();
	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p));
	CHECK(write(p[1], "hello pipe", 10));
	CHECK(ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	CHECK(read(p[0], buf, 5));
	printf("got %.5s\n", buf);
	CHECK(read(p[0], buf, sizeof(buf)));
	printf("got %.5s\n", buf);
	CHECK(lseek(p[0], 0, SEEK_SET));
	CHECK(fstat(p[0], &st));
	printf("fifo %d\n", S_ISFIFO(st.st_mode));
	CHECK(write(p[0], "x", 1));
	CHECK(read(p[1], buf, 1));
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK(read(p[0], buf, 1));
	CHECK(close(p[1]));
	CHECK(read(p[0], buf, 1)); /* EOF: no writer left */
	CHECK(close(p[0]));
	CHECK(pipe2(q, O_NONBLOCK | O_CLOEXEC));
	CHECK(fcntl(q[0], F_GETFD));
	CHECK(fcntl(q[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	while ((r = write(q[1], big, sizeof(big))) > 0)
		total += r;
	printf("capacity %ld\n", total);
	CHECK(write(q[1], big, 1));
	CHECK(read(q[0], big, 4096));
	CHECK(write(q[1], big, 5000)); /* more than PIPE_BUF: partial */
	CHECK(write(q[1], big, 100)); /* at most PIPE_BUF: all or nothing */
	CHECK(close(q[0]));
	CHECK(write(q[1], "x", 1));
	CHECK(close(q[1]));
	CHECK(pipe2(q, 12345));
	CHECK(syscall(SYS_pipe, 8));
	return 0;
}
