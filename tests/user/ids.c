/* User test program: the small informational calls -- uname, ids, getpid/gettid, isatty and
 * TIOCGWINSZ on the console, an ioctl the console does not know (ENOTTY), a bad fd (EBADF). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

int main(void)
{
	struct winsize ws;
	struct utsname u;
	int r;

	uname(&u);
	printf("uname: %s %s\n", u.sysname, u.machine);
	printf("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
	printf("pid == tid: %s\n", getpid() == syscall(SYS_gettid) ? "yes" : "no");
	printf("isatty(1): %d\n", isatty(1));
	r = ioctl(1, TIOCGWINSZ, &ws);
	printf("TIOCGWINSZ: %d, %dx%d\n", r, ws.ws_col, ws.ws_row);
	r = ioctl(1, TCFLSH, 0);
	printf("TCFLSH: %d %s\n", r, strerror(errno));
	r = write(7, "x", 1);
	printf("write(7): %d %s\n", r, strerror(errno));
	return 0;
}
