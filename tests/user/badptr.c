/* User test program: system calls given bad pointers (a kernel address, NULL, an unmapped
 * page) must fail with EFAULT, not crash the kernel; errno's text is printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

static void try_write(const char *what, const void *buf)
{
	ssize_t r;

	errno = 0;
	r = write(1, buf, 10);
	printf("write(%s): %zd %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	try_write("kernel address", (void *)0xffff800000000000UL);
	try_write("NULL", NULL);
	munmap(page, 4096);
	try_write("unmapped page", page);
	try_write("non-canonical", (void *)0x0000800000000000UL);
	return 0;
}
