/*
 * The options every AF_INET socket of lwip.ko shares (Linux's sock_setsockopt and
 * do_ip_setsockopt, in part): SOL_SOCKET's and SOL_IP's, applied to the socket's lwIP pcb
 * when it has one and kept for the pcbs it gets later. TCP's and raw sockets' own options
 * are in their files, multicast memberships in lwip_mcast.c.
 */
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/netdevice.h>
#include <keel/string.h>
#include "lwip_sock.h"
#include "lwip/ip.h"
#include "lwip/netif.h"

#define SOCK_MIN_RCVBUF 2304 /* Linux's floor for SO_RCVBUF/SO_SNDBUF */

/* An int option value; SOL_IP also takes a single byte, as Linux's do_ip_setsockopt. */
static int opt_int(int level, const void *optval, unsigned int optlen, int *v)
{
	if (optlen >= sizeof(int)) {
		memcpy(v, optval, sizeof(int));
		return 0;
	}
	if (level == SOL_IP && optlen >= 1) {
		*v = *(const u8 *)optval;
		return 0;
	}
	return -EINVAL;
}

static void sk_set_pcb_option(struct inet_sock *sk, u8 opt, bool on)
{
	struct ip_pcb *pcb = (struct ip_pcb *)sk->pcb.tcp;

	if (!pcb)
		return;
	if (on)
		ip_set_option(pcb, opt);
	else
		ip_reset_option(pcb, opt);
}

static int set_bindtodevice(struct inet_sock *sk, const char *name, unsigned int len)
{
	char ifname[IFNAMSIZ] = "";
	struct net_device *dev;

	memcpy(ifname, name, len < IFNAMSIZ ? len : IFNAMSIZ - 1);
	if (!ifname[0]) {
		sk->bound_ifindex = 0;
		return 0;
	}
	rtnl_lock();
	dev = __dev_get_by_name(ifname);
	sk->bound_ifindex = dev ? dev->ifindex : sk->bound_ifindex;
	rtnl_unlock();
	return dev ? 0 : -ENODEV;
}

struct linger_opt {
	int l_onoff, l_linger;
};

static int set_socket_opt(struct inet_sock *sk, int optname, const void *optval,
			  unsigned int optlen, int v)
{
	switch (optname) {
	case SO_REUSEADDR: sk->reuseaddr = v; sk_set_pcb_option(sk, SOF_REUSEADDR, v); break;
	case SO_KEEPALIVE: sk->keepalive = v; sk_set_pcb_option(sk, SOF_KEEPALIVE, v); break;
	case SO_BROADCAST: sk->broadcast = v; sk_set_pcb_option(sk, SOF_BROADCAST, v); break;
	case SO_OOBINLINE: sk->oobinline = v; break;
	case SO_DONTROUTE: sk->dontroute = v; break;
	case SO_RCVLOWAT: sk->rcvlowat = v < 1 ? 1 : v; break;
	case SO_RCVBUF:
	case SO_SNDBUF:
		v = (unsigned int)v > SYSCTL_RMEM_MAX ? SYSCTL_RMEM_MAX : v;
		v = v * 2 < SOCK_MIN_RCVBUF ? SOCK_MIN_RCVBUF : v * 2;
		*(optname == SO_RCVBUF ? &sk->rcvbuf : &sk->sndbuf) = (unsigned int)v;
		break;
	case SO_LINGER: {
		struct linger_opt l;

		if (optlen < sizeof(l))
			return -EINVAL;
		memcpy(&l, optval, sizeof(l));
		sk->linger_on = l.l_onoff;
		sk->linger_secs = l.l_linger;
		break;
	}
	default:
		return -ENOPROTOOPT;
	}
	return 0;
}

static int set_ip_opt(struct inet_sock *sk, int optname, int v)
{
	struct ip_pcb *pcb = (struct ip_pcb *)sk->pcb.tcp;

	switch (optname) {
	case IP_TTL:
		if (v == -1)
			v = IP_DEFAULT_TTL;
		if (v < 1 || v > 255)
			return -EINVAL;
		sk->ttl = (u8)v;
		if (pcb)
			pcb->ttl = (u8)v;
		return 0;
	case IP_TOS:
		sk->tos = (u8)v;
		if (pcb)
			pcb->tos = (u8)v;
		return 0;
	case IP_RECVTTL: sk->recvttl = v; return 0;
	case IP_RECVTOS: sk->recvtos = v; return 0;
	case IP_PKTINFO: sk->pktinfo = v; return 0;
	default: return -ENOPROTOOPT;
	}
}

