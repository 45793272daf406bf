/* User test program: read(2) of one line from the console (fd 0, through the tty's line
 * discipline), echoed back with its length; Ctrl-C while it waits must kill it. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[128];
	ssize_t n;

	printf("type a line\n");
	fflush(stdout);
	n = read(0, buf, sizeof(buf) - 1);
	if (n < 0)
		return 1;
	buf[n] = 0;
	printf("got %zd bytes: %s", n, buf);
	return 0;
}
