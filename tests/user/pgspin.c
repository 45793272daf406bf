/* Ctrl-C goes to the foreground process group: this process and two children spin until the
 * shell's SIGINT reaches all three. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 2; i++)
		if (fork() == 0)
			for (;;)
				;
	printf("spinning in a group of 3\n");
	fflush(stdout);
	for (;;)
		;
}
