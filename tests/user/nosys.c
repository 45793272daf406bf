/* User test program: a system call number Linux does not implement either (180, nfsservctl)
 * must fail with ENOSYS; Keel logs it once however often it is called. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	for (int i = 0; i < 3; i++) {
		long r = syscall(180, 0, 0, 0);

		printf("syscall 180: %ld %s\n", r, strerror(errno));
	}
	return 0;
}
