/* User test program: calls system call 500, which the module sysdemo.ko adds, with good and
 * bad buffers; without the module the call fails with ENOSYS. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	long r = syscall(500, buf, sizeof(buf), 40, 2);

	if (r < 0) {
		printf("syscall 500: %s\n", strerror(errno));
		return 1;
	}
	printf("syscall 500: %ld \"%s\"\n", r, buf);
	r = syscall(500, (void *)0xffff800000000000UL, sizeof(buf), 1, 2);
	printf("kernel buffer: %ld %s\n", r, strerror(errno));
	r = syscall(500, buf, 4, 1, 2);
	printf("short buffer: %ld %s\n", r, strerror(errno));
	return 0;
}
