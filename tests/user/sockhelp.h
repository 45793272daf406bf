/* What tests/user/sockets.c's sections share: one-line reports of a call's result (errno by
 * musl's message, so the host's and Keel's lines are equal where the errno is), 127.0.0.1
 * addresses, addresses printed without the ephemeral port's value, and poll's bits by name. */
#ifndef TESTS_USER_SOCKHELP_H
#define TESTS_USER_SOCKHELP_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#define LOOPBACK 0x7f000001u
#define WAIT_MS 10000 /* poll's bound: a lost wakeup fails instead of hanging the test */

/* ret < 0: errno's message; else "ok" (fds, lengths whose value is not the point). */
static inline void ok(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: ok\n", what);
	fflush(stdout);
}

/* ret < 0: errno's message; else the value. */
static inline void val(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, ret);
	fflush(stdout);
}

static inline struct sockaddr_in sin_of(unsigned int addr, unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(addr);
	return sin;
}

#define SA(p) ((struct sockaddr *)(p))

/* The local (peer 0) or remote (peer 1) port of fd, 0 on error. */
static inline unsigned short port_of(int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int ret = peer ? getpeername(fd, SA(&sin), &len) : getsockname(fd, SA(&sin), &len);

	return ret ? 0 : ntohs(sin.sin_port);
}

/* family, address, length, and the port as "0", "nonzero" or its value when it is `known`. */
static inline void show_sin(const char *what, const struct sockaddr_in *sin, socklen_t len,
			    unsigned short known)
{
	unsigned short port = ntohs(sin->sin_port);

	printf("%s: len %u family %d addr %s port %s\n", what, (unsigned int)len,
	       sin->sin_family, inet_ntoa(sin->sin_addr),
	       port == 0 ? "0" : port == known ? "known" : "nonzero");
	fflush(stdout);
}

static inline void show_name(const char *what, int fd, int peer, unsigned short known)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int ret;

	memset(&sin, 0, sizeof(sin));
	ret = peer ? getpeername(fd, SA(&sin), &len) : getsockname(fd, SA(&sin), &len);
	if (ret < 0)
		ok(what, ret);
	else
		show_sin(what, &sin, len, known);
}

/* Waits (at most WAIT_MS) for events on fd; prints and returns revents by name. */
static inline int show_poll(const char *what, int fd, short events, int ms)
{
	static const struct { short bit; const char *name; } bits[] = {
		{ POLLIN, "IN" }, { POLLPRI, "PRI" }, { POLLOUT, "OUT" }, { POLLERR, "ERR" },
		{ POLLHUP, "HUP" }, { POLLNVAL, "NVAL" }, { POLLRDHUP, "RDHUP" },
	};
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret = poll(&pfd, 1, ms);

	if (ret < 0) {
		ok(what, ret);
		return 0;
	}
	printf("%s: %d", what, ret);
	for (unsigned int i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (pfd.revents & bits[i].bit)
			printf(" %s", bits[i].name);
	printf("\n");
	fflush(stdout);
	return pfd.revents;
}

/* SO_RCVTIMEO and SO_SNDTIMEO of WAIT_MS: a broken peer fails the call instead of hanging
 * the test (accept and connect honour them too). Returns fd. */
static inline int bounded(int fd)
{
	struct timeval tv = { WAIT_MS / 1000, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static inline int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -1;
	return len == sizeof(v) ? v : -2;
}

/* FNV-1a over a byte stream, to compare 1 MiB without printing it. */
static inline unsigned int fnv(unsigned int h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

#define FNV_START 2166136261u

/* The test pattern: byte i of a stream is a function of i and the seed. */
static inline void pattern(unsigned char *buf, size_t off, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(((off + i) * 131 + seed + (off + i) / 4093) & 0xff);
}

struct section {
	const char *name;
	int (*run)(void);
};

/* Runs the sections named by the arguments, in their order, each after a "== name" line. */
static inline int run_sections(int argc, char **argv, const struct section *sections,
			       unsigned int n)
{
	for (int i = 1; i < argc; i++)
		for (unsigned int j = 0; j < n; j++)
			if (!strcmp(argv[i], sections[j].name)) {
				printf("== %s\n", argv[i]);
				fflush(stdout);
				sections[j].run();
			}
	return 0;
}

#endif
