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

#define SOCK_MIN_RCVBUF 2304   /* Linux's floor for SO_RCVBUF/SO_SNDBUF */
#define SYSCTL_RMEM_MAX 212992 /* net.core.rmem_max and wmem_max's defaults */

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
	return sk->bound_ifindex ? netif_get_by_index((u8_t)sk->bound_ifindex) : NULL;
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
	d->ifindex = in ? netif_get_index(in) : 0;
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

/* ---- options ---------------------------------------------------------------------------- */

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
		char name[IFNAMSIZ] = "";

		if (n)
			netif_index_to_name((u8_t)sk->bound_ifindex, name);
		*optlen = n ? (int)strlen(name) + 1 : 0;
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
