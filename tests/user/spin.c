/* User test program: prints a line, then spins in user mode forever; Ctrl-C in the shell must
 * kill it (SIGKILL) and give the prompt back. */
#include <stdio.h>

int main(void)
{
	volatile unsigned long n = 0;

	printf("spinning\n");
	fflush(stdout);
	for (;;)
		n++;
}
