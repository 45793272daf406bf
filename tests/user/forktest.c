/* fork + wait4: five children exit with distinct codes; the parent reaps each by pid, in
 * creation order, and prints the statuses (tests/test_process.py compares with the host). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 5

int main(void)
{
	pid_t pids[NCHILD];
	int status;

	setvbuf(stdout, NULL, _IONBF, 0); /* no buffer for the children to inherit */
	for (int i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return 1;
		if (pids[i] == 0)
			_exit(10 + i); /* the child: fork returned 0 */
	}
	for (int i = 0; i < NCHILD; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i])
			return 2;
		printf("child %d: exited=%d status=%d\n", i, WIFEXITED(status),
		       WEXITSTATUS(status));
	}
	printf("distinct pids: %d\n", pids[0] != pids[1] && pids[1] != getpid());
	printf("no more children: %d\n", waitpid(-1, &status, 0) == -1);
	return 0;
}
