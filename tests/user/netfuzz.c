/*
 * Hostile arguments for the netdev ioctls and AF_PACKET sockets, for Keel only (it changes
 * interfaces: never run it on the host): ITERATIONS rounds of random ifreq/ifconf/rtentry
 * contents for every socket ioctl number, random socket options and values, random binds,
 * random frames (0-70000 bytes) sent to random devices with random sockaddr_ll, and random
 * BPF programs (what the checker accepts then runs on frames looped through lo). Prints how
 * many calls succeeded; the kernel must neither oops nor hang. Usage: netfuzz [SEED].
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "packet_uapi.h"

#define ITERATIONS 3000


static uint64_t state = 88172645463325252ull;

static unsigned int rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned int)state;
}

static void fill(void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)buf)[i] = (unsigned char)rnd();
}

static const char *names[] = { "lo", "eth0", "nosuch0", "", "eth0:1" };

/* Brings lo and eth0 back up with their usual MTUs, so frames keep flowing through the
 * receive path (and the filters) whatever the random ioctls did. */
static void repair(int fd)
{
	const char *devs[] = { "lo", "eth0" };
	int mtus[] = { 65536, 1500 };
	struct ifreq ifr;

	for (int i = 0; i < 2; i++) {
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, devs[i]);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			continue;
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
		ifr.ifr_mtu = mtus[i];
		ioctl(fd, SIOCSIFMTU, &ifr);
	}
}

static int fuzz_ioctl(int fd)
{
	union {
		struct ifreq ifr;
		struct ifconf ifc;
		unsigned char raw[256];
	} u;
	unsigned long cmd = 0x8900 + rnd() % 0x100;

	fill(&u, sizeof(u));
	if (rnd() % 4)
		strcpy(u.ifr.ifr_name, names[rnd() % 5]);
	if (cmd == 0x8912 && rnd() % 2) { /* SIOCGIFCONF with a real buffer */
		u.ifc.ifc_len = (int)(rnd() % 240);
		u.ifc.ifc_buf = (char *)u.raw + 16;
	}
	if ((cmd == 0x890b || cmd == 0x890c) && rnd() % 2) /* rt_dev: a name, or garbage */
		memcpy(u.raw + 88, &(const char *){ names[rnd() % 5] }, sizeof(char *));
	if (cmd == 0x8922 && rnd() % 2) /* SIOCSIFMTU: keep lo usable most of the time */
		u.ifr.ifr_mtu = 1500 + (int)(rnd() % 70000) - 35000;
	return ioctl(fd, cmd, rnd() % 16 ? (void *)&u : (void *)(uintptr_t)rnd());
}

static int fuzz_option(int fd)
{
	unsigned char val[300];
	socklen_t len = rnd() % 300;
	int level = rnd() % 2 ? SOL_SOCKET : 263, name = (int)(rnd() % 64);

	fill(val, sizeof(val));
	if (rnd() % 2)
		return setsockopt(fd, level, name, val, len);
	return getsockopt(fd, level, name, val, &len);
}

static int fuzz_filter(int fd)
{
	struct sock_filter insns[24];
	struct sock_fprog prog = { (unsigned short)(1 + rnd() % 24), insns };

	fill(insns, sizeof(insns));
	for (unsigned int i = 0; i < prog.len; i++) {
		insns[i].jt %= 4;
		insns[i].jf %= 4;
		if (rnd() % 2)
			insns[i].k %= 64;
	}
	insns[prog.len - 1].code = 0x06; /* RET K, often enough to pass the checker */
	return setsockopt(fd, SOL_SOCKET, 26, &prog, sizeof(prog));
}

static int fuzz_send(int fd, unsigned char *frame)
{
	struct sockaddr_ll sll;
	size_t len = rnd() % 8 ? rnd() % 1600 : rnd() % 70000;

	fill(&sll, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = rnd() % 2 ? 1 : (int)(rnd() % 4); /* lo often: it comes back in */
	sll.sll_halen = rnd() % 2 ? 6 : sll.sll_halen;
	fill(frame, len < 2000 ? len : 2000);
	return (int)sendto(fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll,
			   rnd() % 8 ? sizeof(sll) : rnd() % 40);
}

static int fuzz_bind_or_recv(int fd, unsigned char *frame)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);

	if (rnd() % 2) {
		fill(&sll, sizeof(sll));
		sll.sll_family = rnd() % 4 ? AF_PACKET : (unsigned short)rnd();
		sll.sll_ifindex = (int)(rnd() % 4);
		return bind(fd, (struct sockaddr *)&sll, rnd() % 4 ? sizeof(sll) : rnd() % 40);
	}
	return (int)recvfrom(fd, frame, rnd() % 2000, MSG_DONTWAIT | (rnd() % 2 ? MSG_PEEK : 0),
			     (struct sockaddr *)&sll, &len);
}

int main(int argc, char **argv)
{
	static unsigned char frame[70000];
	int types[] = { SOCK_RAW, SOCK_DGRAM, SOCK_PACKET }, ok = 0, fd = -1;

	if (argc > 1)
		state ^= strtoull(argv[1], NULL, 0);
	for (int i = 0; i < ITERATIONS; i++) {
		if (fd < 0 || rnd() % 50 == 0) {
			if (fd >= 0)
				close(fd);
			fd = socket(AF_PACKET, types[rnd() % 3], rnd() % 2 ? htons(ETH_P_ALL)
								      : (int)(rnd() & 0xffff));
			if (fd < 0)
				continue;
		}
		if (i % 100 == 0)
			repair(fd);
		switch (rnd() % 5) {
		case 0: ok += fuzz_ioctl(fd) >= 0; break;
		case 1: ok += fuzz_option(fd) >= 0; break;
		case 2: ok += fuzz_filter(fd) >= 0; break;
		case 3: ok += fuzz_send(fd, frame) >= 0; break;
		default: ok += fuzz_bind_or_recv(fd, frame) >= 0; break;
		}
	}
	printf("netfuzz: %d of %d calls succeeded\n", ok, ITERATIONS);
	return 0;
}
