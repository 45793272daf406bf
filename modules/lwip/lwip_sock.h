/*
 * AF_INET sockets over lwIP's raw API, shared by lwip_sock.c (the family, addresses,
 * options, waiting), lwip_tcp_sock.c, lwip_udp_sock.c and lwip_raw_sock.c (raw and ICMP
 * datagram "ping" sockets). Each socket's inet_sock is changed only with lwip_core_lock held,
 * by system calls and by lwIP's callbacks alike; callers sleep on sock->wq with the lock
 * released (inet_wait). States and errors follow Linux's struct sock: sk_state, sk_err,
 * sk_shutdown. See docs/net.md, "Sockets".
 */
#ifndef LWIP_SOCK_H
#define LWIP_SOCK_H

#include <keel/in.h>
#include <keel/list.h>
#include <keel/module.h>
#include <keel/poll.h>
#include <keel/string.h>
#include <keel/net.h>
#include "lwip_port.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

/* sk_state: Linux's TCP states that the poll and call rules look at */
enum { INET_CLOSE, INET_LISTEN, INET_SYN_SENT, INET_ESTABLISHED };
/* sk_shutdown */
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

#define SYSCTL_RMEM_MAX 212992 /* net.core.rmem_max and wmem_max's defaults */

/* A received datagram (UDP, raw, ping) waiting for recvmsg. */
struct inet_dgram {
	struct list_head list;
	struct pbuf *p;             /* the payload (raw: from the IP header) */
	ip4_addr_t from, to;
	u16 port;                   /* the sender's, big-endian (0 for raw and ping) */
	u8 ttl, tos;
	int ifindex;
};

struct inet_sock {
	struct socket *sock;        /* NULL while an accepted child waits in the queue */
	int protocol;
	union {
		struct tcp_pcb *tcp;
		struct udp_pcb *udp;
		struct raw_pcb *raw;
	} pcb;                      /* NULL once lwIP has freed it (TCP reset, timeout) */
	int sk_state;
	int sk_err;                 /* positive errno, returned once (SO_ERROR) */
	unsigned int sk_shutdown;
	/* TCP */
	struct pbuf *rx;            /* bytes received, not yet read */
	struct list_head accept_q;  /* listener: established children (inet_sock.child) */
	struct list_head child;
	u16 sndbuf_free;            /* tcp_sndbuf as last seen under the lock, for poll */
	unsigned int sent_seq;      /* bumped by lwIP's sent and error callbacks */
	unsigned int send_wait_seq; /* sent_seq when a sender started waiting for room */
	bool nodelay;
	bool fin_rcvd;              /* the peer's FIN came: a reset then is EPIPE (CLOSE_WAIT) */
	/* datagrams */
	struct list_head rx_dgrams;
	unsigned int rx_bytes;
	unsigned int rcvbuf, sndbuf;
	/* addresses, kept when the pcb goes */
	ip4_addr_t laddr, raddr;
	u16 lport, rport;           /* host order */
	bool bound, connected;
	/* options */
	bool reuseaddr, broadcast, keepalive, dontroute, recvttl, recvtos, pktinfo, hdrincl, oobinline;
	bool linger_on;
	int linger_secs;
	int rcvlowat;
	u8 ttl, tos;
	u32 icmp_filter;            /* SOL_RAW ICMP_FILTER */
	u16 ident;                  /* ping sockets: the echo identifier ("port") */
	int bound_ifindex;          /* SO_BINDTODEVICE, 0: any */
	struct list_head ping_list; /* ping sockets, for unique identifiers */
	/* multicast (lwip_mcast.c) */
	u8 mc_ttl;                  /* IP_MULTICAST_TTL, 1 by default */
	bool mc_loop;               /* IP_MULTICAST_LOOP: kept, not acted on (docs/net.md) */
	int mc_index;               /* IP_MULTICAST_IF's interface, 0: the route's */
	ip4_addr_t mc_addr;         /* IP_MULTICAST_IF's address as given (getsockopt) */
	struct list_head mc_list;   /* the groups joined (struct inet_mc_socklist) */
	int mc_count;
};

static inline struct inet_sock *inet_sk(const struct socket *sock)
{
	return sock->sk;
}

/* lwip_sock.c */
extern const struct proto_ops inet_stream_ops, inet_dgram_ops, inet_raw_ops;
/* FIONREAD (the next datagram's size) and SIOCOUTQ for datagram sockets. */
int inet_dgram_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
/* Wakes the socket's sleepers and pollers (callbacks; lwip_core_lock held). */
void inet_wake(struct inet_sock *sk);
/*
 * Sleeps until cond(sk) holds, *timeo jiffies pass (-EAGAIN) or a signal comes
 * (sock_intr_errno). lwip_core_lock held on entry and return, released while asleep.
 */
