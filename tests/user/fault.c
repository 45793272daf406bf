/* User test program: writes through a NULL pointer; the kernel must kill it with SIGSEGV and
 * print one "segfault at 0" line, and the shell must survive. */
#include <stdio.h>

int main(void)
{
	volatile int *p = 0;

	printf("about to fault\n");
	fflush(stdout);
	*p = 1;
	printf("still alive?\n");
	return 0;
}
