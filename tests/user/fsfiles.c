/* The file system calls a static program uses, under a fresh directory in /tmp: create,
 * write, pread/pwrite, lseek, ftruncate, fstat sizes and modes, rename, link, unlink, symlink,
 * readlink, mkdir, rmdir, *at calls with a real dirfd, getdents64 (sorted), chdir/getcwd,
 * umask, access, utimensat. Prints only what Linux and Keel must agree on. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

/* Linux's struct statx and call: this musl has no wrapper. */
#define STATX_BASIC_STATS 0x7ffU
struct kstatx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	uint64_t times[8];
	uint32_t devs[4];
	uint64_t spare[14];
};

static long statx(int dfd, const char *path, int flags, unsigned int mask, struct kstatx *sx)
{
	return syscall(SYS_statx, dfd, path, flags, mask, sx);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* getdents64 by hand: names and types, sorted (directory order differs between fs). */
static void listing(const char *path)
{
	char buf[512], *names[64];
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0;
	long got;

	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent *d = (struct dirent *)(buf + off);
			char *s = malloc(300);

			snprintf(s, 300, "%s(%d)", d->d_name, d->d_type);
			names[n++] = s;
			off += d->d_reclen;
		}
	}
	qsort(names, n, sizeof(*names), cmp);
	printf("ls %s:", path);
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	close(fd);
}

static void sizes(const char *name)
{
	struct stat st;

	if (lstat(name, &st))
		printf("lstat %s: errno %d\n", name, errno);
	else if (S_ISDIR(st.st_mode)) /* a directory's size is the filesystem's business */
		printf("%s: mode %o nlink %ld\n", name, st.st_mode, (long)st.st_nlink);
	else
		printf("%s: mode %o size %ld nlink %ld\n", name, st.st_mode, (long)st.st_size,
		       (long)st.st_nlink);
}

