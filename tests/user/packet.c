/*
 * Netdev ioctls and AF_PACKET sockets on the loopback device, run on the host (Linux, the
 * oracle) and in Keel with the same output: lo's flags, MTU, addresses and index through
 * struct ifreq; the errors netdevice(7) and packet(7) give for unknown devices, bad pointers,
 * bad values and bad routes (nothing here can change the host's configuration: every set
 * either fails or is undone); then frames sent and received on lo through SOCK_RAW and
 * SOCK_DGRAM packet sockets: sockaddr_ll, PACKET_AUXDATA, MSG_PEEK and MSG_TRUNC, FIONREAD,
 * poll, a classic BPF filter, ETH_P_ALL taps (sent frames as PACKET_OUTGOING, but not the
 * tap's own), SOCK_PACKET, PACKET_STATISTICS with a full receive queue's drops.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"
#include "packet_uapi.h"

/* CHECK that gives the result back. */
#define CHECKV(expr) checked(#expr, (long)(expr))
static long checked(const char *what, long ret)
{
	check_report(what, ret);
	return ret;
}

#define PROTO 0x88b5 /* IEEE's local experimental ethertype: nobody else's frames */

static void ifreq_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
}

static int ifreq_ioctl(int fd, unsigned long cmd, const char *name, struct ifreq *ifr)
{
	ifreq_name(ifr, name);
	return ioctl(fd, cmd, ifr);
}

static const char *sin_text(const struct sockaddr *sa)
{
	return inet_ntoa(((const struct sockaddr_in *)sa)->sin_addr);
}

static void lo_values(int fd)
{
	struct ifreq ifr;

	if (CHECKV(ifreq_ioctl(fd, SIOCGIFFLAGS, "lo", &ifr)) == 0)
		printf("flags %#x\n", (unsigned short)ifr.ifr_flags);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFMTU, "lo", &ifr)) == 0)
		printf("mtu %d\n", ifr.ifr_mtu);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFINDEX, "lo", &ifr)) == 0)
		printf("index %d\n", ifr.ifr_ifindex);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFHWADDR, "lo", &ifr)) == 0)
		printf("hwaddr family %d byte0 %d\n", ifr.ifr_hwaddr.sa_family,
		       ifr.ifr_hwaddr.sa_data[0]);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFADDR, "lo", &ifr)) == 0)
		printf("addr %s family %d\n", sin_text(&ifr.ifr_addr), ifr.ifr_addr.sa_family);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFNETMASK, "lo", &ifr)) == 0)
		printf("netmask %s\n", sin_text(&ifr.ifr_netmask));
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFDSTADDR, "lo", &ifr)) == 0)
		printf("dstaddr %s\n", sin_text(&ifr.ifr_dstaddr));
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFBRDADDR, "lo", &ifr)) == 0)
		printf("broadcast %s\n", sin_text(&ifr.ifr_broadaddr));
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFMETRIC, "lo", &ifr)) == 0)
		printf("metric %d\n", ifr.ifr_metric);
	if (CHECKV(ifreq_ioctl(fd, SIOCGIFTXQLEN, "lo", &ifr)) == 0)
		printf("txqueuelen %d\n", ifr.ifr_qlen);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = 1;
	if (CHECKV(ioctl(fd, SIOCGIFNAME, &ifr)) == 0)
		printf("name of 1: %s\n", ifr.ifr_name);
}

/* SIOCGIFCONF: the length asked for with no buffer, then buffers of one entry and less (lo
 * comes first on both kernels; the host has other addresses after it). */
static void ifconf_entries(int fd)
{
	struct ifreq reqs[2];
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };

	CHECK(ioctl(fd, SIOCGIFCONF, &ifc));
	printf("needed: a multiple of %zu: %d\n", sizeof(struct ifreq),
	       ifc.ifc_len > 0 && ifc.ifc_len % (int)sizeof(struct ifreq) == 0);
	memset(reqs, 0xaa, sizeof(reqs));
	ifc.ifc_len = sizeof(struct ifreq);
	ifc.ifc_req = reqs;
	CHECK(ioctl(fd, SIOCGIFCONF, &ifc));
	printf("len %d: %s %s family %d\n", ifc.ifc_len, reqs[0].ifr_name,
	       sin_text(&reqs[0].ifr_addr), reqs[0].ifr_addr.sa_family);
	ifc.ifc_len = sizeof(struct ifreq) - 1;
	CHECK(ioctl(fd, SIOCGIFCONF, &ifc));
	printf("len %d\n", ifc.ifc_len);
}

