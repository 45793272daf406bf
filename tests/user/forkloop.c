/* User test program: `forkloop N` forks N children one after the other, each exiting at once
 * with its own status (i % 256), and reaps each with wait4, checking pid and status. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100, good = 0;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit((int)(i % 256));
		if (pid < 0) {
			perror("forkloop: fork");
			break;
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == i % 256)
			good++;
	}
	printf("forkloop: %ld of %ld reaped with their status\n", good, n);
	return good == n ? 0 : 1;
}