int inet_setsockopt_common(struct inet_sock *sk, int level, int optname, const void *optval,
			   unsigned int optlen)
{
	int v, err;

	if (level == SOL_SOCKET && optname == SO_BINDTODEVICE)
		return set_bindtodevice(sk, optval, optlen);
	if (level != SOL_SOCKET && level != SOL_IP)
		return -ENOPROTOOPT;
	err = opt_int(level, optval, optlen, &v);
	if (err)
		return err;
	if (level == SOL_SOCKET)
		return set_socket_opt(sk, optname, optval, optlen, v);
	err = inet_mc_setsockopt(sk, optname, optval, optlen, v);
	return err == -ENOPROTOOPT ? set_ip_opt(sk, optname, v) : err;
}

/* The int value of a common option, or -ENOPROTOOPT. */
static int get_int_opt(struct inet_sock *sk, int level, int optname, int *v)
{
	if (level == SOL_SOCKET) {
		switch (optname) {
		case SO_REUSEADDR: *v = sk->reuseaddr; return 0;
		case SO_KEEPALIVE: *v = sk->keepalive; return 0;
		case SO_BROADCAST: *v = sk->broadcast; return 0;
		case SO_OOBINLINE: *v = sk->oobinline; return 0;
		case SO_DONTROUTE: *v = sk->dontroute; return 0;
		case SO_RCVLOWAT: *v = sk->rcvlowat ? sk->rcvlowat : 1; return 0;
		case SO_RCVBUF: *v = (int)sk->rcvbuf; return 0;
		case SO_SNDBUF: *v = (int)sk->sndbuf; return 0;
		case SO_ERROR: *v = -inet_sock_error(sk); return 0;
		case SO_ACCEPTCONN: *v = sk->sk_state == INET_LISTEN; return 0;
		}
	} else if (level == SOL_IP) {
		switch (optname) {
		case IP_TTL: *v = sk->ttl; return 0;
		case IP_TOS: *v = sk->tos; return 0;
		case IP_RECVTTL: *v = sk->recvttl; return 0;
		case IP_RECVTOS: *v = sk->recvtos; return 0;
		case IP_PKTINFO: *v = sk->pktinfo; return 0;
		case IP_MULTICAST_TTL: *v = sk->mc_ttl; return 0;
		case IP_MULTICAST_LOOP: *v = sk->mc_loop; return 0;
		}
	}
	return -ENOPROTOOPT;
}

int inet_getsockopt_common(struct inet_sock *sk, int level, int optname, void *optval,
			   int *optlen)
{
	struct linger_opt l = { sk->linger_on, sk->linger_secs };
	int v, err;

	if (level == SOL_SOCKET && optname == SO_LINGER) {
		*optlen = *optlen < (int)sizeof(l) ? *optlen : (int)sizeof(l);
		memcpy(optval, &l, (size_t)*optlen);
		return 0;
	}
	if (level == SOL_SOCKET && optname == SO_BINDTODEVICE) {
		struct netif *n = inet_bound_netif(sk);
		const char *name = n ? ((struct lwip_if *)n->state)->dev->name : "";
		int len = n ? (int)strlen(name) + 1 : 0;

		*optlen = *optlen < len ? *optlen : len; /* Linux: the device's name */
		memcpy(optval, name, (size_t)*optlen);
		return 0;
	}
	if (level == SOL_IP && optname == IP_MULTICAST_IF)
		return inet_mc_get_if(sk, optval, optlen);
	err = get_int_opt(sk, level, optname, &v);
	if (err)
		return err;
	if (*optlen < 0)
		return -EINVAL;
	*optlen = *optlen < (int)sizeof(v) ? *optlen : (int)sizeof(v);
	memcpy(optval, &v, (size_t)*optlen);
	return 0;
}