static void ifreq_errors(int fd)
{
	struct ifreq ifr;
	struct ifconf ifc;
	struct termios t;

	CHECK(ifreq_ioctl(fd, SIOCGIFFLAGS, "nosuch0", &ifr));
	CHECK(ifreq_ioctl(fd, SIOCGIFADDR, "nosuch0", &ifr));
	CHECK(ifreq_ioctl(fd, SIOCSIFFLAGS, "nosuch0", &ifr));
	CHECK(ifreq_ioctl(fd, SIOCGIFINDEX, "", &ifr));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = 99999;
	CHECK(ioctl(fd, SIOCGIFNAME, &ifr));
	CHECK(ioctl(fd, SIOCGIFFLAGS, (void *)8));
	CHECK(ioctl(fd, SIOCGIFCONF, (void *)8));
	ifc.ifc_len = 4096;
	ifc.ifc_buf = (void *)8;
	CHECK(ioctl(fd, SIOCGIFCONF, &ifc));
	CHECK(ioctl(fd, TCGETS, &t));
	ifreq_name(&ifr, "lo");
	ifr.ifr_mtu = -1;
	CHECK(ioctl(fd, SIOCSIFMTU, &ifr));
	ifreq_name(&ifr, "lo");
	ifr.ifr_addr.sa_family = AF_INET6;
	CHECK(ioctl(fd, SIOCSIFADDR, &ifr));
	ifreq_name(&ifr, "lo");
	ifr.ifr_netmask.sa_family = AF_INET;
	((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr.s_addr = htonl(0xff00ff00);
	CHECK(ioctl(fd, SIOCSIFNETMASK, &ifr));
}

static void set_sin(struct sockaddr *sa, unsigned int addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
}

static void route_errors(int fd)
{
	struct rtentry rt;

	memset(&rt, 0, sizeof(rt));
	rt.rt_dst.sa_family = AF_INET6;
	CHECK(ioctl(fd, SIOCADDRT, &rt));
	set_sin(&rt.rt_dst, 0x0a000001);
	set_sin(&rt.rt_genmask, 0xff000000); /* host bits set in the destination */
	CHECK(ioctl(fd, SIOCADDRT, &rt));
	set_sin(&rt.rt_dst, 0x0a630000);
	set_sin(&rt.rt_genmask, 0xffff0000);
	CHECK(ioctl(fd, SIOCDELRT, &rt));
	rt.rt_flags = RTF_UP | RTF_GATEWAY; /* a gateway flag and no gateway */
	CHECK(ioctl(fd, SIOCADDRT, &rt));
	rt.rt_dev = "nosuch0";
	CHECK(ioctl(fd, SIOCADDRT, &rt));
	CHECK(ioctl(fd, SIOCADDRT, (void *)8));
}

/* An Ethernet frame for lo: zero addresses, PROTO, then text. */
static int lo_frame(unsigned char *buf, const char *text)
{
	memset(buf, 0, 12);
	buf[12] = PROTO >> 8;
	buf[13] = PROTO & 0xff;
	strcpy((char *)buf + 14, text);
	return 14 + (int)strlen(text);
}

static void print_sll(const struct sockaddr_ll *sll, socklen_t len)
{
	printf("from len %u family %d proto %#x ifindex %d hatype %d pkttype %d halen %d\n",
	       (unsigned int)len, sll->sll_family, ntohs(sll->sll_protocol), sll->sll_ifindex,
	       sll->sll_hatype, sll->sll_pkttype, sll->sll_halen);
}

static int bound_socket(int type, int lo)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(PROTO),
				   .sll_ifindex = lo };
	int fd = socket(AF_PACKET, type, htons(PROTO));

	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)));
	return fd;
}

