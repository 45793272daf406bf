/*
 * The AF_INET family of lwip.ko (Linux's net/ipv4/af_inet.c in spirit): socket(AF_INET, ...)
 * picks TCP, UDP, raw or ICMP datagram ("ping") sockets; this file holds what they share:
 * waiting with lwip_core_lock released, sockaddr_in conversion, the datagram receive queue,
 * and the SOL_SOCKET/SOL_IP options. Registered as "net-pf-2" so socket(2) autoloads it.
 */
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/netdevice.h>
#include <keel/sched.h>
#include <keel/sched/signal.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "lwip_sock.h"
#include "lwip/ip.h"
#include "lwip/netif.h"


void inet_wake(struct inet_sock *sk)
{
	if (sk->sock)
		wake_up_interruptible_all(&sk->sock->wq);
}

int inet_wait(struct inet_sock *sk, long *timeo, bool (*cond)(struct inet_sock *sk))
{
	DEFINE_WAIT(wait);
	int err = 0;

	for (;;) {
		prepare_to_wait(&sk->sock->wq, &wait, TASK_INTERRUPTIBLE);
		if (cond(sk))
			break;
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		mutex_unlock(&lwip_core_lock);
		*timeo = schedule_timeout(*timeo);
		mutex_lock(&lwip_core_lock);
	}
	finish_wait(&sk->sock->wq, &wait);
	return err;
}

int inet_addr_in(const struct sockaddr *uaddr, int addrlen, ip4_addr_t *addr, u16 *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

	if (addrlen < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	ip4_addr_set_u32(addr, sin->sin_addr.s_addr);
	*port = ntohs(sin->sin_port);
	return 0;
}

int inet_addr_out(struct sockaddr *uaddr, ip4_addr_t addr, u16 port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = ip4_addr_get_u32(&addr);
	return sizeof(*sin);
}

bool inet_addr_broadcast(ip4_addr_t addr)
{
	struct netif *netif;

	NETIF_FOREACH(netif)
		if (ip4_addr_isbroadcast_u32(ip4_addr_get_u32(&addr), netif))
			return true;
	return ip4_addr_get_u32(&addr) == IPADDR_BROADCAST;
}

ip4_addr_t inet_route_source(ip4_addr_t dest)
{
	struct netif *netif = ip4_route(&dest);

	return netif ? *netif_ip4_addr(netif) : *IP4_ADDR_ANY4;
}

/* SO_DONTROUTE (or MSG_DONTROUTE): only hosts on a directly attached subnet. */
static bool inet_addr_onlink(ip4_addr_t dest)
{
	struct netif *netif;

	NETIF_FOREACH(netif)
		if (netif_is_up(netif) && ip4_addr_netcmp(&dest, netif_ip4_addr(netif),
							  netif_ip4_netmask(netif)))
			return true;
	return false;
}

bool inet_addr_local(ip4_addr_t addr)
{
	struct netif *netif;

	if (ip4_addr_isany_val(addr) || inet_addr_broadcast(addr))
		return true;
	lwip_netif_poll();
	NETIF_FOREACH(netif)
		if (ip4_addr_cmp(&addr, netif_ip4_addr(netif)))
			return true;
	return false;
}

int inet_sock_error(struct inet_sock *sk)
{
	int err = sk->sk_err;

	sk->sk_err = 0;
	return -err;
}

struct netif *inet_bound_netif(struct inet_sock *sk)
{
	return sk->bound_ifindex ? lwip_netif_by_ifindex(sk->bound_ifindex) : NULL;
}

struct inet_sock *inet_sk_alloc(struct socket *sock, int protocol)
{
	struct inet_sock *sk = kzalloc(sizeof(*sk), GFP_KERNEL);

	if (!sk)
		return NULL;
	INIT_LIST_HEAD(&sk->ping_list);
	sk->sock = sock;
	sk->protocol = protocol;
	INIT_LIST_HEAD(&sk->accept_q);
	INIT_LIST_HEAD(&sk->child);
	INIT_LIST_HEAD(&sk->rx_dgrams);
	sk->rcvbuf = sk->sndbuf = SYSCTL_RMEM_MAX;
	sk->ttl = IP_DEFAULT_TTL;
	inet_mc_init(sk);
	return sk;
}

void inet_sk_free(struct inet_sock *sk)
{
	inet_mc_drop_socket(sk);
	inet_dgram_purge(sk);
	if (sk->rx)
		pbuf_free(sk->rx);
	kfree(sk);
}

/* ---- received datagrams ----------------------------------------------------------------- */

bool inet_dgram_queue(struct inet_sock *sk, struct pbuf *p, const ip_addr_t *from, u16 port)
{
	const struct ip_hdr *iph = ip4_current_header();
	struct netif *in = ip_current_input_netif();
	struct inet_dgram *d;

	if (sk->rx_bytes + p->tot_len > sk->rcvbuf ||
	    !(d = kmalloc(sizeof(*d), GFP_KERNEL))) {
		pbuf_free(p);
		return false;
	}
	d->p = p;
	d->from = *ip_2_ip4(from);
	ip4_addr_copy(d->to, *ip4_current_dest_addr());
	d->port = port;
	d->ttl = iph ? IPH_TTL(iph) : 0;
	d->tos = iph ? IPH_TOS(iph) : 0;
	d->ifindex = in ? lwip_netif_ifindex(in) : 0; /* Keel's ifindex, not lwIP's number */
	list_add_tail(&d->list, &sk->rx_dgrams);
	sk->rx_bytes += p->tot_len;
	inet_wake(sk);
	return true;
}

static void dgram_free(struct inet_sock *sk, struct inet_dgram *d)
{
	list_del(&d->list);
	sk->rx_bytes -= d->p->tot_len;
	pbuf_free(d->p);
	kfree(d);
}

void inet_dgram_purge(struct inet_sock *sk)
{
	while (!list_empty(&sk->rx_dgrams))
		dgram_free(sk, list_first_entry(&sk->rx_dgrams, struct inet_dgram, list));
}

static bool dgram_ready(struct inet_sock *sk)
{
	return !list_empty(&sk->rx_dgrams) || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN);
}

