/* Copy-on-write after fork: parent and child write the same variable and a large malloc'd
 * buffer, and each sees only its own writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (1 << 20)

static int shared_var = 1;

static int all_equal(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

int main(void)
{
	char *big = malloc(BIG), stack_buf[64] = "parent";
	int status;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(big, 'a', BIG);
	pid = fork();
	if (pid == 0) {
		shared_var = 2;
		memset(big, 'c', BIG);
		strcpy(stack_buf, "child");
		_exit(shared_var == 2 && all_equal(big, BIG, 'c') && !strcmp(stack_buf, "child")
			      ? 0 : 3);
	}
	shared_var = 5;
	memset(big + BIG / 2, 'p', BIG / 2);
	waitpid(pid, &status, 0);
	printf("child saw its own writes: %d\n", WIFEXITED(status) && !WEXITSTATUS(status));
	printf("parent var: %d\n", shared_var);
	printf("parent buffer intact: %d %d\n", all_equal(big, BIG / 2, 'a'),
	       all_equal(big + BIG / 2, BIG / 2, 'p'));
	printf("parent stack: %s\n", stack_buf);
	return 0;
}
