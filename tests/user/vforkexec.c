/* vfork + execve of argv[1] (a hello program) + wait (posix_spawn waits for pipe2), then the
 * execve errors: ENOENT, E2BIG (one 200 KiB argument), EFAULT (a bad argv), and with a second
 * argument, ENOEXEC for that (text) file; each leaves this image intact. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report(const char *what, int status)
{
	printf("%s: exited=%d code=%d\n", what, WIFEXITED(status), WEXITSTATUS(status));
}

static void exec_error(const char *what, const char *path, char *const argv[])
{
	int r = execve(path, argv, environ);

	printf("%s: %d %s\n", what, r, strerror(errno));
}

int main(int argc, char **argv)
{
	char *big = malloc(200 * 1024), *bigv[] = { "x", big, NULL }, *hv[] = { argv[1], NULL };
	int status;
	pid_t pid;

	if (argc < 2)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	pid = vfork();
	if (pid == 0) {
		execve(argv[1], hv, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	report("vfork+exec", status);
	memset(big, 'x', 200 * 1024 - 1);
	big[200 * 1024 - 1] = 0;
	exec_error("ENOENT", "/no/such/file", hv);
	exec_error("E2BIG", argv[1], bigv);
	exec_error("EFAULT", argv[1], (char **)(volatile unsigned long){ 1 });
	if (argc > 2)
		exec_error("not an executable", argv[2], hv);
	printf("still here\n");
	return 0;
}
