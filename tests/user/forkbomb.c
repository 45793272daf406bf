/* The process limit: forks children that sleep in pause() until fork fails, which must be
 * with EAGAIN (Keel's limit: 256 processes), then kills and reaps them all. Prints only what
 * does not depend on the limit's exact value. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 4096

static pid_t pids[MAX_CHILDREN];

int main(void)
{
	int n = 0, err = 0, reaped = 0, status;

	setvbuf(stdout, NULL, _IONBF, 0);
	while (n < MAX_CHILDREN) {
		pid_t pid = fork();

		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		pids[n++] = pid;
	}
	printf("fork failed with EAGAIN: %d after %d children\n", err == EAGAIN, n);
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	while (wait(&status) > 0)
		reaped += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	printf("reaped %d of %d\n", reaped, n);
	return 0;
}
