/* User test program: file mappings (mmap(2) of files, msync, mremap). `mmapfile DIR`: a
 * file made in DIR mapped privately (contents, copy-on-write leaves the file alone, the tail
 * of the last page reads as zeros, the page past it is SIGBUS, page offsets), mmap's errors,
 * a shared anonymous mapping seen by a forked child and its parent, /dev/zero, mremap growing and
 * moving memory. `mmapfile DIR shared`: MAP_SHARED of a file, written through the mapping
 * and read back with read(2), and the other way round, across fork, with msync.
 * `mmapfile FILE sum`: the bytes of FILE through a private mapping, as a checksum.
 * `mmapfile DIR loop N`: N map/touch/unmap rounds (for leak checks). `mmapfile FILE poke
 * OFFSET TEXT`: TEXT written into FILE at OFFSET through a shared mapping (no msync). Printed the same on
 * Linux and in Keel. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PG 4096
#define FILE_LEN (2 * PG + 100) /* three pages, the last one mostly past the end */

static sigjmp_buf env;
static char path[512];

static void on_signal(int sig)
{
	siglongjmp(env, sig);
}

/* The signal reading p raises (0 when none). */
static int read_signal(volatile char *p)
{
	int sig = sigsetjmp(env, 1);

	if (sig)
		return sig;
	(void)*p;
	return 0;
}

static unsigned int sum(const unsigned char *p, size_t n)
{
	unsigned int s = 0;

	for (size_t i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

static int make_file(const char *dir, const char *name)
{
	char buf[FILE_LEN];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (int i = 0; i < FILE_LEN; i++)
		buf[i] = (char)('a' + i % 23);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, FILE_LEN) != FILE_LEN)
		return -1;
	return fd;
}

static void private_mapping(int fd)
{
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char c;

	printf("mapped: %d\n", p != MAP_FAILED);
	printf("bytes 0, 4095, 8291: %c %c %c\n", p[0], p[4095], p[FILE_LEN - 1]);
	printf("tail zero: %d %d\n", p[FILE_LEN], p[3 * PG - 1]);
	printf("signal past the end: %d\n", read_signal(p + 3 * PG));
	p[1] = 'X';
	CHECK(pread(fd, &c, 1, 1));
	printf("private write seen: %c, file keeps: %c\n", p[1], c);
	CHECK(pwrite(fd, "Q", 1, PG + 5));
	printf("page not yet copied shows the file's write: %c\n", p[PG + 5]);
	CHECK(munmap(p, 4 * PG));
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	printf("offset one page: %c%c\n", p[0], p[5]);
	munmap(p, PG);
}

static void errors(const char *dir, int fd)
{
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), d = open(dir, O_RDONLY);
	int pfd[2];
	char *p;

	pipe(pfd);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED ? -1 : 0);
	CHECK(mmap(NULL, PG, PROT_READ, 0, fd, 0) == MAP_FAILED ? -1 : 0);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 0);
	CHECK(mprotect(p, PG, PROT_READ | PROT_WRITE));
	p[0] = 'w'; /* a private copy: allowed */
	munmap(p, PG);
	close(ro);
	close(wo);
	close(d);
	close(pfd[0]);
	close(pfd[1]);
}

static void shared_anonymous(void)
{
	int *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;

	p[0] = 1;
	if (fork() == 0) {
		p[0] += 10;
		p[PG / 4] = 7; /* a page nobody touched before the fork */
		_exit(0);
	}
	wait(&status);
	printf("shared anonymous after the child: %d %d\n", p[0], p[PG / 4]);
	munmap(p, 2 * PG);
}

/* /dev/zero maps as anonymous memory: zeros, private, or shared with a child. */
static void dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR), status;
	int *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int *q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	printf("/dev/zero: %d %d\n", p[0], q[5]);
	if (fork() == 0) {
		p[0] = q[0] = 3;
		_exit(0);
	}
	wait(&status);
	printf("/dev/zero after the child: private %d, shared %d\n", p[0], q[0]);
	munmap(p, PG);
	munmap(q, PG);
	close(fd);
}

