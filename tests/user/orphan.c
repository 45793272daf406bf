/* Orphans: a child forks a grandchild and exits at once; the grandchild sees its parent change
 * (to init, or on the host a subreaper) and is reaped by it. The main process waits until the
 * grandchild's process group is empty. Also the process-group calls. With an argument "ppid",
 * the grandchild prints its new parent's pid (not compared with the host). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int show_ppid = argc > 1 && argv[1][0] == 'p';

	pid_t child, first_parent;
	int status, r;

	setvbuf(stdout, NULL, _IONBF, 0);
	child = fork();
	if (child == 0) {
		setpgid(0, 0);
		first_parent = getpid();
		if (fork() == 0) {
			while (getppid() == first_parent)
				;
			printf("grandchild reparented: %d\n", getppid() != first_parent);
			if (show_ppid) /* 1 in Keel; a subreaper's pid on some hosts */
				printf("grandchild ppid: %d\n", (int)getppid());
			_exit(0);
		}
		_exit(7);
	}
	setpgid(child, child); /* as the child does: whoever runs first */
	waitpid(child, &status, 0);
	while (kill(-child, 0) == 0)
		;
	printf("group gone: %d\n", errno == ESRCH);
	printf("child exited with %d\n", WEXITSTATUS(status));
	printf("getpgid(0) == getpgrp(): %d\n", getpgid(0) == getpgrp());
	printf("getsid(0) == getsid(getpid()): %d\n", getsid(0) == getsid(getpid()));
	r = getpgid(child);
	printf("getpgid(child): %d %d\n", r, errno == ESRCH);
	r = waitpid(-1, &status, WNOHANG);
	printf("waitpid no children: %d %d\n", r, errno == ECHILD);
	return 0;
}
