/* The module system calls (guest only: the host's kernel is not Keel's): finit_module of
 * /lib/modules/hello.ko, EEXIST the second time, delete_module, ENOENT after; init_module from
 * a buffer with a parameter; the EBADF/EFAULT cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/lib/modules/hello.ko";
	int fd = open(path, O_RDONLY);
	struct stat st;
	char *image;

	CHECK(fd);
	CHECK(syscall(SYS_finit_module, fd, "", 0));
	CHECK(syscall(SYS_finit_module, fd, "", 0));
	CHECK(syscall(SYS_delete_module, "hello", O_NONBLOCK));
	CHECK(syscall(SYS_delete_module, "hello", O_NONBLOCK));
	CHECK(fstat(fd, &st));
	image = malloc(st.st_size);
	CHECK(read(fd, image, st.st_size) == st.st_size);
	CHECK(syscall(SYS_init_module, image, st.st_size, "who=syscall"));
	CHECK(syscall(SYS_init_module, image, st.st_size, ""));
	CHECK(syscall(SYS_delete_module, "hello", O_NONBLOCK));
	CHECK(syscall(SYS_init_module, (void *)16, st.st_size, ""));
	CHECK(syscall(SYS_finit_module, 99, "", 0));
	CHECK(syscall(SYS_delete_module, (void *)16, 0));
	CHECK(syscall(SYS_delete_module, "nosuchmodule", 0));
	return 0;
}
