/* Signals' default actions through kill: three children in one process group spin until
 * kill(-pgid, SIGTERM) ends them (status: signal 15); WNOHANG sees a running child as 0;
 * SIGKILL to one pid; kill(pid, 0) probes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t spinner(pid_t pgid)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, pgid);
		for (;;)
			;
	}
	setpgid(pid, pgid ? pgid : pid);
	return pid;
}

int main(void)
{
	pid_t pids[3], lone;
	int status, r;

	setvbuf(stdout, NULL, _IONBF, 0);
	pids[0] = spinner(0);
	pids[1] = spinner(pids[0]);
	pids[2] = spinner(pids[0]);
	printf("WNOHANG while running: %d\n", (int)waitpid(pids[1], &status, WNOHANG));
	printf("kill(pid, 0): %d\n", kill(pids[2], 0));
	printf("kill(-pgid, SIGTERM): %d\n", kill(-pids[0], SIGTERM));
	for (int i = 0; i < 3; i++) {
		waitpid(pids[i], &status, 0);
		printf("child %d: signaled=%d sig=%d\n", i, WIFSIGNALED(status), WTERMSIG(status));
	}
	lone = spinner(0);
	kill(lone, SIGKILL);
	waitpid(lone, &status, 0);
	printf("SIGKILL: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));
	r = kill(lone, 0);
	printf("kill gone pid: %d %d\n", r, errno == ESRCH);
	r = kill(getpid(), 99);
	printf("kill bad signal: %d %d\n", r, errno == EINVAL);
	return 0;
}
