/* A multicast receiver for tests/test_mcast.py: `mcastrecv IFACE GROUP PORT` binds a UDP
 * socket to INADDR_ANY:PORT, joins GROUP on IFACE by index (ip_mreqn), waits until the
 * group's Ethernet address is on IFACE's list (/proc/net/dev_mcast), prints the first
 * datagram; then drops the group by IFACE's address (ip_mreq), waits until the address has
 * left the list and prints the next datagram (the test sends the group's first, then a
 * unicast marker: the marker must come); then joins again, sends two datagrams to the group
 * out of IFACE (TTL 1, then 3) and exits, so close leaves. Each
 * step prints one line; the test sends only after "ready". Every wait is bounded. */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "sockhelp.h"

#define LIST_WAIT_STEPS 300 /* 100 ms each: lwipd applies IGMP's list changes soon after */

/* ifr for IFACE after ioctl cmd (SIOCGIFINDEX, SIOCGIFADDR); exits on failure. */
static struct ifreq iface_req(int fd, const char *name, unsigned long cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, cmd, &ifr)) {
		ok("ioctl", -1);
		exit(1);
	}
	return ifr;
}

/* Whether /proc/net/dev_mcast lists the group's Ethernet address (RFC 1112, 6.4). */
static int listed(unsigned int group)
{
	char want[13], line[128];
	FILE *f = fopen("/proc/net/dev_mcast", "r");
	int found = 0;

	snprintf(want, sizeof(want), "01005e%02x%02x%02x", (group >> 16) & 0x7f,
		 (group >> 8) & 0xff, group & 0xff);
	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, want) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void wait_listed(unsigned int group, int want)
{
	for (int i = 0; i < LIST_WAIT_STEPS && listed(group) != want; i++)
		usleep(100000);
	printf("listed: %s\n", listed(group) ? "yes" : "no");
	fflush(stdout);
}

static void recv_one(int fd)
{
	char buf[128];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t r;

	printf("ready\n");
	fflush(stdout);
	r = recvfrom(fd, buf, sizeof(buf), 0, SA(&from), &len);
	if (r < 0) {
		ok("recv", r);
		return;
	}
	printf("recv: '%.*s' from %s\n", (int)r, buf, inet_ntoa(from.sin_addr));
	fflush(stdout);
}

/* Datagrams already queued (the test's repeats of one it sent until it was seen). */
static void drain(int fd)
{
	char buf[128];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/* To the group out of IFACE (IP_MULTICAST_IF): with the default TTL (1), then TTL 3. */
static void send_group(int fd, unsigned int group, const struct in_addr *iface)
{
	struct sockaddr_in to = sin_of(group, port_of(fd, 0));
	int ttl = 3;

	ok("IP_MULTICAST_IF", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, iface, sizeof(*iface)));
	ok("send ttl 1", sendto(fd, "ttl one", 7, 0, SA(&to), sizeof(to)));
	ok("IP_MULTICAST_TTL", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)));
	ok("send ttl 3", sendto(fd, "ttl three", 9, 0, SA(&to), sizeof(to)));
}

int main(int argc, char **argv)
{
	struct timeval tv = { 60, 0 };
	struct sockaddr_in any;
	struct ip_mreqn mreqn;
	struct ip_mreq mreq;
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned int group;

	if (argc != 4 || fd < 0)
		return 2;
	group = ntohl(inet_addr(argv[2]));
	any = sin_of(0, (unsigned short)atoi(argv[3]));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ok("bind", bind(fd, SA(&any), sizeof(any)));
	memset(&mreqn, 0, sizeof(mreqn));
	mreqn.imr_multiaddr.s_addr = htonl(group);
	mreqn.imr_ifindex = iface_req(fd, argv[1], SIOCGIFINDEX).ifr_ifindex;
	ok("join", setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreqn, sizeof(mreqn)));
	wait_listed(group, 1);
	recv_one(fd);
	ifr = iface_req(fd, argv[1], SIOCGIFADDR);
	mreq.imr_multiaddr.s_addr = htonl(group);
	mreq.imr_interface = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	ok("drop", setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq)));
	drain(fd);
	wait_listed(group, 0);
	recv_one(fd);
	ok("join again", setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)));
	wait_listed(group, 1);
	send_group(fd, group, &mreq.imr_interface);
	close(fd);
	return 0;
}
