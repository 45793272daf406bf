/* TCP sockets over 127.0.0.1 with Linux's numbers and structures, run on the host (the
 * oracle) and in Keel by tests/test_sockets.py, whose outputs must be equal (sockdgram.c has
 * UDP, ICMP and the argument errors). One section per argument: tcp (connect/accept4/names,
 * 1 MiB each way with fork, shutdown and poll, peek, options), tcpstate (refused, in use,
 * SO_REUSEADDR over TIME_WAIT, backlog, EPIPE/SIGPIPE). Ephemeral ports print as "nonzero". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sockhelp.h"

#define MIB (1 << 20)

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* A TCP listener on 127.0.0.1:port (0: ephemeral) with SO_REUSEADDR when reuse. */
static int listener(unsigned short port, int backlog, int reuse)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, port);
	int fd = bounded(socket(AF_INET, SOCK_STREAM, 0));

	if (fd < 0 || (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse))) ||
	    bind(fd, SA(&sin), sizeof(sin)) || listen(fd, backlog)) {
		ok("listener", -1);
		exit(1);
	}
	return fd;
}

static int connect_to(unsigned short port)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, port);
	int fd = bounded(socket(AF_INET, SOCK_STREAM, 0));

	if (fd < 0 || connect(fd, SA(&sin), sizeof(sin))) {
		ok("connect_to", -1);
		exit(1);
	}
	return fd;
}

/* A connected pair through lfd: *c the client, returns the accepted end. */
static int pair(int lfd, int *c)
{
	int s;

	*c = connect_to(port_of(lfd, 0));
	s = bounded(accept(lfd, NULL, NULL));
	if (s < 0) {
		ok("accept", -1);
		exit(1);
	}
	return s;
}

/* Reads until n bytes or the end: the count. */
static size_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n && (r = read(fd, buf + got, n - got)) > 0)
		got += (size_t)r;
	return got;
}

/* Child: writes MIB bytes of the pattern on fd (writev of three pieces when vec), then
 * SHUT_WR. Exits 0, or 1 on a short write. */
static void send_mib(int fd, unsigned int seed, int vec)
{
	static unsigned char buf[10007];
	size_t off = 0;

	while (off < MIB) {
		size_t n = MIB - off < sizeof(buf) ? MIB - off : sizeof(buf);
		ssize_t w;

		pattern(buf, off, n, seed);
		if (vec) {
			struct iovec iov[3] = { { buf, n / 3 }, { buf + n / 3, 1 },
						{ buf + n / 3 + 1, n - n / 3 - 1 } };
			w = writev(fd, iov, 3);
		} else {
			w = write(fd, buf, n);
		}
		if (w != (ssize_t)n)
			_exit(1);
		off += n;
	}
	_exit(shutdown(fd, SHUT_WR) ? 1 : 0);
}

/* Parent: reads fd to its end (readv into two odd pieces when vec); prints count and sum. */
static void recv_mib(const char *what, int fd, unsigned int seed, int vec)
{
	static unsigned char buf[4099], want[4099];
	unsigned int h = FNV_START, w = FNV_START;
	size_t total = 0;
	ssize_t r;

	do {
		if (vec) {
			struct iovec iov[2] = { { buf, 1000 }, { buf + 1000, sizeof(buf) - 1000 } };
			r = readv(fd, iov, 2);
		} else {
			r = read(fd, buf, sizeof(buf));
		}
		if (r > 0) {
			pattern(want, total, (size_t)r, seed);
			h = fnv(h, buf, (size_t)r);
			w = fnv(w, want, (size_t)r);
			total += (size_t)r;
		}
	} while (r > 0);
	printf("%s: %zu bytes, end %zd, sum %08x, %s\n", what, total, r, h,
	       h == w ? "pattern ok" : "pattern WRONG");
	fflush(stdout);
}

