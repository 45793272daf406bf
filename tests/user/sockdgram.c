/* UDP and ICMP sockets over 127.0.0.1 and the socket calls' argument errors, run on the host
 * (the oracle, in its own network namespace so ICMP datagram sockets are allowed) and in Keel
 * by tests/test_sockets.py, whose outputs must be equal (sockets.c has TCP). Sections by
 * argument: udp (addresses, connect()ed UDP, boundaries, MSG_TRUNC, empty datagrams, recvmsg
 * with iovecs), errors (EINVAL, EAFNOSUPPORT, EPROTONOSUPPORT, ENOTSOCK, EBADF, EFAULT...),
 * icmp (an echo through a raw socket and through an ICMP datagram socket), mcast (the
 * multicast options' defaults, round trips and errors, a group joined on lo, SIOCADDMULTI's
 * errors on lo: the namespace's lo is the only device both sides have). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include "sockhelp.h"

#define BAD ((void *)1)

static int udp_bound(void)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, 0);
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, SA(&sin), sizeof(sin))) {
		ok("udp_bound", -1);
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* a lost datagram ends */
	return fd;
}

/* recvfrom into n bytes: length, data, and which socket it came from. */
static void show_recv(const char *what, int fd, size_t n, int flags, int from)
{
	char buf[64] = { 0 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	ssize_t r;

	memset(&sin, 0, sizeof(sin));
	r = recvfrom(fd, buf, n, flags, SA(&sin), &len);
	if (r < 0) {
		ok(what, r);
		return;
	}
	printf("%s: %zd '%.*s' from %s%s\n", what, r, (int)(r < (ssize_t)n ? r : (ssize_t)n), buf,
	       inet_ntoa(sin.sin_addr), ntohs(sin.sin_port) == port_of(from, 0) ? " sender" : "");
	fflush(stdout);
}

static void udp_addresses(int a, int b)
{
	struct sockaddr_in to = sin_of(LOOPBACK, port_of(b, 0));
	static char big[8000], got[8100];
	unsigned int h;

	val("SO_TYPE", sockopt_int(a, SOL_SOCKET, SO_TYPE));
	val("SO_PROTOCOL", sockopt_int(a, SOL_SOCKET, SO_PROTOCOL));
	val("IP_TTL", sockopt_int(a, IPPROTO_IP, IP_TTL));
	val("set IP_TTL 5", setsockopt(a, IPPROTO_IP, IP_TTL, &(int){ 5 }, sizeof(int)));
	val("IP_TTL", sockopt_int(a, IPPROTO_IP, IP_TTL));
	show_name("getsockname", a, 0, 0);
	val("sendto one", sendto(a, "one", 3, 0, SA(&to), sizeof(to)));
	val("sendto two", sendto(a, "two", 3, 0, SA(&to), sizeof(to)));
	val("sendto empty", sendto(a, "", 0, 0, SA(&to), sizeof(to)));
	val("sendto three-four", sendto(a, "three-four", 10, 0, SA(&to), sizeof(to)));
	show_poll("poll", b, POLLIN | POLLOUT, WAIT_MS);
	show_recv("recvfrom", b, 64, 0, a);
	show_recv("recvfrom 2 bytes", b, 2, 0, a);
	show_recv("recvfrom empty", b, 64, 0, a);
	show_recv("recvfrom MSG_TRUNC 4", b, 4, MSG_TRUNC, a);
	show_recv("recvfrom MSG_DONTWAIT", b, 64, MSG_DONTWAIT, a);
	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	val("sendto 8000", sendto(a, big, sizeof(big), 0, SA(&to), sizeof(to)));
	val("recv 8000", recv(b, got, sizeof(got), 0));
	h = fnv(FNV_START, (unsigned char *)got, sizeof(big));
	printf("8000 bytes %s\n", h == fnv(FNV_START, (unsigned char *)big, sizeof(big)) ?
	       "equal" : "DIFFER");
	val("sendto 70000", sendto(a, big, 70000, 0, SA(&to), sizeof(to)));
}

static void udp_recvmsg(int a, int b)
{
	struct sockaddr_in to = sin_of(LOOPBACK, port_of(b, 0)), from;
	char p1[3], p2[4];
	struct iovec iov[2] = { { p1, sizeof(p1) }, { p2, sizeof(p2) } };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = iov, .msg_iovlen = 2 };
	struct iovec out[3] = { { "abc", 3 }, { "defg", 4 }, { "hij", 3 } };
	struct msghdr smsg = { .msg_name = &to, .msg_namelen = sizeof(to),
			       .msg_iov = out, .msg_iovlen = 3 };

	val("sendmsg 3 iovecs", sendmsg(a, &smsg, 0));
	val("recvmsg 2 iovecs", recvmsg(b, &msg, 0));
	printf("iov '%.3s' '%.4s' flags%s%s namelen %u\n", p1, p2,
	       msg.msg_flags & MSG_TRUNC ? " TRUNC" : "", msg.msg_flags & MSG_CTRUNC ? " CTRUNC" : "",
	       msg.msg_namelen);
	show_sin("recvmsg name", &from, msg.msg_namelen, port_of(a, 0));
	val("sendmsg again", sendmsg(a, &smsg, 0));
	msg.msg_name = NULL;
	msg.msg_flags = 0;
	iov[1].iov_len = 0;
	val("recvmsg no name, MSG_PEEK", recvmsg(b, &msg, MSG_PEEK));
	val("recv after peek", recv(b, p1, 3, 0));
	printf("%.3s\n", p1);
}

