/* The console as a terminal (guest only; the test asserts the values): isatty on fds 0-2,
 * TCGETS's defaults, TCSETS to raw mode and back, a raw read returning one byte without a
 * newline ("raw"), VMIN 0/VTIME 1 timing out, TIOCGWINSZ/TIOCSWINSZ, the job-control requests
 * (TIOCGPGRP/TIOCSPGRP/TIOCSCTTY/TIOCGSID, in another session too), and ENOTTY on a regular
 * file and a pipe. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"

/* A child in a session of its own has no controlling terminal: the console's job-control
 * requests answer ENOTTY, and it cannot take the console from the shell's session. */
static void session_checks(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		pid_t pgrp;

		setsid();
		CHECK(ioctl(0, TIOCGPGRP, &pgrp));
		CHECK(tcgetsid(0));
		CHECK(ioctl(0, TIOCSCTTY, 0));
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

static int raw_read(void)
{
	struct termios saved, raw;
	char c[8];
	long n;

	CHECK(tcgetattr(0, &saved));
	raw = saved;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	CHECK(tcsetattr(0, TCSANOW, &raw));
	printf("raw>\n");
	fflush(stdout);
	n = read(0, c, sizeof(c));
	printf("got %ld byte(s), first %d\n", n, n > 0 ? c[0] : -1);
	printf("raw2>\n"); /* ISIG is off (cfmakeraw): Ctrl-C is byte 3, no signal */
	fflush(stdout);
	n = read(0, c, sizeof(c));
	printf("got %ld byte(s), first %d\n", n, n > 0 ? c[0] : -1);
	raw.c_cc[VMIN] = 3;
	CHECK(tcsetattr(0, TCSANOW, &raw));
	printf("raw3>\n");
	fflush(stdout);
	n = read(0, c, sizeof(c));
	printf("got %ld byte(s): %.3s\n", n, c);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 1;
	CHECK(tcsetattr(0, TCSANOW, &raw));
	CHECK(read(0, c, sizeof(c)));
	CHECK(tcsetattr(0, TCSAFLUSH, &saved));
	return 0;
}

/* "noecho": a canonical read with ECHO off, as a password prompt makes. */
static int noecho_read(void)
{
	struct termios saved, t;
	char line[64] = { 0 };

	CHECK(tcgetattr(0, &saved));
	t = saved;
	t.c_lflag &= ~ECHO;
	CHECK(tcsetattr(0, TCSANOW, &t));
	printf("secret>\n");
	fflush(stdout);
	CHECK(read(0, line, sizeof(line) - 1));
	printf("line [%s]\n", strtok(line, "\n"));
	CHECK(tcsetattr(0, TCSANOW, &saved));
	return 0;
}

int main(int argc, char **argv)
{
	struct termios t;
	struct winsize ws, big = { .ws_row = 50, .ws_col = 132 };
	int p[2], fd, pgrp = 0;

	if (argc > 1 && !strcmp(argv[1], "raw"))
		return raw_read();
	if (argc > 1 && !strcmp(argv[1], "noecho"))
		return noecho_read();
	printf("isatty 0 1 2: %d %d %d\n", isatty(0), isatty(1), isatty(2));
	CHECK(tcgetattr(0, &t));
	printf("icanon %d echo %d isig %d vmin %d vintr %d\n", !!(t.c_lflag & ICANON),
	       !!(t.c_lflag & ECHO), !!(t.c_lflag & ISIG), t.c_cc[VMIN], t.c_cc[VINTR]);
	t.c_lflag &= ~(ICANON | ECHO);
	CHECK(tcsetattr(0, TCSANOW, &t));
	CHECK(tcgetattr(1, &t));
	printf("after raw: icanon %d echo %d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO));
	t.c_lflag |= ICANON | ECHO;
	CHECK(tcsetattr(0, TCSADRAIN, &t));
	CHECK(ioctl(1, TIOCGWINSZ, &ws));
	printf("winsize %dx%d\n", ws.ws_col, ws.ws_row);
	CHECK(ioctl(1, TIOCSWINSZ, &big));
	CHECK(ioctl(2, TIOCGWINSZ, &ws));
	printf("winsize %dx%d\n", ws.ws_col, ws.ws_row);
	ws.ws_col = 80;
	ws.ws_row = 25;
	CHECK(ioctl(1, TIOCSWINSZ, &ws));
	CHECK(ioctl(0, TIOCGPGRP, &pgrp));
	printf("pgrp is pid: %d\n", pgrp == getpid());
	CHECK(tcsetpgrp(0, getpid()));
	CHECK(ioctl(0, TIOCSCTTY, 0));
	printf("tcgetsid is the session: %d\n", tcgetsid(0) == getsid(0));
	CHECK(tcsetpgrp(0, 99999));
	CHECK(tcsetpgrp(0, -2));
	session_checks();
	CHECK(ioctl(0, TCGETS, (void *)16));
	fd = open("/bin/termios", O_RDONLY);
	CHECK(ioctl(fd, TCGETS, &t));
	CHECK(isatty(fd));
	CHECK(pipe(p));
	CHECK(ioctl(p[0], TIOCGWINSZ, &ws));
	CHECK(ioctl(99, TCGETS, &t));
	fd = open("/dev/tty", O_RDWR);
	printf("/dev/tty is a tty: %d\n", isatty(fd));
	fd = open("/dev/console", O_WRONLY);
	printf("/dev/console is a tty: %d\n", isatty(fd));
	return 0;
}
