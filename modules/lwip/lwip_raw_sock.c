/*
 * SOCK_RAW sockets on lwIP's raw pcbs (Linux's raw.c) and ICMP datagram sockets, "ping
 * sockets" (Linux's ping.c). A raw socket gets a copy of every IPv4 packet of its protocol,
 * IP header included, and sends its payload under an IP header lwIP builds (IP_HDRINCL or
 * IPPROTO_RAW: the caller's own header). A ping socket sends ICMP echo requests whose
 * identifier the kernel sets to the socket's ("port"), and receives only the echo replies
 * carrying it, without the IP header.
 */
#include <keel/errno.h>
#include <keel/poll.h>
#include "lwip_sock.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#define RAW_MAX_LEN 0xffff

static LIST_HEAD(ping_socks); /* under lwip_core_lock */
static u16 ping_rover;

/* The ICMP type of p (from its IP header on), or -1. */
static int raw_icmp_type(struct pbuf *p, u16 *hlen)
{
	struct ip_hdr iph;
	u8 type;

	if (pbuf_copy_partial(p, &iph, sizeof(iph), 0) != sizeof(iph))
		return -1;
	*hlen = IPH_HL_BYTES(&iph);
	if (pbuf_copy_partial(p, &type, 1, *hlen) != 1)
		return -1;
	return type;
}

static u8_t raw_sock_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct inet_sock *sk = arg;
	struct pbuf *q;
	u16 hlen;
	int type;

	(void)pcb;
	if (sk->protocol == IPPROTO_RAW)
		return 0;
	if (sk->protocol == IPPROTO_ICMP) {
		type = raw_icmp_type(p, &hlen);
		if (type >= 0 && type < 32 && (sk->icmp_filter & (1u << type)))
			return 0;
	}
	q = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
	if (q)
		inet_dgram_queue(sk, q, addr, 0);
	return 0; /* others (lwIP's ICMP, other sockets) see it too */
}

static u8_t ping_sock_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct inet_sock *sk = arg;
	struct icmp_echo_hdr echo;
	struct pbuf *q;
	u16 hlen;

	(void)pcb;
	if (raw_icmp_type(p, &hlen) != ICMP_ER ||
	    pbuf_copy_partial(p, &echo, sizeof(echo), hlen) != sizeof(echo) ||
	    echo.code != 0 || echo.id != htons(sk->ident) || !sk->ident)
		return 0;
	q = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
	if (q && pbuf_remove_header(q, hlen) == 0)
		inet_dgram_queue(sk, q, addr, 0);
	else if (q)
		pbuf_free(q);
	return 0;
}

int inet_raw_create(struct inet_sock *sk, bool ping)
{
	struct raw_pcb *pcb = raw_new(ping ? IPPROTO_ICMP : (u8_t)sk->protocol);

	if (!pcb)
		return -ENOMEM;
	pcb->ttl = sk->ttl;
	sk->pcb.raw = pcb;
	if (ping) {
		raw_recv(pcb, ping_sock_recv, sk);
		list_add(&sk->ping_list, &ping_socks);
		sk->sock->ops = &inet_raw_ops;
	} else {
		raw_recv(pcb, raw_sock_recv, sk);
		sk->hdrincl = sk->protocol == IPPROTO_RAW;
		sk->lport = (u16)sk->protocol; /* Linux: a raw socket's "port" is its protocol */
		sk->sock->ops = &inet_raw_ops;
	}
	return 0;
}

static int inet_raw_release(struct socket *sock)
{
	struct inet_sock *sk = inet_sk(sock);

	if (!sk)
		return 0;
	mutex_lock(&lwip_core_lock);
	raw_remove(sk->pcb.raw);
	if (sock->type == SOCK_DGRAM)
		list_del(&sk->ping_list);
	inet_sk_free(sk);
	mutex_unlock(&lwip_core_lock);
	sock->sk = NULL;
	return 0;
}

static bool ping_ident_used(u16 ident)
{
	struct inet_sock *sk;

	list_for_each_entry(sk, &ping_socks, ping_list)
		if (sk->ident == ident)
			return true;
	return false;
}