static void udp_connected(int a, int b)
{
	struct sockaddr_in to = sin_of(LOOPBACK, port_of(b, 0));
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int c = udp_bound(), fresh = socket(AF_INET, SOCK_DGRAM, 0);

	val("send unconnected", send(a, "x", 1, 0));
	val("connect", connect(a, SA(&to), sizeof(to)));
	show_name("getpeername", a, 1, port_of(b, 0));
	val("send connected", send(a, "conn", 4, 0));
	show_recv("recvfrom", b, 64, 0, a);
	val("write connected", write(a, "wr", 2));
	show_recv("recvfrom", b, 64, 0, a);
	to.sin_port = htons(port_of(a, 0));
	/* a connected socket takes datagrams from its peer only: c's is dropped */
	val("sendto from another", sendto(c, "other", 5, 0, SA(&to), sizeof(to)));
	val("sendto from peer", sendto(b, "peer", 4, 0, SA(&to), sizeof(to)));
	show_recv("recvfrom", a, 64, 0, b);
	val("connect AF_UNSPEC", connect(a, &unspec, sizeof(unspec)));
	val("getpeername", getpeername(a, SA(&to), &(socklen_t){ sizeof(to) }));
	to = sin_of(LOOPBACK, port_of(b, 0));
	val("unbound sendto", sendto(fresh, "auto", 4, 0, SA(&to), sizeof(to)));
	show_name("autobound", fresh, 0, 0);
	show_recv("recvfrom", b, 64, 0, fresh);
	val("shutdown unconnected", shutdown(fresh, SHUT_RDWR));
	val("listen", listen(fresh, 1));
	val("accept", accept(fresh, NULL, NULL));
	close(c);
	close(fresh);
}

static int sockets_udp(void)
{
	int a = udp_bound(), b = udp_bound();

	udp_addresses(a, b);
	udp_recvmsg(a, b);
	udp_connected(a, b);
	close(a);
	close(b);
	return 0;
}