static void raw_round_trip(int lo)
{
	int fd = bound_socket(SOCK_RAW, lo), n, inq = -1;
	unsigned char buf[64], small[4];
	struct sockaddr_ll from, name;
	socklen_t len = sizeof(from);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	len = sizeof(name);
	CHECK(getsockname(fd, (struct sockaddr *)&name, &len));
	print_sll(&name, len);
	CHECK(poll(&pfd, 1, 0));
	n = lo_frame(buf, "raw frame");
	CHECK(send(fd, buf, (size_t)n, 0));
	CHECK(poll(&pfd, 1, 5000));
	printf("revents %#x\n", pfd.revents);
	CHECK(ioctl(fd, FIONREAD, &inq));
	printf("inq %d\n", inq);
	CHECK(recv(fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC));
	len = sizeof(from);
	memset(buf, 0, sizeof(buf));
	CHECK(n = (int)recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len));
	print_sll(&from, len);
	printf("proto bytes %02x%02x text %s\n", buf[12], buf[13], buf + 14);
	CHECK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	close(fd);
}

static void dgram_auxdata(int lo)
{
	int fd = bound_socket(SOCK_DGRAM, lo), one = 1;
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(PROTO),
				  .sll_ifindex = lo, .sll_halen = 6 };
	char buf[64], ctl[128];
	struct iovec iov = { buf, 4 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	CHECK(setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)));
	CHECK(sendto(fd, "dgram payload", 13, 0, (struct sockaddr *)&to, sizeof(to)));
	CHECK(recvmsg(fd, &msg, 0));
	printf("flags %#x text %.4s\n", msg.msg_flags, buf);
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		struct tpacket_auxdata *aux = (struct tpacket_auxdata *)CMSG_DATA(c);

		printf("cmsg level %d type %d user %u len %u snaplen %u net %u\n", c->cmsg_level,
		       c->cmsg_type, aux->tp_status & TP_STATUS_USER, aux->tp_len,
		       aux->tp_snaplen, aux->tp_net);
	}
	CHECK(sendto(fd, "x", 1, 0, NULL, 0));          /* no destination for the header */
	to.sll_ifindex = 99999;
	CHECK(sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	CHECK(sendto(fd, "x", 1, 0, (struct sockaddr *)&to, 8));
	close(fd);
}

/* Keeps frames whose first text byte is 'k' (offset 14 of the whole frame). */
static void filtered(int lo)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'k', 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { 4, insns }, bad = { 0, insns };
	int fd = bound_socket(SOCK_RAW, lo), n;
	unsigned char buf[64];
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	CHECK(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &bad, sizeof(bad)));
	CHECK(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)));
	n = lo_frame(buf, "drop me");
	CHECK(send(fd, buf, (size_t)n, 0));
	n = lo_frame(buf, "keep me");
	CHECK(send(fd, buf, (size_t)n, 0));
	memset(buf, 0, sizeof(buf));
	CHECK(recv(fd, buf, sizeof(buf), 0));
	printf("filtered: %s\n", buf + 14);
	CHECK(getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len));
	printf("stats packets %u drops %u\n", st.tp_packets, st.tp_drops);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0));
	CHECK(setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(n)));
	CHECK(setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(n)));
	close(fd);
}

/* An ETH_P_ALL socket on lo, seeing only PROTO frames (the host's lo carries other traffic). */
static int tap_socket(int lo)
{
	static struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROTO, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { 4, insns };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = lo };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	CHECK(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)));
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)));
	return fd;
}

static void tap_recv(int fd, const char *who)
{
	unsigned char buf[64];
	struct sockaddr_ll from;
	socklen_t len = sizeof(from);
	int n = (int)recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);

	if (n < 0) {
		printf("%s: errno %d\n", who, errno);
		return;
	}
	buf[n < 63 ? n : 63] = 0;
	printf("%s: %d bytes pkttype %d proto %#x %s\n", who, n, from.sll_pkttype,
	       ntohs(from.sll_protocol), buf + 14);
}

