/*
 * SOCK_DGRAM sockets on lwIP's UDP (Linux's udp.c and inet_dgram_ops in behaviour):
 * datagrams keep their boundaries in a per-socket queue bounded by SO_RCVBUF, connect(2)
 * fixes the peer (and filters what arrives, as lwIP's connected pcbs do), broadcasts need
 * SO_BROADCAST (EACCES otherwise), multicasts go out with IP_MULTICAST_TTL and _IF
 * (lwip_mcast.c).
 */
#include <keel/errno.h>
#include <keel/poll.h>
#include <keel/sockios.h>
#include <keel/uaccess.h>
#include "lwip_sock.h"
#include "lwip/udp.h"

#define UDP_MAX_PAYLOAD 65507 /* 65535 less the IP and UDP headers */

static void udp_sock_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			  u16_t port)
{
	(void)pcb;
	inet_dgram_queue(arg, p, addr, htons(port));
}

static void udp_sock_cache_addrs(struct inet_sock *sk)
{
	struct udp_pcb *pcb = sk->pcb.udp;

	sk->laddr = *ip_2_ip4(&pcb->local_ip);
	sk->lport = pcb->local_port;
	sk->raddr = *ip_2_ip4(&pcb->remote_ip);
	sk->rport = pcb->remote_port;
}

int inet_udp_create(struct inet_sock *sk)
{
	struct udp_pcb *pcb = udp_new();

	if (!pcb)
		return -ENOMEM;
	pcb->ttl = sk->ttl;
	sk->pcb.udp = pcb;
	udp_recv(pcb, udp_sock_recv, sk);
	return 0;
}

static int inet_udp_release(struct socket *sock)
{
	struct inet_sock *sk = inet_sk(sock);

	if (!sk)
		return 0;
	mutex_lock(&lwip_core_lock);
	udp_remove(sk->pcb.udp);
	inet_sk_free(sk);
	mutex_unlock(&lwip_core_lock);
	sock->sk = NULL;
	return 0;
}

/* An ephemeral port for a socket that sends or connects before binding. */
static int udp_sock_autobind(struct inet_sock *sk)
{
	int err = 0;

	if (!sk->bound)
		err = lwip_errno(udp_bind(sk->pcb.udp, IP4_ADDR_ANY, 0));
	if (!err) {
		sk->bound = true;
		udp_sock_cache_addrs(sk);
	}
	return err;
}