static void bad_creates(void)
{
	val("socket type 99", socket(AF_INET, 99, 0));
	val("socket type flag bits", socket(AF_INET, SOCK_STREAM | 0x40000000, 0));
	val("socket family 12345", socket(12345, SOCK_STREAM, 0));
	val("socket stream udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	val("socket dgram tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	val("socket raw protocol 0", socket(AF_INET, SOCK_RAW, 0));
	val("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){ 0 }));
}

/* Each socket call on something that is not a socket (fd), or no file at all. */
static void not_sockets(const char *what, int fd)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, 9);
	socklen_t len = sizeof(sin);
	char name[64];
	int v;

#define NS(short, call) (snprintf(name, sizeof(name), "%s %s", what, short), val(name, call))
	NS("bind", bind(fd, SA(&sin), len));
	NS("connect", connect(fd, SA(&sin), len));
	NS("listen", listen(fd, 1));
	NS("accept4", accept4(fd, NULL, NULL, 0));
	NS("getsockname", getsockname(fd, SA(&sin), &len));
	NS("getpeername", getpeername(fd, SA(&sin), &len));
	NS("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	NS("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	NS("sendto", sendto(fd, "x", 1, 0, SA(&sin), sizeof(sin)));
	NS("recvfrom", recvfrom(fd, &v, 1, MSG_DONTWAIT, NULL, NULL));
	NS("shutdown", shutdown(fd, SHUT_RDWR));
#undef NS
}

static void bad_pointers(int tcp, int udp)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, 0), to = sin_of(LOOPBACK, port_of(udp, 0));
	socklen_t len = sizeof(sin);
	int v = 1;

	val("bind EFAULT", bind(tcp, BAD, sizeof(sin)));
	val("connect EFAULT", connect(tcp, BAD, sizeof(sin)));
	val("bind addrlen 4", bind(tcp, SA(&sin), 4));
	val("bind addrlen 200", bind(tcp, SA(&sin), 200));
	val("bind addrlen -1", bind(tcp, SA(&sin), (socklen_t)-1));
	val("connect addrlen 4", connect(udp, SA(&to), 4));
	val("sendto addrlen 4", sendto(udp, "x", 1, 0, SA(&to), 4));
	val("getsockname EFAULT name", getsockname(udp, BAD, &len));
	val("getsockname EFAULT len", getsockname(udp, SA(&sin), BAD));
	len = (socklen_t)-1;
	val("getsockname len -1", getsockname(udp, SA(&sin), &len));
	len = 4;
	val("getsockname len 4", getsockname(udp, SA(&sin), &len));
	printf("len now %u family %d\n", len, sin.sin_family);
	val("setsockopt EFAULT", setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, BAD, sizeof(int)));
	val("setsockopt optlen 2", setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &v, 2));
	val("getsockopt EFAULT len", getsockopt(tcp, SOL_SOCKET, SO_TYPE, &v, (socklen_t *)2));
	len = (socklen_t)-1;
	val("getsockopt optlen -1", getsockopt(tcp, SOL_SOCKET, SO_TYPE, &v, &len));
	len = sizeof(v);
	val("getsockopt unknown name", getsockopt(tcp, SOL_SOCKET, 9999, &v, &len));
	val("sendto EFAULT", sendto(udp, BAD, 10, 0, SA(&to), sizeof(to)));
	val("sendto self", sendto(udp, "xyz", 3, 0, SA(&to), sizeof(to)));
	val("recv EFAULT", recv(udp, BAD, 10, 0));
	val("recv after EFAULT", recv(udp, &v, sizeof(v), MSG_DONTWAIT));
}

static void bad_states(int tcp, int udp)
{
	struct sockaddr_in sin = sin_of(LOOPBACK, 0);
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };

	val("bind AF_INET6 address", bind(tcp, SA(&six), sizeof(six)));
	sin.sin_addr.s_addr = inet_addr("192.0.2.1");
	val("bind non-local address", bind(tcp, SA(&sin), sizeof(sin)));
	sin.sin_addr.s_addr = htonl(LOOPBACK);
	val("bind", bind(tcp, SA(&sin), sizeof(sin)));
	val("bind again", bind(tcp, SA(&sin), sizeof(sin)));
	val("shutdown how 5", shutdown(tcp, 5));
	val("send no address", send(udp, "x", 1, 0));
	val("accept4 bad flags", accept4(tcp, NULL, NULL, 0x1));
	val("SO_DOMAIN udp", sockopt_int(udp, SOL_SOCKET, SO_DOMAIN));
	val("SO_PROTOCOL udp", sockopt_int(udp, SOL_SOCKET, SO_PROTOCOL));
}

