/*
 * TCP sockets' listening, accepting, binding, naming, shutdown and close (Linux's
 * inet_listen, inet_accept, inet_bind, inet_getname, inet_shutdown, tcp_close), split from
 * lwip_tcp_sock.c, which has the connection's callbacks, connect, data and poll.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include "lwip_sock.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"

/* ---- the listener ----------------------------------------------------------------------- */

static err_t tcp_sock_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *lsk = arg, *child;

	if (err != ERR_OK || !newpcb)
		return ERR_VAL;
	child = inet_sk_alloc(NULL, IPPROTO_TCP);
	if (!child) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	child->sk_state = INET_ESTABLISHED;
	child->ttl = lsk->ttl;
	child->tos = lsk->tos;
	child->keepalive = lsk->keepalive;
	child->nodelay = lsk->nodelay;
	child->reuseaddr = lsk->reuseaddr;
	tcp_sock_attach(child, newpcb);
	tcp_sock_cache_addrs(child);
	tcp_backlog_delayed(newpcb); /* counts against the backlog until accept(2) */
	list_add_tail(&child->child, &lsk->accept_q);
	inet_wake(lsk);
	return ERR_OK;
}

/* Aborts the children no accept(2) took. */
static void tcp_sock_purge_children(struct inet_sock *lsk)
{
	struct inet_sock *child, *next;

	list_for_each_entry_safe(child, next, &lsk->accept_q, child) {
		list_del(&child->child);
		if (child->pcb.tcp) {
			tcp_sock_detach(child->pcb.tcp);
			tcp_abort(child->pcb.tcp);
		}
		inet_sk_free(child);
	}
}

static void tcp_sock_close_listener(struct inet_sock *sk)
{
	tcp_sock_purge_children(sk);
	if (sk->pcb.tcp) {
		tcp_arg(sk->pcb.tcp, NULL);
		tcp_accept(sk->pcb.tcp, NULL);
		tcp_close(sk->pcb.tcp);
	}
	sk->pcb.tcp = NULL;
	sk->sk_state = INET_CLOSE;
}