static void child_status(const char *what)
{
	int status = -1;

	wait(&status);
	printf("%s: child exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void tcp_connect_accept(int lfd, int *cfd, int *sfd)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, port_of(lfd, 0)), peer;
	socklen_t len = sizeof(peer);
	int c = bounded(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)), s;

	val("nonblock connect", connect(c, SA(&sin), sizeof(sin)));
	show_poll("poll connecting OUT", c, POLLOUT, WAIT_MS);
	val("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	val("connect again", connect(c, SA(&sin), sizeof(sin)));
	val("connect a third time", connect(c, SA(&sin), sizeof(sin)));
	show_poll("poll listener IN", lfd, POLLIN, WAIT_MS);
	s = bounded(accept4(lfd, SA(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
	ok("accept4", s);
	show_sin("accept4 peer", &peer, len, port_of(c, 0));
	printf("accepted O_NONBLOCK %d FD_CLOEXEC %d, client FD_CLOEXEC %d\n",
	       !!(fcntl(s, F_GETFL) & O_NONBLOCK), !!(fcntl(s, F_GETFD) & FD_CLOEXEC),
	       !!(fcntl(c, F_GETFD) & FD_CLOEXEC));
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	val("nonblock accept, none pending", accept(lfd, NULL, NULL));
	fcntl(lfd, F_SETFL, 0);
	show_name("client getsockname", c, 0, 0);
	show_name("client getpeername", c, 1, port_of(lfd, 0));
	show_name("accepted getsockname", s, 0, port_of(lfd, 0));
	show_name("accepted getpeername", s, 1, port_of(c, 0));
	fcntl(c, F_SETFL, 0);
	fcntl(s, F_SETFL, 0);
	*cfd = c;
	*sfd = s;
}

/* A forked child sends 1 MiB on from and half-closes; this process reads it on to. */
static void one_way(const char *what, int from, int to, unsigned int seed, int vec)
{
	fflush(stdout);
	if (fork() == 0)
		send_mib(from, seed, vec);
	recv_mib(what, to, seed, vec);
	child_status(what);
}

/* 1 MiB each way (write/read, then writev/readv), each ended by SHUT_WR; then poll. */
static void tcp_transfer(int c, int s)
{
	one_way("client to server", c, s, 1, 0);
	show_poll("server after peer SHUT_WR", s, POLLIN | POLLOUT, WAIT_MS);
	val("server write after peer SHUT_WR", write(s, "ok", 2));
	val("client read", (long)read_full(c, (char[4]){ 0 }, 2));
	one_way("server to client", s, c, 2, 1);
	show_poll("client both shut", c, POLLIN | POLLOUT, WAIT_MS);
	show_poll("server both shut", s, POLLIN | POLLOUT, WAIT_MS);
	val("read at end", read(c, (char[4]){ 0 }, 4));
	val("client write after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
	close(c);
	close(s);
}

/* MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, FIONREAD, SO_RCVTIMEO on one connection. */
static void tcp_flags(int lfd)
{
	struct timeval tv = { 0, 200000 };
	socklen_t len = sizeof(tv);
	char buf[64] = { 0 };
	int c, s = pair(lfd, &c), n = -1;

	val("recv MSG_DONTWAIT empty", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	fcntl(s, F_SETFL, O_NONBLOCK);
	val("read O_NONBLOCK empty", read(s, buf, sizeof(buf)));
	fcntl(s, F_SETFL, 0);
	val("send hello", send(c, "hello", 5, 0));
	show_poll("poll IN", s, POLLIN, WAIT_MS);
	val("FIONREAD", ioctl(s, FIONREAD, &n) ? -1 : n);
	val("recv MSG_PEEK 3", recv(s, buf, 3, MSG_PEEK));
	printf("peeked %.3s\n", buf);
	val("recv 16", recv(s, buf, 16, 0));
	printf("got %.5s\n", buf);
	val("setsockopt SO_RCVTIMEO", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	memset(&tv, 0, sizeof(tv));
	val("getsockopt SO_RCVTIMEO", getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
	printf("SO_RCVTIMEO %ld s %ld us len %u\n", (long)tv.tv_sec, (long)tv.tv_usec, len);
	val("recv times out", recv(s, buf, sizeof(buf), 0));
	fflush(stdout);
	if (fork() == 0) {
		for (int i = 0; i < 10; i++) {
			usleep(20000);
			if (write(c, "0123456789", 10) != 10)
				_exit(1);
		}
		_exit(0);
	}
	tv.tv_sec = 10;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	val("recv MSG_WAITALL 100", recv(s, buf, 64, MSG_WAITALL) + recv(s, buf, 36, MSG_WAITALL));
	child_status("waitall");
	close(c);
	close(s);
}

static void tcp_options(int lfd)
{
	int one = 1, c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in lo9 = sin_of(LOOPBACK, 9);
	struct stat st;

	val("SO_TYPE", sockopt_int(c, SOL_SOCKET, SO_TYPE));
	val("SO_DOMAIN", sockopt_int(c, SOL_SOCKET, SO_DOMAIN));
	val("SO_PROTOCOL", sockopt_int(c, SOL_SOCKET, SO_PROTOCOL));
	val("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	val("SO_ACCEPTCONN client", sockopt_int(c, SOL_SOCKET, SO_ACCEPTCONN));
	val("SO_ACCEPTCONN listener", sockopt_int(lfd, SOL_SOCKET, SO_ACCEPTCONN));
	val("SO_REUSEADDR", sockopt_int(c, SOL_SOCKET, SO_REUSEADDR));
	val("set SO_KEEPALIVE", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	val("SO_KEEPALIVE", sockopt_int(c, SOL_SOCKET, SO_KEEPALIVE));
	val("set TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	val("TCP_NODELAY", sockopt_int(c, IPPROTO_TCP, TCP_NODELAY));
	val("fstat", fstat(c, &st));
	printf("S_ISSOCK %d mode %o\n", S_ISSOCK(st.st_mode), (unsigned int)st.st_mode);
	show_name("unbound getsockname", c, 0, 0);
	val("unconnected getpeername", getpeername(c, SA(&(struct sockaddr_in){ 0 }),
						 &(socklen_t){ 16 }));
	val("unconnected recv", recv(c, &one, 1, 0));
	val("unconnected send", send(c, "x", 1, MSG_NOSIGNAL));
	val("unconnected shutdown", shutdown(c, SHUT_WR));
	val("unlistened accept", accept(c, NULL, NULL));
	val("listener getpeername", getpeername(lfd, SA(&(struct sockaddr_in){ 0 }),
						&(socklen_t){ 16 }));
	val("listener connect", connect(lfd, SA(&lo9), sizeof(lo9)));
	close(c);
}

static int sockets_tcp(void)
{
	int lfd = bounded(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), one = 1, c, s;
	struct sockaddr_in sin = sin_of(LOOPBACK, 0);

	ok("socket", lfd);
	printf("FD_CLOEXEC %d O_NONBLOCK %d\n", !!(fcntl(lfd, F_GETFD) & FD_CLOEXEC),
	       !!(fcntl(lfd, F_GETFL) & O_NONBLOCK));
	val("SO_REUSEADDR", setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	val("bind", bind(lfd, SA(&sin), sizeof(sin)));
	show_name("getsockname", lfd, 0, 0);
	show_poll("poll unlistened", lfd, POLLIN | POLLOUT, 0);
	val("listen", listen(lfd, 8));
	show_poll("poll listener", lfd, POLLIN | POLLOUT, 0);
	tcp_connect_accept(lfd, &c, &s);
	tcp_transfer(c, s);
	tcp_flags(lfd);
	tcp_options(lfd);
	close(lfd);
	return 0;
}

/* Refused and in-use ports, SO_REUSEADDR over TIME_WAIT, the backlog, EPIPE and SIGPIPE. */
static void tcp_refused(void)
{
	int lfd = listener(0, 1, 0), c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int b = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = sin_of(LOOPBACK, port_of(lfd, 0));

	close(lfd);
	val("connect closed port", connect(b, SA(&sin), sizeof(sin)));
	val("nonblock connect closed port", connect(c, SA(&sin), sizeof(sin)));
	show_poll("poll refused", c, POLLOUT, WAIT_MS);
	val("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	val("SO_ERROR again", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	close(b);
	close(c);
}

static int try_bind(int type, unsigned short port, int reuse)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, port);
	int fd = socket(AF_INET, type, 0), ret;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	ret = bind(fd, SA(&sin), sizeof(sin));
	close(fd);
	return ret;
}

static void tcp_in_use(void)
{
	int lfd = listener(0, 4, 1), c, s;
	unsigned short port = port_of(lfd, 0);
	char byte;

	val("bind in use", try_bind(SOCK_STREAM, port, 0));
	val("bind in use, SO_REUSEADDR", try_bind(SOCK_STREAM, port, 1));
	val("bind another port 0", try_bind(SOCK_STREAM, 0, 0));
	s = pair(lfd, &c);
	close(lfd);
	/* the server closes first, so its end waits in TIME_WAIT on the port */
	close(s);
	val("client reads end", read(c, &byte, 1));
	close(c);
	val("bind TIME_WAIT port", try_bind(SOCK_STREAM, port, 0));
	val("bind TIME_WAIT port, SO_REUSEADDR", try_bind(SOCK_STREAM, port, 1));
	lfd = listener(port, 4, 1);
	s = pair(lfd, &c);
	val("new listener serves", write(c, "r", 1) + read(s, &byte, 1));
	close(c);
	close(s);
	close(lfd);
}

static void tcp_backlog(void)
{
	int lfd = listener(0, 2, 0), c[2], s;

	for (int i = 0; i < 2; i++)
		c[i] = connect_to(port_of(lfd, 0));
	val("listen again", listen(lfd, 5));
	for (int i = 0; i < 2; i++) {
		s = bounded(accept(lfd, NULL, NULL));
		printf("accept %d: %s\n", i,
		       port_of(s, 1) == port_of(c[i], 0) ? "in order" : "out of order");
		val("listen on connected", listen(s, 1));
		close(s);
		close(c[i]);
	}
	close(lfd);
}

static void tcp_epipe(void)
{
	int lfd = listener(0, 1, 0), c, s = pair(lfd, &c);
	char byte;

	signal(SIGPIPE, on_sigpipe);
	close(s);
	val("read end", read(c, &byte, 1));
	val("write to closed peer", write(c, "x", 1));
	show_poll("poll reset", c, 0, WAIT_MS);
	val("write after reset", write(c, "x", 1));
	val("SIGPIPEs", sigpipes);
	val("send MSG_NOSIGNAL", send(c, "x", 1, MSG_NOSIGNAL));
	val("SIGPIPEs", sigpipes);
	val("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	val("read after reset", read(c, &byte, 1));
	close(c);
	close(lfd);
}

static int sockets_tcpstate(void)
{
	tcp_refused();
	tcp_in_use();
	tcp_backlog();
	tcp_epipe();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct section sections[] = {
		{ "tcp", sockets_tcp }, { "tcpstate", sockets_tcpstate },
	};

	return run_sections(argc, argv, sections, sizeof(sections) / sizeof(sections[0]));
}
