/* User test program: the smallest musl program, printf through stdio (ioctl TIOCGWINSZ,
 * writev) and a normal exit. Its output is compared with the host's (tests/test_user.py). */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
