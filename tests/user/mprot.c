/* User test program: mprotect(2). Pages made read-only or inaccessible fault (SIGSEGV caught
 * and left with siglongjmp), become writable again, keep their contents; a range split in
 * three; a page made writable after fork stays private (copy-on-write). Printed the same on
 * Linux and in Keel. With the argument "edges": the error cases (unknown bits, unmapped pages;
 * musl's wrapper rounds an unaligned start down to its page, so that is a range error too). */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PG 4096

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

/* 1 when writing (or reading) p faults. */
static int faults(volatile char *p, int write)
{
	if (sigsetjmp(env, 1))
		return 1;
	if (write)
		*p = 'w';
	else
		(void)*p;
	return 0;
}

static void child_writes(char *p)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		p[0] = 'c';
		_exit(p[0] == 'c' ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	printf("child wrote its copy: %d, parent still sees '%c'\n",
	       WIFEXITED(status) && !WEXITSTATUS(status), p[0]);
}

/* A fresh 2-page mapping with its second page unmapped, so a hole follows the first. */
static int edges(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + PG, PG);
	CHECK(mprotect(p + 1, PG, PROT_READ));
	CHECK(mprotect(p, PG, 0x40));
	CHECK(mprotect(p + PG, PG, PROT_READ));
	CHECK(mprotect(p, 2 * PG, PROT_READ));
	CHECK(mprotect(p, 0, PROT_READ));
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_segv };
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "edges"))
		return edges();
	sigaction(SIGSEGV, &sa, NULL);
	memset(p, 'x', 3 * PG);
	CHECK(mprotect(p + PG, PG, PROT_READ));
	printf("middle write faults: %d, reads '%c'\n", faults(p + PG, 1), p[PG]);
	printf("first and last still writable: %d %d\n", !faults(p, 1), !faults(p + 2 * PG, 1));
	CHECK(mprotect(p + PG, PG, PROT_NONE));
	printf("PROT_NONE read faults: %d\n", faults(p + PG, 0));
	CHECK(mprotect(p, 3 * PG, PROT_READ | PROT_WRITE));
	printf("writable again: %d, kept '%c'\n", !faults(p + PG, 1), p[PG + 1]);
	CHECK(mprotect(p, PG, PROT_READ));
	CHECK(mprotect(p, PG, PROT_READ | PROT_WRITE));
	child_writes(p);
	CHECK(munmap(p, 3 * PG));
	return 0;
}
