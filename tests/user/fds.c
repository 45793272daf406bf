/* File descriptors: dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD,
 * F_GETFL/F_SETFL), O_CLOEXEC, shared offsets between duplicates, and the EBADF/EINVAL cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define FLMASK (O_ACCMODE | O_APPEND | O_NONBLOCK)

int main(void)
{
	char path[] = "/tmp/kfdXXXXXX", buf[16] = { 0 };
	int fd = mkstemp(path), d;

	CHECK(fd);
	CHECK(write(fd, "abcdef", 6));
	d = dup(fd);
	CHECK(d);
	CHECK(lseek(d, 1, SEEK_SET));
	CHECK(lseek(fd, 0, SEEK_CUR)); /* duplicates share the offset */
	CHECK(read(fd, buf, 2));
	printf("read %s\n", buf);
	CHECK(dup2(fd, 10));
	CHECK(dup2(10, 10));
	CHECK(dup2(99, 10));
	CHECK(dup2(fd, -1));
	CHECK(dup3(fd, fd, 0));
	CHECK(dup3(fd, 11, O_CLOEXEC));
	CHECK(dup3(fd, 12, 1));
	CHECK(fcntl(11, F_GETFD));
	CHECK(fcntl(10, F_GETFD));
	CHECK(fcntl(10, F_SETFD, FD_CLOEXEC));
	CHECK(fcntl(10, F_GETFD));
	CHECK(fcntl(fd, F_DUPFD, 20));
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 20));
	CHECK(fcntl(21, F_GETFD));
	CHECK(fcntl(fd, F_DUPFD, -1));
	CHECK(fcntl(fd, F_GETFL) & FLMASK);
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	CHECK(fcntl(fd, F_GETFL) & FLMASK);
	CHECK(fcntl(d, F_GETFL) & FLMASK); /* the same open file */
	CHECK(fcntl(fd, F_SETFL, 0));
	CHECK(fcntl(99, F_GETFL));
	CHECK(fcntl(99, F_GETFD));
	CHECK(fcntl(fd, 12345));
	d = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fcntl(d, F_GETFD));
	CHECK(fcntl(d, F_GETFL) & FLMASK);
	CHECK(write(d, "x", 1));
	CHECK(close(d));
	CHECK(close(d));
	CHECK(close(-1));
	CHECK(read(99, buf, 1));
	CHECK(write(-5, buf, 1));
	CHECK(lseek(99, 0, SEEK_SET));
	CHECK(fstat(99, NULL));
	CHECK(dup(1000));
	CHECK(isatty(fd));
	CHECK(unlink(path));
	return 0;
}