static int sockets_errors(void)
{
	int p[2], null = open("/dev/null", O_RDWR), tcp = socket(AF_INET, SOCK_STREAM, 0);
	int udp = udp_bound();

	bad_creates();
	if (pipe(p))
		return 1;
	not_sockets("pipe", p[0]);
	not_sockets("/dev/null", null);
	not_sockets("fd -1", -1);
	not_sockets("fd 1000", 1000);
	bad_pointers(tcp, udp);
	bad_states(tcp, udp);
	return 0;
}

static unsigned short csum(const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned int sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (unsigned int)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (unsigned int)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((unsigned short)~sum);
}

/* An echo request: 8 bytes of header, 56 of payload. */
static void echo_request(unsigned char *pkt, unsigned short id, unsigned short seq)
{
	struct icmphdr *icmp = (struct icmphdr *)pkt;

	memset(pkt, 0, 64);
	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = htons(id);
	icmp->un.echo.sequence = htons(seq);
	for (int i = 8; i < 64; i++)
		pkt[i] = (unsigned char)i;
	icmp->checksum = csum(pkt, 64);
}

/* Prints the ICMP message at pkt (n bytes) when it is the reply to `request`. */
static int show_reply(const char *what, const unsigned char *pkt, size_t n,
		      const unsigned char *request, unsigned short id)
{
	const struct icmphdr *icmp = (const struct icmphdr *)pkt;

	if (n < 8 || icmp->type != ICMP_ECHOREPLY)
		return 0;
	printf("%s: type %d code %d %zu bytes id %s seq %d payload %s checksum %s\n", what,
	       icmp->type, icmp->code, n, ntohs(icmp->un.echo.id) == id ? "ok" : "WRONG",
	       ntohs(icmp->un.echo.sequence),
	       n == 64 && !memcmp(pkt + 8, request + 8, 56) ? "equal" : "DIFFERS",
	       csum(pkt, n) == 0 ? "ok" : "bad");
	fflush(stdout);
	return 1;
}

/* An ICMP socket of type, its type and protocol printed, receives bounded by 5 s. */
static int icmp_socket(const char *what, int type)
{
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, type, IPPROTO_ICMP);

	ok(what, fd);
	val("SO_TYPE", sockopt_int(fd, SOL_SOCKET, SO_TYPE));
	val("SO_PROTOCOL", sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void icmp_raw(void)
{
	struct sockaddr_in to = sin_of(LOOPBACK, 0), from;
	unsigned char req[64], buf[256];
	int fd = icmp_socket("raw socket", SOCK_RAW), i;

	echo_request(req, 0x4b45, 7);
	val("raw sendto", sendto(fd, req, sizeof(req), 0, SA(&to), sizeof(to)));
	/* the socket also sees the request itself, which 127.0.0.1 receives */
	for (i = 0; i < 8; i++) {
		socklen_t len = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0, SA(&from), &len);
		const struct iphdr *ip = (const struct iphdr *)buf;

		if (r < 0) {
			ok("raw recvfrom", r);
			break;
		}
		if (r < 20 || !show_reply("raw reply", buf + ip->ihl * 4, (size_t)r - ip->ihl * 4,
					  req, 0x4b45))
			continue;
		printf("raw reply: ip version %d ihl %d protocol %d total %d from %s\n",
		       ip->version, ip->ihl, ip->protocol, ntohs(ip->tot_len),
		       inet_ntoa(from.sin_addr));
		break;
	}
	close(fd);
}

static void icmp_dgram(void)
{
	struct sockaddr_in to = sin_of(LOOPBACK, 0), from;
	socklen_t len = sizeof(from);
	unsigned char req[64], buf[256];
	int fd = icmp_socket("icmp dgram socket", SOCK_DGRAM);
	ssize_t r;

	memset(&from, 0, sizeof(from));
	echo_request(req, 0, 9);
	val("dgram sendto", sendto(fd, req, sizeof(req), 0, SA(&to), sizeof(to)));
	show_name("dgram getsockname", fd, 0, 0);
	r = recvfrom(fd, buf, sizeof(buf), 0, SA(&from), &len);
	if (r < 0 || !show_reply("dgram reply", buf, (size_t)r, req, port_of(fd, 0)))
		val("dgram recvfrom", r);
	show_sin("dgram from", &from, len, 0);
	req[0] = ICMP_TIMESTAMP;
	val("dgram sendto timestamp", sendto(fd, req, sizeof(req), 0, SA(&to), sizeof(to)));
	val("dgram sendto 4 bytes", sendto(fd, req, 4, 0, SA(&to), sizeof(to)));
	close(fd);
}