/* Taps see what others send (PACKET_OUTGOING) and what comes in, but not their own sends. */
static void taps(int lo)
{
	int a = tap_socket(lo), b = tap_socket(lo), n;
	unsigned char buf[64];

	n = lo_frame(buf, "tapped");
	CHECK(send(a, buf, (size_t)n, 0));
	usleep(300000);
	tap_recv(b, "other tap");
	tap_recv(b, "other tap");
	tap_recv(b, "other tap");
	tap_recv(a, "sender");
	tap_recv(a, "sender");
	close(a);
	close(b);
}

/* SOCK_PACKET: whole frames, the device named in a struct sockaddr / sockaddr_pkt. */
static void spkt(void)
{
	int fd = socket(AF_PACKET, SOCK_PACKET, htons(PROTO)), n;
	struct sockaddr sa = { .sa_family = AF_PACKET }, name;
	struct sockaddr_pkt from;
	socklen_t len = sizeof(name);
	unsigned char buf[64];

	strcpy(sa.sa_data, "lo");
	CHECK(bind(fd, &sa, 8));
	CHECK(bind(fd, &sa, sizeof(sa)));
	CHECK(getsockname(fd, &name, &len));
	printf("len %u family %d device %s\n", (unsigned int)len, name.sa_family, name.sa_data);
	n = lo_frame(buf, "spkt");
	CHECK(send(fd, buf, (size_t)n, 0));
	CHECK(sendto(fd, buf, (size_t)n, 0, &sa, sizeof(sa)));
	len = sizeof(from);
	memset(buf, 0, sizeof(buf));
	CHECK(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len));
	printf("from len %u family %d device %s proto %#x text %s\n", (unsigned int)len,
	       from.spkt_family, from.spkt_device, ntohs(from.spkt_protocol), buf + 14);
	strcpy(sa.sa_data, "nosuch0");
	CHECK(sendto(fd, buf, (size_t)n, 0, &sa, sizeof(sa)));
	CHECK(bind(fd, &sa, sizeof(sa)));
	close(fd);
}

/* A receive queue bounded by SO_RCVBUF: what does not fit is counted as dropped. */
static void queue_full(int lo)
{
	int fd = bound_socket(SOCK_RAW, lo), zero = 0, n, got = 0;
	unsigned char buf[1500];
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &zero, sizeof(zero)));
	n = lo_frame(buf, "fill");
	for (int i = 0; i < 20; i++)
		send(fd, buf, 1000, 0);
	usleep(300000);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	CHECK(getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len));
	printf("queued some %d, dropped some %d, all counted %d\n", got > 0 && got < 20,
	       st.tp_drops > 0, st.tp_packets == 20 && st.tp_drops == 20u - (unsigned)got);
	(void)n;
	close(fd);
}

static void packet_errors(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = 99999 };
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	CHECK(socket(AF_PACKET, SOCK_STREAM, 0));
	CHECK(bind(fd, (struct sockaddr *)&sll, 8));
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)));
	sll.sll_family = AF_INET;
	sll.sll_ifindex = 0;
	CHECK(bind(fd, (struct sockaddr *)&sll, sizeof(sll)));
	CHECK(send(fd, "x", 1, 0));
	CHECK(listen(fd, 1));
	CHECK(setsockopt(fd, SOL_PACKET, 999, &fd, sizeof(fd)));
	close(fd);
}

int main(void)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM, 0), lo;
	struct ifreq ifr;

	CHECK(fd);
	lo_values(fd);
	ifconf_entries(fd);
	ifreq_errors(fd);
	route_errors(fd);
	ifreq_ioctl(fd, SIOCGIFINDEX, "lo", &ifr);
	lo = ifr.ifr_ifindex;
	raw_round_trip(lo);
	dgram_auxdata(lo);
	filtered(lo);
	taps(lo);
	spkt();
	queue_full(lo);
	packet_errors();
	close(fd);
	return 0;
}