int inet_wait(struct inet_sock *sk, long *timeo, bool (*cond)(struct inet_sock *sk));
/* A sockaddr_in of addrlen bytes into addr/port (host order): 0, -EINVAL, -EAFNOSUPPORT. */
int inet_addr_in(const struct sockaddr *uaddr, int addrlen, ip4_addr_t *addr, u16 *port);
/* Fills a sockaddr_in; returns its length. */
int inet_addr_out(struct sockaddr *uaddr, ip4_addr_t addr, u16 port);
/* The source address lwIP's route to dest would use (ANY: no route). */
ip4_addr_t inet_route_source(ip4_addr_t dest);
/* Whether addr is a broadcast address (limited, or a netif's subnet broadcast). */
bool inet_addr_broadcast(ip4_addr_t addr);
/* Whether addr is ANY or one of the machine's addresses (bind's EADDRNOTAVAIL check). */
bool inet_addr_local(ip4_addr_t addr);
/* The socket's error, cleared: -sk_err, or 0. */
int inet_sock_error(struct inet_sock *sk);
struct inet_sock *inet_sk_alloc(struct socket *sock, int protocol);
void inet_sk_free(struct inet_sock *sk);
/* Datagram queue helpers (UDP, raw, ping): queue a copy of p, take or peek the first. */
bool inet_dgram_queue(struct inet_sock *sk, struct pbuf *p, const ip_addr_t *from, u16 port);
int inet_dgram_recvmsg(struct inet_sock *sk, struct msghdr *msg, size_t len, int flags);
void inet_dgram_purge(struct inet_sock *sk);
unsigned int inet_dgram_poll(struct inet_sock *sk);
/* A datagram's destination: msg's address or the connected peer (port: NULL for raw and
 * ping sockets, which have none). 0, -EDESTADDRREQ, -EINVAL, -EAFNOSUPPORT, -EACCES (a
 * broadcast without SO_BROADCAST). */
int inet_dgram_dest(struct inet_sock *sk, struct msghdr *msg, ip_addr_t *ip, u16 *port);
/* proto_ops entries shared by UDP, raw and ping sockets */
int inet_dgram_recv(struct socket *sock, struct msghdr *msg, size_t len, int flags);
unsigned int inet_dgram_poll_op(struct file *file, struct socket *sock, struct poll_table *pt);
int inet_dgram_shutdown(struct socket *sock, int how);
/* Common option handling: -ENOPROTOOPT when the option is not a common one. */
int inet_setsockopt_common(struct inet_sock *sk, int level, int optname, const void *optval,
			   unsigned int optlen);
int inet_getsockopt_common(struct inet_sock *sk, int level, int optname, void *optval,
			   int *optlen);
/* The netif a SO_BINDTODEVICE index names, or NULL. */
struct netif *inet_bound_netif(struct inet_sock *sk);
int lwip_sock_init(void);
void lwip_sock_exit(void);

/* lwip_mcast.c: Linux's multicast socket options (ip(7)); lwip_core_lock held. */
void inet_mc_init(struct inet_sock *sk);
/* SOL_IP's IP_ADD/DROP_MEMBERSHIP, IP_MULTICAST_TTL/LOOP/IF (v: optval as an int): 0 or a
 * negative errno (see there); -ENOPROTOOPT for any other option. */
int inet_mc_setsockopt(struct inet_sock *sk, int optname, const void *optval,
		       unsigned int optlen, int v);
/* getsockopt(IP_MULTICAST_IF): the address given (TTL and LOOP are plain ints). */
int inet_mc_get_if(struct inet_sock *sk, void *optval, int *optlen);
/* Leaves every group the socket joined (close; Linux's ip_mc_drop_socket). */
void inet_mc_drop_socket(struct inet_sock *sk);

/* lwip_tcp_sock.c, lwip_udp_sock.c, lwip_raw_sock.c: each protocol's create */
int inet_tcp_create(struct inet_sock *sk);
int inet_udp_create(struct inet_sock *sk);
int inet_raw_create(struct inet_sock *sk, bool ping);
/* lwip_tcp_sock.c: a TCP socket's pcb (see there) */
struct tcp_pcb;
void tcp_sock_attach(struct inet_sock *sk, struct tcp_pcb *pcb);
void tcp_sock_detach(struct tcp_pcb *pcb);
int tcp_sock_new_pcb(struct inet_sock *sk);
void tcp_sock_cache_addrs(struct inet_sock *sk);
/* lwip_tcp_listen.c: the stream operations that are not about one connection's data */
int inet_listen(struct socket *sock, int backlog);
int inet_accept(struct socket *sock, struct socket *newsock, int flags);
int inet_tcp_bind(struct socket *sock, struct sockaddr *uaddr, int addrlen);
int inet_tcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
int inet_tcp_shutdown(struct socket *sock, int how);
int inet_tcp_release(struct socket *sock);
/* An lwIP err_t as a negative errno (Linux's meaning of each). */
int lwip_errno(err_t err);

#endif
