/* User test program: execve(argv[1], argv + 1, environ), and when it fails the errno, as
 * CHECK prints it (tests/test_binfmt_script.py runs scripts through it on both kernels). */
#include <unistd.h>
#include "check.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: execit PROGRAM [ARGS...]\n");
		return 2;
	}
	CHECK(execve(argv[1], argv + 1, environ));
	return 1;
}
