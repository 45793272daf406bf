/*
 * IPv4 socket addresses, protocol numbers and IP/TCP option names with Linux's values
 * (Linux's <linux/in.h>, <linux/tcp.h> uapi), shared by the AF_INET family module and the
 * netdev ioctls.
 */
#ifndef KEEL_IN_H
#define KEEL_IN_H

#include <keel/socket.h>

struct in_addr {
	u32 s_addr;                 /* big-endian */
};

struct sockaddr_in {
	sa_family_t sin_family;     /* AF_INET */
	u16 sin_port;               /* big-endian */
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

/* IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP */
struct ip_mreq {
	struct in_addr imr_multiaddr;
	struct in_addr imr_interface;
};

/* The same with an interface index, which wins over the address when not 0 (Linux's). */
struct ip_mreqn {
	struct in_addr imr_multiaddr;
	struct in_addr imr_address;
	int imr_ifindex;
};

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_RAW 255

#define INADDR_ANY 0x00000000u       /* host order, as Linux's */
#define INADDR_BROADCAST 0xffffffffu
#define INADDR_LOOPBACK 0x7f000001u

/* Levels besides SOL_SOCKET */
#define SOL_IP 0
#define SOL_TCP 6
#define SOL_UDP 17
#define SOL_RAW 255

/* SOL_IP */
#define IP_TOS 1
#define IP_TTL 2
#define IP_HDRINCL 3
#define IP_OPTIONS 4
#define IP_PKTINFO 8
#define IP_MTU_DISCOVER 10
#define IP_RECVERR 11
#define IP_RECVTTL 12
#define IP_RECVTOS 13
#define IP_MULTICAST_IF 32
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34
#define IP_ADD_MEMBERSHIP 35
#define IP_DROP_MEMBERSHIP 36

/* SOL_TCP */
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6

/* SOL_RAW on ICMP raw sockets: a bitmap of ICMP types not to deliver */
#define ICMP_FILTER 1

#endif