static int sockets_icmp(void)
{
	icmp_raw();
	icmp_dgram();
	return 0;
}

#define GROUP 0xef010203u /* 239.1.2.3 */

/* IP_ADD_MEMBERSHIP or IP_DROP_MEMBERSHIP of group on the interface with address iface
 * (ip_mreq), or with index ifindex when it is not -1 (ip_mreqn). */
static long membership(int fd, int opt, unsigned int group, unsigned int iface, int ifindex)
{
	struct ip_mreqn mreqn = { .imr_ifindex = ifindex };
	struct ip_mreq mreq;

	mreq.imr_multiaddr.s_addr = mreqn.imr_multiaddr.s_addr = htonl(group);
	mreq.imr_interface.s_addr = mreqn.imr_address.s_addr = htonl(iface);
	if (ifindex == -1)
		return setsockopt(fd, IPPROTO_IP, opt, &mreq, sizeof(mreq));
	return setsockopt(fd, IPPROTO_IP, opt, &mreqn, sizeof(mreqn));
}

static void show_mc_if(int fd)
{
	struct in_addr a = { 0 };
	socklen_t len = sizeof(a);

	val("get IP_MULTICAST_IF", getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, &len));
	printf("IP_MULTICAST_IF %s len %u\n", inet_ntoa(a), len);
}

static void mc_options(int fd, int tcp, int lo)
{
	struct ip_mreqn mreqn = { .imr_ifindex = lo };
	int v = 5;
	unsigned char c = 7;
	struct in_addr a = { htonl(LOOPBACK) };

	val("IP_MULTICAST_TTL", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL));
	val("IP_MULTICAST_LOOP", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP));
	show_mc_if(fd);
	val("set TTL 5", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)));
	val("IP_MULTICAST_TTL", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL));
	val("set TTL byte 7", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &c, 1));
	val("IP_MULTICAST_TTL", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL));
	v = 256;
	val("set TTL 256", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)));
	v = -1;
	val("set TTL -1", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)));
	val("IP_MULTICAST_TTL", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL));
	val("set TTL optlen 0", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, 0));
	v = 0;
	val("set LOOP 0", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &v, sizeof(v)));
	val("IP_MULTICAST_LOOP", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP));
	v = 5;
	val("set LOOP 5", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &v, sizeof(v)));
	val("IP_MULTICAST_LOOP", sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP));
	val("set IF 127.0.0.1", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)));
	show_mc_if(fd);
	a.s_addr = inet_addr("192.0.2.1");
	val("set IF 192.0.2.1", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)));
	val("set IF 2 bytes", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, 2));
	val("set IF lo's index", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreqn, sizeof(mreqn)));
	show_mc_if(fd);
	mreqn.imr_ifindex = 999;
	val("set IF index 999", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreqn, sizeof(mreqn)));
	a.s_addr = 0;
	val("set IF 0.0.0.0", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)));
	show_mc_if(fd);
	val("tcp set TTL", setsockopt(tcp, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)));
	val("tcp set IF", setsockopt(tcp, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)));
	val("tcp join", membership(tcp, IP_ADD_MEMBERSHIP, GROUP, LOOPBACK, -1));
}