static void remap(void)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	memset(p, 'm', 3 * PG);
	mprotect(p + 2 * PG, PG, PROT_READ); /* a mapping of its own, in the way of growing */
	q = mremap(p, 2 * PG, PG, 0);
	printf("shrunk in place: %d\n", q == p);
	q = mremap(p, PG, 2 * PG, 0);
	printf("grown in place: %d\n", q == p);
	q = mremap(p, 2 * PG, 64 * PG, 0);
	CHECK(q == MAP_FAILED ? -1 : 0);
	q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
	printf("moved kept bytes: %c %c, new tail zero: %d\n", q[0], q[PG - 1], q[63 * PG]);
	CHECK(mremap(q + 1, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	CHECK(mremap(q, PG, 2 * PG, 8) == MAP_FAILED ? -1 : 0);
	munmap(q, 64 * PG);
	munmap(p + 2 * PG, PG);
	q = malloc(1 << 20);
	memset(q, 'r', 1 << 20);
	q = realloc(q, 4 << 20);
	printf("realloc kept: %c %c\n", q[0], q[(1 << 20) - 1]);
	free(q);
}

/* A shared mapping of a file opened read-only: no write rights, not even by mprotect. */
static void shared_read_only(void)
{
	int ro = open(path, O_RDONLY);
	char *p;

	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -1 : 0);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(p == MAP_FAILED ? -1 : 0);
	CHECK(mprotect(p, PG, PROT_READ | PROT_WRITE));
	printf("reads the file: %c\n", p[2]);
	munmap(p, PG);
	close(ro);
}

static void shared_file(const char *dir)
{
	int fd = make_file(dir, "mmapfile.shared"), status;
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char buf[8] = "";

	shared_read_only();
	p[0] = 'S';
	p[PG + 1] = 'T';
	CHECK(pread(fd, buf, 2, PG));
	printf("read sees the mapping's write: %c %c\n", p[0], buf[1]);
	CHECK(pwrite(fd, "W", 1, 2 * PG + 3));
	printf("mapping sees the write: %c\n", p[2 * PG + 3]);
	if (fork() == 0) {
		p[7] = 'C';
		_exit(0);
	}
	wait(&status);
	printf("child's write seen: %c\n", p[7]);
	CHECK(msync(p, 3 * PG, MS_SYNC));
	CHECK(msync(p + 1, PG, MS_SYNC));
	CHECK(msync(p, PG, MS_SYNC | MS_ASYNC));
	p[9] = 'U';
	CHECK(munmap(p, 3 * PG));
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(pread(fd, buf, 8, 3));
	printf("after munmap: %.1s%.1s\n", buf + 4, buf + 6);
	CHECK(pread(fd, buf, 1, 9));
	printf("last write kept: %c\n", buf[0]);
	close(fd);
}

/* The checksum of a file's bytes read through a private mapping. */
static int sum_file(const char *file)
{
	int fd = open(file, O_RDONLY);
	struct stat st;
	unsigned char *p;

	if (fd < 0 || fstat(fd, &st))
		return 1;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	printf("%s: %lld bytes, sum %u\n", file, (long long)st.st_size, sum(p, st.st_size));
	return munmap(p, st.st_size);
}

static int poke(const char *file, long off, const char *text)
{
	int fd = open(file, O_RDWR);
	struct stat st;
	char *p;

	if (fd < 0 || fstat(fd, &st))
		return 1;
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	memcpy(p + off, text, strlen(text));
	printf("poked %zu bytes\n", strlen(text));
	return munmap(p, st.st_size) || close(fd);
}

static int loop(const char *dir, int n)
{
	int fd = make_file(dir, "mmapfile.loop");

	for (int i = 0; i < n; i++) {
		char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		p[0] = p[PG] + a[0];
		munmap(p, 3 * PG);
		munmap(a, PG);
	}
	close(fd);
	unlink(path);
	printf("loops: %d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (argc > 2 && !strcmp(argv[2], "sum"))
		return sum_file(dir);
	if (argc > 4 && !strcmp(argv[2], "poke"))
		return poke(dir, atol(argv[3]), argv[4]);
	if (argc > 3 && !strcmp(argv[2], "loop"))
		return loop(dir, atoi(argv[3]));
	if (argc > 2 && !strcmp(argv[2], "shared")) {
		shared_file(dir);
		unlink(path);
		return 0;
	}
	fd = make_file(dir, "mmapfile.data");
	private_mapping(fd);
	errors(dir, fd);
	close(fd);
	unlink(path);
	shared_anonymous();
	dev_zero();
	remap();
	return 0;
}
