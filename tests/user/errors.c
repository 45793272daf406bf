/* The errors each path call gives: ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, ENAMETOOLONG,
 * ELOOP, EFAULT for bad pointers, EINVAL, EXDEV-free cases; under a fresh /tmp directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

#define BAD ((const char *)0x10)
#define KERNEL ((const char *)0xffff800000000000UL)

int main(void)
{
	char dir[] = "/tmp/kerXXXXXX", longname[5000], buf[8];
	struct stat st;

	if (!mkdtemp(dir) || chdir(dir))
		return 1;
	close(open("file", O_CREAT | O_WRONLY, 0644));
	mkdir("d", 0755);
	close(open("d/x", O_CREAT | O_WRONLY, 0644));
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK(open("missing", O_RDONLY));
	CHECK(open("file/x", O_RDONLY));
	CHECK(open("d", O_WRONLY));
	CHECK(open("file", O_RDONLY | O_DIRECTORY));
	CHECK(open("file", O_CREAT | O_EXCL | O_RDWR, 0644));
	CHECK(open("loop1", O_RDONLY));
	CHECK(open("loop1", O_RDONLY | O_NOFOLLOW));
	CHECK(open(longname, O_RDONLY));
	CHECK(open(longname + 4000, O_RDONLY));
	CHECK(open(BAD, O_RDONLY));
	CHECK(open(KERNEL, O_RDONLY));
	CHECK(open("", O_RDONLY));
	CHECK(stat("missing", &st));
	CHECK(stat(BAD, &st));
	CHECK(syscall(SYS_stat, "file", BAD));
	CHECK(syscall(SYS_fstat, 1, KERNEL));
	CHECK(lstat(KERNEL, &st));
	CHECK(stat("loop1", &st));
	CHECK(mkdir("d", 0755));
	CHECK(mkdir("missing/d", 0755));
	CHECK(mkdir(BAD, 0755));
	CHECK(rmdir("d"));
	CHECK(rmdir("file"));
	CHECK(rmdir("missing"));
	CHECK(rmdir(BAD));
	CHECK(unlink("d"));
	CHECK(unlink("missing"));
	CHECK(unlink(BAD));
	CHECK(rename("missing", "x"));
	CHECK(rename("d", "d/x/y"));
	CHECK(rename("file", "d"));
	CHECK(rename(BAD, "x"));
	CHECK(rename("file", BAD));
	CHECK(link("missing", "x"));
	CHECK(link("file", "d"));
	CHECK(link(BAD, "x"));
	CHECK(symlink("x", "file"));
	CHECK(symlink(BAD, "x"));
	CHECK(readlink("file", buf, sizeof(buf)));
	CHECK(readlink("missing", buf, sizeof(buf)));
	CHECK(readlink(BAD, buf, sizeof(buf)));
	CHECK(readlink("loop1", (char *)BAD, sizeof(buf)));
	CHECK(chmod("missing", 0644));
	CHECK(chmod(BAD, 0644));
	CHECK(truncate("d", 0));
	CHECK(truncate("missing", 0));
	CHECK(truncate("file", -1));
	CHECK(access(BAD, F_OK));
	CHECK(access("file", 8));
	CHECK(chdir("file"));
	CHECK(chdir(BAD));
	CHECK(chdir(longname));
	CHECK(getcwd((char *)BAD, 100) != NULL);
	CHECK(syscall(SYS_getdents64, 0 + 99, buf, sizeof(buf)));
	CHECK(syscall(SYS_openat, 0 + 99, "x", O_RDONLY));
	CHECK(syscall(SYS_newfstatat, 1, "x", &st, 0));
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, "file", &st, 0x8000));
	CHECK(unlinkat(AT_FDCWD, "file", 0x8000));
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "file", AT_FDCWD, "loop1", 1)); /* NOREPLACE */
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "file", AT_FDCWD, "x", 1));
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "x", AT_FDCWD, "file", 0));
	CHECK(write(1, BAD, 5));
	CHECK(read(0, (char *)KERNEL, 5));
	unlink("d/x");
	rmdir("d");
	unlink("file");
	unlink("loop1");
	unlink("loop2");
	CHECK(chdir("/"));
	CHECK(rmdir(dir));
	return 0;
}