struct in_pktinfo {
	int ipi_ifindex;
	struct in_addr ipi_spec_dst;
	struct in_addr ipi_addr;
};

/* The control messages IP_RECVTTL, IP_RECVTOS and IP_PKTINFO asked for. */
static void dgram_cmsgs(struct inet_sock *sk, struct inet_dgram *d, struct msghdr *msg)
{
	int ttl = d->ttl;

	if (sk->pktinfo) {
		struct in_pktinfo info = { .ipi_ifindex = d->ifindex };

		info.ipi_addr.s_addr = ip4_addr_get_u32(&d->to);
		info.ipi_spec_dst.s_addr = ip4_addr_get_u32(&d->to);
		put_cmsg(msg, SOL_IP, IP_PKTINFO, sizeof(info), &info);
	}
	if (sk->recvttl)
		put_cmsg(msg, SOL_IP, IP_TTL, sizeof(ttl), &ttl);
	if (sk->recvtos)
		put_cmsg(msg, SOL_IP, IP_TOS, 1, &d->tos);
}

int inet_dgram_recvmsg(struct inet_sock *sk, struct msghdr *msg, size_t len, int flags)
{
	long timeo = sock_rcvtimeo(sk->sock, flags & MSG_DONTWAIT);
	struct inet_dgram *d;
	size_t n;
	int err;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN; /* ICMP errors are not queued */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	err = inet_wait(sk, &timeo, dgram_ready);
	if (err)
		return err;
	if (list_empty(&sk->rx_dgrams))
		return sk->sk_err ? inet_sock_error(sk) : 0;
	d = list_first_entry(&sk->rx_dgrams, struct inet_dgram, list);
	n = d->p->tot_len < len ? d->p->tot_len : len;
	pbuf_copy_partial(d->p, msg->msg_iov.iov_base, (u16_t)n, 0);
	if (msg->msg_name)
		msg->msg_namelen = inet_addr_out(msg->msg_name, d->from, ntohs(d->port));
	dgram_cmsgs(sk, d, msg);
	if (n < d->p->tot_len)
		msg->msg_flags |= MSG_TRUNC;
	err = flags & MSG_TRUNC ? d->p->tot_len : (int)n;
	if (!(flags & MSG_PEEK))
		dgram_free(sk, d);
	return err;
}