static int inet_udp_bind(struct socket *sock, struct sockaddr *uaddr, int addrlen)
{
	struct inet_sock *sk = inet_sk(sock);
	ip4_addr_t addr;
	ip_addr_t ip;
	u16 port;
	int err = inet_addr_in(uaddr, addrlen, &addr, &port);

	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	if (sk->bound)
		err = -EINVAL;
	else if (!inet_addr_local(addr))
		err = -EADDRNOTAVAIL;
	if (!err) {
		ip_addr_copy_from_ip4(ip, addr);
		err = lwip_errno(udp_bind(sk->pcb.udp, &ip, port));
	}
	if (!err) {
		sk->bound = true;
		udp_sock_cache_addrs(sk);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* connect(2) on a datagram socket: the default peer; AF_UNSPEC forgets it. */
static int inet_udp_connect(struct socket *sock, struct sockaddr *uaddr, int addrlen, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	ip4_addr_t addr;
	ip_addr_t ip;
	u16 port;
	int err;

	(void)flags;
	if (addrlen >= (int)sizeof(sa_family_t) && uaddr->sa_family == AF_UNSPEC) {
		mutex_lock(&lwip_core_lock);
		udp_disconnect(sk->pcb.udp);
		sk->connected = false;
		sk->rport = 0;
		sock->state = SS_UNCONNECTED;
		mutex_unlock(&lwip_core_lock);
		return 0;
	}
	err = inet_addr_in(uaddr, addrlen, &addr, &port);
	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	lwip_netif_poll();
	err = udp_sock_autobind(sk);
	if (!err && inet_addr_broadcast(addr) && !sk->broadcast)
		err = -EACCES;
	if (!err) {
		ip_addr_copy_from_ip4(ip, addr);
		err = lwip_errno(udp_connect(sk->pcb.udp, &ip, port));
	}
	if (!err) {
		sk->connected = true;
		sock->state = SS_CONNECTED;
		udp_sock_cache_addrs(sk);
		if (ip4_addr_isany_val(sk->laddr))
			sk->laddr = inet_route_source(addr);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_udp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct inet_sock *sk = inet_sk(sock);
	int ret;

	mutex_lock(&lwip_core_lock);
	if (peer && !sk->connected)
		ret = -ENOTCONN;
	else
		ret = peer ? inet_addr_out(uaddr, sk->raddr, sk->rport)
			   : inet_addr_out(uaddr, sk->laddr, sk->lport);
	mutex_unlock(&lwip_core_lock);
	return ret;
}

/* A pbuf holding len bytes of buf for the transport layer, or NULL. */
static struct pbuf *udp_sock_pbuf(const void *buf, size_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);

	if (p && len)
		pbuf_take(p, buf, (u16_t)len);
	return p;
}

static int inet_udp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	struct netif *netif;
	struct pbuf *p;
	ip_addr_t ip;
	u16 port;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	mutex_lock(&lwip_core_lock);
	lwip_netif_poll();
	err = inet_dgram_dest(sk, msg, &ip, &port);
	if (!err)
		err = udp_sock_autobind(sk);
	p = err ? NULL : udp_sock_pbuf(msg->msg_iov.iov_base, len);
	if (!err && !p)
		err = -ENOBUFS;
	if (p) {
		sk->pcb.udp->ttl = sk->ttl;
		sk->pcb.udp->tos = sk->tos;
		udp_set_multicast_ttl(sk->pcb.udp, sk->mc_ttl);
		netif = sk->mc_index ? lwip_netif_by_ifindex(sk->mc_index) : NULL;
		udp_set_multicast_netif_index(sk->pcb.udp, netif ? netif_get_index(netif) : 0);
		netif = inet_bound_netif(sk);
		err = lwip_errno(netif ? udp_sendto_if(sk->pcb.udp, p, &ip, port, netif)
				       : udp_sendto(sk->pcb.udp, p, &ip, port));
		pbuf_free(p);
	}
	mutex_unlock(&lwip_core_lock);
	return err ? err : (int)len;
}

static int inet_udp_setsockopt(struct socket *sock, int level, int optname,
			       const void *optval, unsigned int optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int err;

	mutex_lock(&lwip_core_lock);
	err = inet_setsockopt_common(sk, level, optname, optval, optlen);
	if (!err && level == SOL_SOCKET && optname == SO_BINDTODEVICE)
		udp_bind_netif(sk->pcb.udp, inet_bound_netif(sk));
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_udp_getsockopt(struct socket *sock, int level, int optname, void *optval,
			       int *optlen)
{
	int err;

	mutex_lock(&lwip_core_lock);
	err = inet_getsockopt_common(inet_sk(sock), level, optname, optval, optlen);
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* FIONREAD: the first datagram's size (Linux's udp_ioctl); SIOCOUTQ: nothing waits. */
int inet_dgram_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct inet_sock *sk = inet_sk(sock);
	int v = 0;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOIOCTLCMD;
	mutex_lock(&lwip_core_lock);
	if (cmd == SIOCINQ && !list_empty(&sk->rx_dgrams))
		v = list_first_entry(&sk->rx_dgrams, struct inet_dgram, list)->p->tot_len;
	mutex_unlock(&lwip_core_lock);
	return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

const struct proto_ops inet_dgram_ops = {
	.family = AF_INET,
	.owner = THIS_MODULE,
	.release = inet_udp_release,
	.bind = inet_udp_bind,
	.connect = inet_udp_connect,
	.accept = sock_no_accept,
	.getname = inet_udp_getname,
	.poll = inet_dgram_poll_op,
	.ioctl = inet_dgram_ioctl,
	.listen = sock_no_listen,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = inet_udp_setsockopt,
	.getsockopt = inet_udp_getsockopt,
	.sendmsg = inet_udp_sendmsg,
	.recvmsg = inet_dgram_recv,
};
