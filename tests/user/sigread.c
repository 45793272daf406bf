/* A console read interrupted by Ctrl-C's SIGINT with a handler: without SA_RESTART the read
 * fails with EINTR; with SA_RESTART ("restart" argument) it is restarted and returns the next
 * line typed. Guest only (the host's test has no terminal). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_int(int sig) { got = sig; }

int main(int argc, char **argv)
{
	struct sigaction sa;
	char buf[64];
	ssize_t r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_int;
	sa.sa_flags = argc > 1 && !strcmp(argv[1], "restart") ? SA_RESTART : 0;
	sigaction(SIGINT, &sa, NULL);
	printf("reading\n");
	fflush(stdout);
	r = read(0, buf, sizeof(buf) - 1);
	if (r < 0) {
		printf("read: %s, handler ran: %d\n", strerror(errno), got == SIGINT);
		return 0;
	}
	buf[r] = 0;
	printf("read %zd bytes: %s", r, buf);
	printf("handler ran: %d\n", got == SIGINT);
	return 0;
}
