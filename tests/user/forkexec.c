/* A leak check's load: argv[2] times fork + execve(argv[1]) + wait; prints the count of
 * children that exited with status 42 (argv[1] is exit42). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 1, ok = 0, status;
	char *cargv[] = { argv[1], NULL };

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(argv[1], cargv, environ);
			_exit(1);
		}
		if (pid > 0 && waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 42)
			ok++;
	}
	printf("%d of %d exited with 42\n", ok, n);
	return 0;
}
