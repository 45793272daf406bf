/* sigaltstack: a handler with SA_ONSTACK runs on the alternate stack and sees SS_ONSTACK; a
 * stack overflow (endless recursion past the 8 MiB stack) is caught by a SIGSEGV handler on the
 * alternate stack and left with siglongjmp. Output compared with the host's. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *alt;
static volatile int on_alt, flags_onstack;
static sigjmp_buf env;

static void on_usr1(int sig)
{
	char here;
	stack_t st;

	(void)sig;
	on_alt = &here >= alt && &here < alt + SIGSTKSZ * 4;
	sigaltstack(NULL, &st);
	flags_onstack = st.ss_flags == SS_ONSTACK;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

static volatile int depth_limit = 1 << 30; /* never reached: the stack ends first */

static int __attribute__((noinline)) recurse(volatile char *p, int depth)
{
	volatile char buf[4096];

	buf[0] = *p;
	if (depth >= depth_limit)
		return 0;
	return recurse(buf, depth + 1) + buf[1];
}

int main(void)
{
	struct sigaction sa;
	stack_t st = { 0 }, old;
	int r;

	setvbuf(stdout, NULL, _IONBF, 0);
	alt = malloc(SIGSTKSZ * 4);
	st.ss_sp = alt;
	st.ss_size = SIGSTKSZ * 4;
	r = sigaltstack(&st, &old);
	printf("sigaltstack: %d, old disabled: %d\n", r, old.ss_flags == SS_DISABLE);
	st.ss_size = 100;
	r = sigaltstack(&st, NULL);
	printf("too small: %d %d\n", r, errno == ENOMEM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("handler on the alternate stack: %d, SS_ONSTACK: %d\n", on_alt, flags_onstack);
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(env, 1) == 0)
		recurse("x", 0);
	printf("stack overflow caught\n");
	return 0;
}