static void mc_memberships(int fd, int lo)
{
	struct ip_mreq mreq = { { htonl(GROUP) }, { htonl(LOOPBACK) } };
	int i;

	val("join", membership(fd, IP_ADD_MEMBERSHIP, GROUP, LOOPBACK, -1));
	val("join again", membership(fd, IP_ADD_MEMBERSHIP, GROUP, LOOPBACK, -1));
	val("join again by index", membership(fd, IP_ADD_MEMBERSHIP, GROUP, 0, lo));
	val("join unicast group", membership(fd, IP_ADD_MEMBERSHIP, 0x0a000001, LOOPBACK, -1));
	val("join on 192.0.2.1", membership(fd, IP_ADD_MEMBERSHIP, GROUP, 0xc0000201, -1));
	val("join on index 999", membership(fd, IP_ADD_MEMBERSHIP, GROUP, 0, 999));
	val("join optlen 4", setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, 4));
	val("drop not joined", membership(fd, IP_DROP_MEMBERSHIP, 0xef090909, LOOPBACK, -1));
	val("drop by index", membership(fd, IP_DROP_MEMBERSHIP, GROUP, 0, lo));
	val("drop again", membership(fd, IP_DROP_MEMBERSHIP, GROUP, LOOPBACK, -1));
	for (i = 1; i <= 21; i++) /* Linux's igmp_max_memberships: 20 */
		if (membership(fd, IP_ADD_MEMBERSHIP, 0xef640000 + i, LOOPBACK, -1))
			break;
	val("joins before the limit", i - 1);
	val("join 21st", membership(fd, IP_ADD_MEMBERSHIP, 0xef640000 + i, LOOPBACK, -1));
}

/* A datagram to the group through lo reaches a socket bound to INADDR_ANY:port that joined
 * it there, and no longer once it dropped it (the next datagram is a unicast marker). */
static void mc_receive(void)
{
	struct sockaddr_in any = sin_of(0, 0), to;
	struct in_addr lo = { htonl(LOOPBACK) };
	struct timeval tv = { 10, 0 };
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = udp_bound();

	setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	val("bind INADDR_ANY", bind(r, SA(&any), sizeof(any)));
	to = sin_of(GROUP, port_of(r, 0));
	val("join", membership(r, IP_ADD_MEMBERSHIP, GROUP, LOOPBACK, -1));
	val("sender IF lo", setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof(lo)));
	val("sendto group", sendto(s, "group", 5, 0, SA(&to), sizeof(to)));
	show_recv("recv", r, 64, 0, s);
	val("drop", membership(r, IP_DROP_MEMBERSHIP, GROUP, LOOPBACK, -1));
	val("sendto group", sendto(s, "dropped", 7, 0, SA(&to), sizeof(to)));
	to = sin_of(LOOPBACK, port_of(r, 0));
	val("sendto unicast", sendto(s, "marker", 6, 0, SA(&to), sizeof(to)));
	show_recv("recv", r, 64, 0, s);
	val("join before close", membership(r, IP_ADD_MEMBERSHIP, GROUP, LOOPBACK, -1));
	close(r);
	close(s);
}

/* SIOCADDMULTI/SIOCDELMULTI: lo has no multicast filter (EINVAL), no such device (ENODEV). */
static void mc_ioctls(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	memcpy(ifr.ifr_hwaddr.sa_data, "\x01\x00\x5e\x01\x02\x03", 6);
	val("SIOCADDMULTI lo", ioctl(fd, SIOCADDMULTI, &ifr));
	val("SIOCDELMULTI lo", ioctl(fd, SIOCDELMULTI, &ifr));
	strcpy(ifr.ifr_name, "nosuch0");
	val("SIOCADDMULTI nosuch0", ioctl(fd, SIOCADDMULTI, &ifr));
}

/* lo's index through SIOCGIFINDEX (musl's if_nametoindex asks an AF_UNIX socket, which
 * Keel has not). */
static int lo_index(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	return ioctl(fd, SIOCGIFINDEX, &ifr) ? -1 : ifr.ifr_ifindex;
}

static int sockets_mcast(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), tcp = socket(AF_INET, SOCK_STREAM, 0);
	int lo = lo_index(fd);

	mc_options(fd, tcp, lo);
	mc_memberships(fd, lo);
	close(fd); /* leaves the 20 groups */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	val("join after close", membership(fd, IP_ADD_MEMBERSHIP, 0xef640001, LOOPBACK, -1));
	mc_receive();
	mc_ioctls(fd);
	close(fd);
	close(tcp);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct section sections[] = {
		{ "udp", sockets_udp }, { "errors", sockets_errors }, { "icmp", sockets_icmp },
		{ "mcast", sockets_mcast },
	};

	return run_sections(argc, argv, sections, sizeof(sections) / sizeof(sections[0]));
}