int inet_listen(struct socket *sock, int backlog)
{
	struct inet_sock *sk = inet_sk(sock);
	u8 bl = backlog < 0 ? 1 : backlog >= 254 ? 255 : (u8)(backlog + 1);
	struct tcp_pcb *lpcb;
	err_t e = ERR_OK;
	int err = 0;

	mutex_lock(&lwip_core_lock);
	if (sock->state != SS_UNCONNECTED ||
	    (sk->sk_state != INET_CLOSE && sk->sk_state != INET_LISTEN)) {
		err = -EINVAL;
	} else if (sk->sk_state == INET_LISTEN) {
		tcp_backlog_set(sk->pcb.tcp, bl);
	} else if (sk->pcb.tcp || !(err = tcp_sock_new_pcb(sk))) {
		if (!sk->bound)
			e = tcp_bind(sk->pcb.tcp, IP4_ADDR_ANY, sk->lport);
		lpcb = e == ERR_OK ? tcp_listen_with_backlog_and_err(sk->pcb.tcp, bl, &e) : NULL;
		if (lpcb) {
			sk->pcb.tcp = lpcb; /* lwIP freed the old pcb */
			sk->sk_state = INET_LISTEN;
			sk->bound = true;
			tcp_arg(lpcb, sk);
			tcp_accept(lpcb, tcp_sock_accept);
			tcp_sock_cache_addrs(sk);
		}
		err = lwip_errno(e);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static bool accept_ready(struct inet_sock *sk)
{
	return !list_empty(&sk->accept_q) || sk->sk_state != INET_LISTEN ||
	       (sk->sk_shutdown & RCV_SHUTDOWN);
}

int inet_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct inet_sock *sk = inet_sk(sock), *child;
	long timeo = sock_rcvtimeo(sock, flags & O_NONBLOCK);
	int err = -EINVAL;

	mutex_lock(&lwip_core_lock);
	if (sk->sk_state == INET_LISTEN)
		err = inet_wait(sk, &timeo, accept_ready);
	if (!err && (list_empty(&sk->accept_q) || sk->sk_state != INET_LISTEN))
		err = -EINVAL;
	if (!err) {
		child = list_first_entry(&sk->accept_q, struct inet_sock, child);
		list_del_init(&child->child);
		child->sock = newsock;
		newsock->sk = child;
		newsock->state = SS_CONNECTED;
		if (child->pcb.tcp)
			tcp_backlog_accepted(child->pcb.tcp);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* ---- addresses, shutdown, close --------------------------------------------------------- */

/* Whether a listener holds addr:port (either side's address may be the wildcard). lwIP's
 * SO_REUSE lets two SO_REUSEADDR sockets share any port; Linux's inet_csk_bind_conflict
 * never shares one with a listener. */
static bool tcp_port_listened(ip4_addr_t addr, u16 port)
{
	struct tcp_pcb_listen *l;

	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		if (l->local_port == port &&
		    (ip4_addr_isany_val(addr) || ip_addr_isany(&l->local_ip) ||
		     ip4_addr_cmp(&addr, ip_2_ip4(&l->local_ip))))
			return true;
	return false;
}

int inet_tcp_bind(struct socket *sock, struct sockaddr *uaddr, int addrlen)
{
	struct inet_sock *sk = inet_sk(sock);
	ip4_addr_t addr;
	ip_addr_t ip;
	u16 port;
	int err = inet_addr_in(uaddr, addrlen, &addr, &port);

	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	if (sk->bound || sk->sk_state != INET_CLOSE)
		err = -EINVAL;
	else if (!inet_addr_local(addr))
		err = -EADDRNOTAVAIL;
	else if (port && tcp_port_listened(addr, port))
		err = -EADDRINUSE;
	else if (!sk->pcb.tcp)
		err = tcp_sock_new_pcb(sk);
	if (!err) {
		ip_addr_copy_from_ip4(ip, addr);
		err = lwip_errno(tcp_bind(sk->pcb.tcp, &ip, port));
	}
	if (!err) {
		sk->bound = true;
		tcp_sock_cache_addrs(sk);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

int inet_tcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct inet_sock *sk = inet_sk(sock);
	int ret;

	mutex_lock(&lwip_core_lock);
	if (peer && (!sk->rport || sk->sk_state == INET_CLOSE || sk->sk_state == INET_SYN_SENT))
		ret = -ENOTCONN;
	else if (peer)
		ret = inet_addr_out(uaddr, sk->raddr, sk->rport);
	else
		ret = inet_addr_out(uaddr, sk->laddr, sk->lport);
	mutex_unlock(&lwip_core_lock);
	return ret;
}

/* Linux's inet_shutdown: the bits are set even on a closed socket (which says ENOTCONN); a
 * listener shut for reading stops listening, a connect in progress is abandoned. */
int inet_tcp_shutdown(struct socket *sock, int how)
{
	struct inet_sock *sk = inet_sk(sock);
	unsigned int bits = (unsigned int)how + 1;
	int err = 0;

	mutex_lock(&lwip_core_lock);
	switch (sk->sk_state) {
	case INET_CLOSE:
		err = -ENOTCONN;
		sk->sk_shutdown |= bits;
		break;
	case INET_LISTEN:
		if (bits & RCV_SHUTDOWN) {
			tcp_sock_close_listener(sk);
			sock->state = SS_UNCONNECTED;
		}
		break;
	case INET_SYN_SENT:
		tcp_sock_detach(sk->pcb.tcp);
		tcp_abort(sk->pcb.tcp);
		sk->pcb.tcp = NULL;
		sk->sk_state = INET_CLOSE;
		sock->state = SS_UNCONNECTED;
		break;
	default:
		sk->sk_shutdown |= bits;
		if ((bits & SEND_SHUTDOWN) && sk->pcb.tcp)
			tcp_shutdown(sk->pcb.tcp, 0, 1);
	}
	inet_wake(sk);
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* The last close: a FIN (lwIP finishes the close alone), or a reset when unread data is
 * left or SO_LINGER says 0 seconds, as Linux's tcp_close. */
int inet_tcp_release(struct socket *sock)
{
	struct inet_sock *sk = inet_sk(sock);
	struct tcp_pcb *pcb;

	if (!sk)
		return 0;
	mutex_lock(&lwip_core_lock);
	pcb = sk->pcb.tcp;
	if (sk->sk_state == INET_LISTEN) {
		tcp_sock_close_listener(sk);
	} else if (pcb) {
		tcp_sock_detach(pcb);
		if (sk->rx || (sk->linger_on && !sk->linger_secs) || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	inet_sk_free(sk);
	mutex_unlock(&lwip_core_lock);
	sock->sk = NULL;
	return 0;
}