unsigned int inet_dgram_poll(struct inet_sock *sk)
{
	unsigned int mask = POLLOUT | POLLWRNORM;

	if (sk->sk_err)
		mask |= POLLERR;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (!list_empty(&sk->rx_dgrams))
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

int inet_dgram_dest(struct inet_sock *sk, struct msghdr *msg, ip_addr_t *ip, u16 *port)
{
	ip4_addr_t addr;
	u16 p;
	int err;

	if (!msg->msg_name) {
		if (!sk->connected)
			return -EDESTADDRREQ;
		ip_addr_copy_from_ip4(*ip, sk->raddr);
		if (port)
			*port = sk->rport;
		return 0;
	}
	err = inet_addr_in(msg->msg_name, msg->msg_namelen, &addr, &p);
	if (err)
		return err;
	if (port && !p)
		return -EINVAL;
	if (inet_addr_broadcast(addr) && !sk->broadcast)
		return -EACCES;
	if ((sk->dontroute || (msg->msg_flags & MSG_DONTROUTE)) && !inet_addr_onlink(addr))
		return -ENETUNREACH;
	ip_addr_copy_from_ip4(*ip, addr);
	if (port)
		*port = p;
	return 0;
}

/* The datagram sockets' (UDP, raw, ping) recvmsg, poll and shutdown operations. */
int inet_dgram_recv(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	int ret;

	mutex_lock(&lwip_core_lock);
	ret = inet_dgram_recvmsg(inet_sk(sock), msg, len, flags);
	mutex_unlock(&lwip_core_lock);
	return ret;
}

unsigned int inet_dgram_poll_op(struct file *file, struct socket *sock, struct poll_table *pt)
{
	(void)file;
	poll_wait(pt, &sock->wq);
	return inet_dgram_poll(inet_sk(sock));
}

/* Linux's inet_shutdown for datagrams: only a connected socket (ENOTCONN otherwise, the
 * bits set all the same); readers wake to the end of file. */
int inet_dgram_shutdown(struct socket *sock, int how)
{
	struct inet_sock *sk = inet_sk(sock);
	int err = 0;

	mutex_lock(&lwip_core_lock);
	if (!sk->connected)
		err = -ENOTCONN;
	sk->sk_shutdown |= (unsigned int)how + 1;
	inet_wake(sk);
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* ---- the family ------------------------------------------------------------------------- */

static int inet_create(struct socket *sock, int protocol)
{
	struct inet_sock *sk;
	int err;

	if (protocol < 0 || protocol >= 256)
		return -EINVAL;
	switch (sock->type) {
	case SOCK_STREAM:
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		protocol = IPPROTO_TCP;
		break;
	case SOCK_DGRAM:
		if (protocol && protocol != IPPROTO_UDP && protocol != IPPROTO_ICMP)
			return -EPROTONOSUPPORT;
		protocol = protocol ? protocol : IPPROTO_UDP;
		break;
	case SOCK_RAW:
		if (!protocol)
			return -EPROTONOSUPPORT;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	sk = inet_sk_alloc(sock, protocol);
	if (!sk)
		return -ENOMEM;
	sock->sk = sk;
	sock->protocol = protocol;
	mutex_lock(&lwip_core_lock);
	if (sock->type == SOCK_STREAM) {
		sock->ops = &inet_stream_ops;
		err = inet_tcp_create(sk);
	} else if (sock->type == SOCK_DGRAM && protocol == IPPROTO_UDP) {
		sock->ops = &inet_dgram_ops;
		err = inet_udp_create(sk);
	} else {
		err = inet_raw_create(sk, sock->type == SOCK_DGRAM); /* sets raw or ping ops */
	}
	mutex_unlock(&lwip_core_lock);
	if (err) {
		sock->sk = NULL;
		inet_sk_free(sk);
	}
	return err;
}

static const struct net_proto_family inet_family_ops = {
	.family = AF_INET,
	.create = inet_create,
	.owner = THIS_MODULE,
};

int lwip_errno(err_t err)
{
	switch (err) {
	case ERR_OK: return 0;
	case ERR_MEM: return -ENOBUFS;
	case ERR_BUF: return -ENOBUFS;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	case ERR_RTE: return -ENETUNREACH;
	case ERR_INPROGRESS: return -EINPROGRESS;
	case ERR_VAL: return -EINVAL;
	case ERR_WOULDBLOCK: return -EAGAIN;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ALREADY: return -EALREADY;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_IF: return -ENETDOWN;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_RST: return -ECONNRESET;
	case ERR_CLSD: return -ENOTCONN;
	case ERR_ARG: return -EINVAL;
	default: return -EIO;
	}
}

int lwip_sock_init(void)
{
	return sock_register(&inet_family_ops);
}

void lwip_sock_exit(void)
{
	sock_unregister(AF_INET);
}

MODULE_ALIAS("net-pf-2");