/* A ping socket's identifier: the one asked for (0: the next free). 0 or -EADDRINUSE. */
static int ping_get_ident(struct inet_sock *sk, u16 want)
{
	if (want) {
		if (ping_ident_used(want))
			return -EADDRINUSE;
		sk->ident = want;
		return 0;
	}
	do {
		ping_rover++;
	} while (!ping_rover || ping_ident_used(ping_rover));
	sk->ident = ping_rover;
	return 0;
}

static int inet_raw_bind(struct socket *sock, struct sockaddr *uaddr, int addrlen)
{
	struct inet_sock *sk = inet_sk(sock);
	ip4_addr_t addr;
	ip_addr_t ip;
	u16 port;
	int err = inet_addr_in(uaddr, addrlen, &addr, &port);

	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	if (sock->type == SOCK_DGRAM && (sk->bound || sk->ident))
		err = -EINVAL;
	else if (!inet_addr_local(addr))
		err = -EADDRNOTAVAIL;
	else if (sock->type == SOCK_DGRAM)
		err = ping_get_ident(sk, port);
	if (!err) {
		ip_addr_copy_from_ip4(ip, addr);
		err = lwip_errno(raw_bind(sk->pcb.raw, &ip));
	}
	if (!err) {
		sk->laddr = addr;
		sk->bound = true;
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_raw_connect(struct socket *sock, struct sockaddr *uaddr, int addrlen, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	ip4_addr_t addr;
	ip_addr_t ip;
	u16 port;
	int err;

	(void)flags;
	if (addrlen >= (int)sizeof(sa_family_t) && uaddr->sa_family == AF_UNSPEC) {
		mutex_lock(&lwip_core_lock);
		raw_disconnect(sk->pcb.raw);
		sk->connected = false;
		sock->state = SS_UNCONNECTED;
		mutex_unlock(&lwip_core_lock);
		return 0;
	}
	err = inet_addr_in(uaddr, addrlen, &addr, &port);
	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	if (inet_addr_broadcast(addr) && !sk->broadcast)
		err = -EACCES;
	if (!err && sock->type == SOCK_DGRAM && !sk->ident)
		err = ping_get_ident(sk, 0);
	if (!err) {
		ip_addr_copy_from_ip4(ip, addr);
		err = lwip_errno(raw_connect(sk->pcb.raw, &ip));
	}
	if (!err) {
		sk->raddr = addr;
		sk->connected = true;
		sock->state = SS_CONNECTED;
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_raw_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct inet_sock *sk = inet_sk(sock);
	int ret;

	mutex_lock(&lwip_core_lock);
	if (peer && !sk->connected)
		ret = -ENOTCONN;
	else if (peer)
		ret = inet_addr_out(uaddr, sk->raddr, 0);
	else
		ret = inet_addr_out(uaddr, sk->laddr,
				    sock->type == SOCK_DGRAM ? sk->ident : sk->lport);
	mutex_unlock(&lwip_core_lock);
	return ret;
}

/* A ping socket's echo request: the identifier set to the socket's, the checksum redone. */
static int ping_fixup(struct inet_sock *sk, struct pbuf *p)
{
	struct icmp_echo_hdr *echo = p->payload;

	if (p->len < sizeof(*echo) || echo->type != ICMP_ECHO || echo->code != 0)
		return -EINVAL;
	if (!sk->ident && ping_get_ident(sk, 0))
		return -EAGAIN;
	echo->id = htons(sk->ident);
	echo->chksum = 0;
	echo->chksum = inet_chksum(echo, p->len);
	return 0;
}

static int raw_sock_send(struct inet_sock *sk, struct pbuf *p, const ip_addr_t *ip)
{
	struct netif *netif = inet_bound_netif(sk);

	sk->pcb.raw->ttl = sk->ttl;
	sk->pcb.raw->tos = sk->tos;
	raw_setflags(sk->pcb.raw, (u8_t)((sk->pcb.raw->flags & ~RAW_FLAGS_HDRINCL) |
					 (sk->hdrincl ? RAW_FLAGS_HDRINCL : 0)));
	if (!netif)
		return lwip_errno(raw_sendto(sk->pcb.raw, p, ip));
	return lwip_errno(raw_sendto_if_src(sk->pcb.raw, p, ip, netif, netif_ip_addr4(netif)));
}

static int inet_raw_sendmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	bool ping = sock->type == SOCK_DGRAM;
	struct pbuf *p;
	ip_addr_t ip;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len > RAW_MAX_LEN)
		return -EMSGSIZE;
	if (ping && len < sizeof(struct icmp_echo_hdr))
		return -EINVAL;
	mutex_lock(&lwip_core_lock);
	lwip_netif_poll();
	err = inet_dgram_dest(sk, msg, &ip, NULL);
	p = err ? NULL : pbuf_alloc(sk->hdrincl ? PBUF_LINK : PBUF_IP, (u16_t)len, PBUF_RAM);
	if (!err && !p)
		err = -ENOBUFS;
	if (p) {
		pbuf_take(p, msg->msg_iov.iov_base, (u16_t)len);
		err = ping ? ping_fixup(sk, p) : 0;
		if (!err)
			err = raw_sock_send(sk, p, &ip);
		pbuf_free(p);
	}
	mutex_unlock(&lwip_core_lock);
	return err ? err : (int)len;
}

/* SOL_RAW's ICMP_FILTER and SOL_IP's IP_HDRINCL, which only raw sockets have. */
static int raw_set_own_opt(struct socket *sock, int level, int optname, const void *optval,
			   unsigned int optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int v;

	if (level == SOL_RAW) {
		if (sock->type != SOCK_RAW || optname != ICMP_FILTER)
			return -ENOPROTOOPT;
		if (sk->protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		if (optlen < sizeof(u32))
			return -EINVAL;
		memcpy(&sk->icmp_filter, optval, sizeof(u32));
		return 0;
	}
	if (sock->type != SOCK_RAW)
		return -ENOPROTOOPT;
	if (optlen < 1)
		return -EINVAL;
	if (optlen >= sizeof(int))
		memcpy(&v, optval, sizeof(v));
	else
		v = *(const u8 *)optval;
	sk->hdrincl = v || sk->protocol == IPPROTO_RAW;
	return 0;
}

static int inet_raw_setsockopt(struct socket *sock, int level, int optname,
			       const void *optval, unsigned int optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int err;

	mutex_lock(&lwip_core_lock);
	if (level == SOL_RAW || (level == SOL_IP && optname == IP_HDRINCL))
		err = raw_set_own_opt(sock, level, optname, optval, optlen);
	else
		err = inet_setsockopt_common(sk, level, optname, optval, optlen);
	if (!err && level == SOL_SOCKET && optname == SO_BINDTODEVICE)
		raw_bind_netif(sk->pcb.raw, inet_bound_netif(sk));
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_raw_getsockopt(struct socket *sock, int level, int optname, void *optval,
			       int *optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int err = 0, v = 0;
	const void *src = &v;

	mutex_lock(&lwip_core_lock);
	if (level == SOL_RAW && sock->type == SOCK_RAW && optname == ICMP_FILTER)
		src = &sk->icmp_filter;
	else if (level == SOL_IP && optname == IP_HDRINCL && sock->type == SOCK_RAW)
		v = sk->hdrincl;
	else if (level == SOL_RAW || (level == SOL_IP && optname == IP_HDRINCL))
		err = -ENOPROTOOPT;
	else
		err = inet_getsockopt_common(sk, level, optname, optval, optlen);
	if (!err && (level == SOL_RAW || (level == SOL_IP && optname == IP_HDRINCL))) {
		*optlen = *optlen < 4 ? *optlen : 4;
		memcpy(optval, src, (size_t)*optlen);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

const struct proto_ops inet_raw_ops = {
	.family = AF_INET,
	.owner = THIS_MODULE,
	.release = inet_raw_release,
	.bind = inet_raw_bind,
	.connect = inet_raw_connect,
	.accept = sock_no_accept,
	.getname = inet_raw_getname,
	.poll = inet_dgram_poll_op,
	.ioctl = inet_dgram_ioctl,
	.listen = sock_no_listen,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = inet_raw_setsockopt,
	.getsockopt = inet_raw_getsockopt,
	.sendmsg = inet_raw_sendmsg,
	.recvmsg = inet_dgram_recv,
};