int main(void)
{
	char dir[] = "/tmp/kfsXXXXXX", buf[64], cwd[256];
	int fd, dfd;
	struct stat st;

	if (!mkdtemp(dir) || chdir(dir))
		return 1;
	CHECK(umask(022));
	fd = open("a", O_CREAT | O_RDWR | O_TRUNC, 0666);
	CHECK(fd);
	CHECK(write(fd, "hello world\n", 12));
	CHECK(lseek(fd, 0, SEEK_CUR));
	CHECK(pwrite(fd, "HELLO", 5, 0));
	CHECK(lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd, buf, 5, 6));
	printf("pread: %s\n", buf);
	CHECK(lseek(fd, 2, SEEK_SET));
	CHECK(read(fd, buf, 7));
	printf("read: %.7s\n", buf);
	CHECK(lseek(fd, -3, SEEK_END));
	CHECK(lseek(fd, -100, SEEK_SET));
	CHECK(lseek(fd, 0, 7));
	CHECK(ftruncate(fd, 4));
	CHECK(fstat(fd, &st));
	printf("fstat: mode %o size %ld\n", st.st_mode, (long)st.st_size);
	CHECK(ftruncate(fd, 10000));
	CHECK(fstat(fd, &st));
	printf("fstat: size %ld\n", (long)st.st_size);
	CHECK(close(fd));
	CHECK(open("a", O_CREAT | O_EXCL | O_WRONLY, 0600));
	fd = open("b", O_CREAT | O_WRONLY | O_APPEND, 0640);
	CHECK(write(fd, "one\n", 4));
	CHECK(lseek(fd, 0, SEEK_SET));
	CHECK(write(fd, "two\n", 4));
	CHECK(fstat(fd, &st));
	printf("append: size %ld\n", (long)st.st_size);
	CHECK(fchmod(fd, 0604));
	CHECK(close(fd));
	sizes("b");
	CHECK(chmod("b", 0755));
	CHECK(access("b", X_OK));
	CHECK(chmod("b", 0644));
	CHECK(access("b", X_OK));
	CHECK(access("b", R_OK | W_OK));
	CHECK(access("nope", F_OK));
	CHECK(truncate("b", 2));
	sizes("b");
	CHECK(rename("b", "c"));
	CHECK(link("c", "d"));
	sizes("c");
	CHECK(symlink("c", "s"));
	memset(buf, 0, sizeof(buf));
	CHECK(readlink("s", buf, sizeof(buf)));
	printf("readlink: %s\n", buf);
	CHECK(readlink("c", buf, sizeof(buf)));
	CHECK(stat("s", &st));
	printf("stat via link: mode %o size %ld\n", st.st_mode, (long)st.st_size);
	CHECK(lstat("s", &st));
	printf("lstat link: type %o size %ld\n", st.st_mode & S_IFMT, (long)st.st_size);
	CHECK(mkdir("sub", 0777));
	sizes("sub");
	CHECK(mkdir("sub", 0777));
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(dfd);
	CHECK(mkdirat(dfd, "inner", 0700));
	fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd);
	CHECK(write(fd, "x", 1));
	CHECK(close(fd));
	CHECK(fstatat(dfd, "f", &st, 0));
	printf("fstatat: size %ld\n", (long)st.st_size);
	{
		struct kstatx sx;

		CHECK(statx(dfd, "f", 0, STATX_BASIC_STATS, &sx));
		printf("statx: mask %#x mode %o size %llu nlink %u\n",
		       sx.stx_mask & STATX_BASIC_STATS, sx.stx_mode,
		       (unsigned long long)sx.stx_size, sx.stx_nlink);
		CHECK(statx(AT_FDCWD, "s", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx));
		printf("statx link: type %o\n", sx.stx_mode & S_IFMT);
		CHECK(statx(AT_FDCWD, "nope", 0, STATX_BASIC_STATS, &sx));
		CHECK(statx(AT_FDCWD, "s", 0x12345678, STATX_BASIC_STATS, &sx));
	}
	CHECK(fstatat(dfd, "", &st, AT_EMPTY_PATH));
	printf("empty path: type %o\n", st.st_mode & S_IFMT);
	CHECK(renameat(dfd, "f", AT_FDCWD, "moved"));
	CHECK(linkat(AT_FDCWD, "moved", dfd, "f2", 0));
	CHECK(symlinkat("../moved", dfd, "l"));
	CHECK(readlinkat(dfd, "l", buf, sizeof(buf)));
	CHECK(faccessat(dfd, "l", R_OK, 0));
	CHECK(fchmodat(dfd, "f2", 0600, 0));
	CHECK(unlinkat(dfd, "inner", 0));
	CHECK(unlinkat(dfd, "inner", AT_REMOVEDIR));
	listing("sub");
	listing(".");
	CHECK(rmdir("sub"));
	CHECK(unlinkat(dfd, "l", 0));
	CHECK(unlinkat(dfd, "f2", 0));
	CHECK(openat(fd, "x", O_RDONLY));
	CHECK(openat(0 + 123, "x", O_RDONLY));
	CHECK(chdir("sub"));
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	printf("cwd ends: %s\n", strrchr(cwd, '/'));
	CHECK(syscall(SYS_getcwd, cwd, 3));
	CHECK(chdir(".."));
	CHECK(fchdir(dfd));
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	printf("fchdir cwd ends: %s\n", strrchr(cwd, '/'));
	CHECK(chdir(dir));
	CHECK(close(dfd));
	CHECK(rmdir("sub"));
	CHECK(utimensat(AT_FDCWD, "c", NULL, 0));
	{
		struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 0 } };

		CHECK(utimensat(AT_FDCWD, "c", ts, 0));
		CHECK(stat("c", &st));
		printf("mtime %ld atime %ld\n", (long)st.st_mtime, (long)st.st_atime);
	}
	{
		int in = open("c", O_RDWR), out = open("copy", O_CREAT | O_WRONLY, 0644);
		off_t off = 1;

		CHECK(write(in, "sendfile", 8));
		CHECK(lseek(in, 0, SEEK_SET));
		CHECK(sendfile(out, in, &off, 100));
		printf("offset after %ld, position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
		CHECK(sendfile(out, in, NULL, 3));
		printf("position %ld\n", (long)lseek(in, 0, SEEK_CUR));
		CHECK(fstat(out, &st));
		printf("copy size %ld\n", (long)st.st_size);
		CHECK(sendfile(in, out, NULL, 3));
		CHECK(close(in));
		CHECK(close(out));
		CHECK(unlink("copy"));
	}
	CHECK(umask(077));
	CHECK(umask(022));
	CHECK(unlink("c"));
	sizes("d");
	CHECK(unlink("d"));
	CHECK(unlink("s"));
	CHECK(unlink("a"));
	CHECK(unlink("moved"));
	listing(".");
	CHECK(chdir("/"));
	CHECK(rmdir(dir));
	return 0;
}
