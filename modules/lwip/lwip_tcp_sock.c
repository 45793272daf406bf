/*
 * SOCK_STREAM sockets on lwIP's TCP (Linux's inet_stream_ops and tcp.c in behaviour): the
 * states, errors and poll bits follow Linux's, so a program sees the same answers as on
 * Linux. lwIP's callbacks (receive, sent, error, accept, connected) run under lwip_core_lock
 * from lwipd or the netrx thread; they only queue, record and wake. Received bytes wait in
 * sk->rx and the window reopens as the reader takes them (tcp_recved); a listener queues
 * established children until accept(2), counted against its backlog so that a full queue
 * drops new SYNs as Linux does (tcp_backlog_delayed; listening, accepting, binding and
 * closing are in lwip_tcp_listen.c).
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/poll.h>
#include <keel/sockios.h>
#include <keel/uaccess.h>
#include "lwip_sock.h"
#include "lwip/tcp.h"

#define TCP_WRITABLE (TCP_SND_BUF / 3) /* free send space that makes POLLOUT */

static void tcp_sock_note_sndbuf(struct inet_sock *sk)
{
	if (sk->pcb.tcp)
		WRITE_ONCE(sk->sndbuf_free, tcp_sndbuf(sk->pcb.tcp));
}

static err_t tcp_sock_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct inet_sock *sk = arg;

	(void)pcb;
	(void)err;
	if (!p) {
		sk->sk_shutdown |= RCV_SHUTDOWN;
		sk->fin_rcvd = true;
	} else if (sk->rx)
		pbuf_cat(sk->rx, p);
	else
		sk->rx = p;
	inet_wake(sk);
	return ERR_OK;
}

static err_t tcp_sock_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *sk = arg;

	(void)pcb;
	(void)len;
	sk->sent_seq++;
	tcp_sock_note_sndbuf(sk);
	inet_wake(sk);
	return ERR_OK;
}

/* lwIP has freed the pcb: a reset, a timeout, or the end of a close it finished. */
static void tcp_sock_err(void *arg, err_t err)
{
	struct inet_sock *sk = arg;

	sk->pcb.tcp = NULL;
	/* Linux's tcp_reset: refused in SYN_SENT, EPIPE in CLOSE_WAIT, else reset */
	if (err == ERR_RST && sk->sk_state == INET_SYN_SENT)
		sk->sk_err = ECONNREFUSED;
	else if (err == ERR_RST)
		sk->sk_err = sk->fin_rcvd && !(sk->sk_shutdown & SEND_SHUTDOWN) ? EPIPE
										 : ECONNRESET;
	else if (err == ERR_ABRT || err == ERR_TIMEOUT)
		sk->sk_err = ETIMEDOUT;
	else if (err != ERR_CLSD)
		sk->sk_err = ECONNABORTED;
	sk->sk_state = INET_CLOSE;
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk->sent_seq++;
	inet_wake(sk);
}

void tcp_sock_cache_addrs(struct inet_sock *sk)
{
	struct tcp_pcb *pcb = sk->pcb.tcp;

	if (!pcb)
		return;
	sk->laddr = *ip_2_ip4(&pcb->local_ip);
	sk->lport = pcb->local_port;
	if (sk->sk_state != INET_LISTEN) {
		sk->raddr = *ip_2_ip4(&pcb->remote_ip);
		sk->rport = pcb->remote_port;
	}
}

void tcp_sock_attach(struct inet_sock *sk, struct tcp_pcb *pcb)
{
	sk->pcb.tcp = pcb;
	tcp_arg(pcb, sk);
	tcp_recv(pcb, tcp_sock_recv);
	tcp_sent(pcb, tcp_sock_sent);
	tcp_err(pcb, tcp_sock_err);
	tcp_sock_note_sndbuf(sk);
}

/* Detaches the socket's callbacks: lwIP finishes (or resets) the connection alone. */
void tcp_sock_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

/* A fresh pcb carrying the socket's options (a socket outlives its pcbs: a refused
 * connect can be retried). 0 or -ENOMEM. */
int tcp_sock_new_pcb(struct inet_sock *sk)
{
	struct tcp_pcb *pcb = tcp_new();
	struct netif *netif = inet_bound_netif(sk);

	if (!pcb)
		return -ENOMEM;
	pcb->ttl = sk->ttl;
	pcb->tos = sk->tos;
	if (sk->reuseaddr)
		ip_set_option(pcb, SOF_REUSEADDR);
	if (sk->keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	if (sk->nodelay)
		tcp_nagle_disable(pcb);
	if (netif)
		tcp_bind_netif(pcb, netif);
	tcp_sock_attach(sk, pcb);
	return 0;
}

int inet_tcp_create(struct inet_sock *sk)
{
	sk->sk_state = INET_CLOSE;
	sk->sndbuf_free = TCP_SND_BUF;
	return tcp_sock_new_pcb(sk);
}

/* ---- connecting ------------------------------------------------------------------------- */

static err_t tcp_sock_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *sk = arg;

	(void)pcb;
	(void)err;
	sk->sk_state = INET_ESTABLISHED;
	tcp_sock_cache_addrs(sk);
	tcp_sock_note_sndbuf(sk);
	inet_wake(sk);
	return ERR_OK;
}

static int tcp_sock_start_connect(struct inet_sock *sk, ip4_addr_t addr, u16 port)
{
	ip_addr_t ip;
	err_t e;
	int err;

	if (sk->sk_state != INET_CLOSE) /* a listener: Linux's __inet_stream_connect */
		return -EISCONN;
	if (!sk->pcb.tcp && (err = tcp_sock_new_pcb(sk)))
		return err;
	lwip_netif_poll();
	ip_addr_copy_from_ip4(ip, addr);
	e = tcp_connect(sk->pcb.tcp, &ip, port, tcp_sock_connected);
	if (e != ERR_OK)
		return lwip_errno(e);
	sk->sk_err = 0;
	sk->sk_shutdown = 0;
	sk->sk_state = INET_SYN_SENT;
	sk->bound = true;
	tcp_sock_cache_addrs(sk);
	return -EINPROGRESS;
}

static bool connect_done(struct inet_sock *sk)
{
	return sk->sk_state != INET_SYN_SENT;
}

/* Linux's __inet_stream_connect: EINPROGRESS/EALREADY without blocking, the error of a
 * refused or timed-out attempt (once), EISCONN once connected. */
static int inet_stream_connect(struct socket *sock, struct sockaddr *uaddr, int addrlen,
			       int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	long timeo = sock_sndtimeo(sock, flags & O_NONBLOCK);
	ip4_addr_t addr;
	u16 port;
	int err = inet_addr_in(uaddr, addrlen, &addr, &port), werr;

	if (err)
		return err;
	mutex_lock(&lwip_core_lock);
	if (sock->state == SS_CONNECTED)
		err = -EISCONN;
	else if (sock->state == SS_CONNECTING)
		err = -EALREADY;
	else if ((err = tcp_sock_start_connect(sk, addr, port)) == -EINPROGRESS)
		sock->state = SS_CONNECTING;
	if (sock->state != SS_CONNECTING || (err != -EINPROGRESS && err != -EALREADY))
		goto out;
	if (sk->sk_state == INET_SYN_SENT) {
		if (!timeo)
			goto out;
		werr = inet_wait(sk, &timeo, connect_done);
		if (werr) {
			err = werr == -EAGAIN ? err : werr;
			goto out;
		}
	}
	if (sk->sk_state == INET_CLOSE) {
		err = sk->sk_err ? inet_sock_error(sk) : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
	} else {
		sock->state = SS_CONNECTED;
		err = 0;
	}
out:
	mutex_unlock(&lwip_core_lock);
	return err;
}

/* ---- data ------------------------------------------------------------------------------- */

static bool send_progress(struct inet_sock *sk)
{
	return sk->sent_seq != sk->send_wait_seq;
}

/* Queues up to left bytes: the count queued, 0 when there is no room now, or -errno. */
static int tcp_sock_write(struct inet_sock *sk, const char *buf, size_t left, bool more)
{
	struct tcp_pcb *pcb = sk->pcb.tcp;
	size_t room = tcp_sndbuf(pcb);
	err_t e;

	if (room > left)
		room = left;
	if (room > 0xffff)
		room = 0xffff;
	if (!room || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
		return 0;
	e = tcp_write(pcb, buf, (u16_t)room,
		      TCP_WRITE_FLAG_COPY | (room < left || more ? TCP_WRITE_FLAG_MORE : 0));
	if (e == ERR_MEM)
		return 0;
	return e == ERR_OK ? (int)room : lwip_errno(e);
}

static int inet_tcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	long timeo = sock_sndtimeo(sock, flags & MSG_DONTWAIT);
	const char *buf = msg->msg_iov.iov_base;
	size_t done = 0;
	int err = 0, n;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	mutex_lock(&lwip_core_lock);
	if (sk->sk_state == INET_SYN_SENT)
		err = inet_wait(sk, &timeo, connect_done);
	while (!err) {
		if (sk->sk_err) {
			err = done ? 0 : inet_sock_error(sk); /* kept for the next call */
			break;
		}
		if ((sk->sk_shutdown & SEND_SHUTDOWN) || sk->sk_state != INET_ESTABLISHED ||
		    !sk->pcb.tcp) {
			err = -EPIPE;
			break;
		}
		if (done == len)
			break;
		n = tcp_sock_write(sk, buf + done, len - done, flags & MSG_MORE);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0) {
			err = n;
			break;
		}
		tcp_output(sk->pcb.tcp); /* room comes back as the peer acknowledges */
		sk->send_wait_seq = sk->sent_seq;
		err = inet_wait(sk, &timeo, send_progress);
	}
	if (done && sk->pcb.tcp)
		tcp_output(sk->pcb.tcp);
	tcp_sock_note_sndbuf(sk);
	mutex_unlock(&lwip_core_lock);
	return done ? (int)done : err;
}

static bool recv_ready(struct inet_sock *sk)
{
	return sk->rx || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN) ||
	       sk->sk_state == INET_CLOSE;
}

/* Takes n bytes from the front of sk->rx into buf (at off into the queue when peeking). */
static void tcp_sock_take(struct inet_sock *sk, char *buf, size_t n, size_t off, bool peek)
{
	pbuf_copy_partial(sk->rx, buf, (u16_t)n, (u16_t)off);
	if (peek)
		return;
	sk->rx = pbuf_free_header(sk->rx, (u16_t)n);
	if (sk->pcb.tcp)
		tcp_recved(sk->pcb.tcp, (u16_t)n);
}

/* Linux's tcp_recvmsg: what is queued (MSG_WAITALL: until len), 0 at the end of the
 * stream, the connection's error once, ENOTCONN when never connected. */
static int tcp_sock_recv_loop(struct inet_sock *sk, char *buf, size_t len, int flags,
			      long timeo)
{
	bool peek = flags & MSG_PEEK;
	size_t done = 0, target = flags & MSG_WAITALL ? len : 1;
	int err = 0;

	while (done < len) {
		if (sk->rx && (!peek || done < sk->rx->tot_len)) {
			size_t n = (peek ? sk->rx->tot_len - done : sk->rx->tot_len);

			n = n < len - done ? n : len - done;
			n = n < 0xffff ? n : 0xffff;
			tcp_sock_take(sk, buf + done, n, peek ? done : 0, peek);
			done += n;
			if (peek && done >= target)
				break;
			continue;
		}
		if (done >= target)
			break;
		if (sk->sk_err) {
			err = done ? 0 : inet_sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			break;
		if (sk->sk_state == INET_CLOSE) {
			err = -ENOTCONN;
			break;
		}
		err = inet_wait(sk, &timeo, recv_ready);
		if (err)
			break;
	}
	return done ? (int)done : err;
}

static int inet_tcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct inet_sock *sk = inet_sk(sock);
	int ret;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (flags & MSG_OOB)
		return -EINVAL;
	mutex_lock(&lwip_core_lock);
	if (sk->sk_state == INET_LISTEN)
		ret = -ENOTCONN;
	else
		ret = tcp_sock_recv_loop(sk, msg->msg_iov.iov_base, len, flags,
					 sock_rcvtimeo(sock, flags & MSG_DONTWAIT));
	mutex_unlock(&lwip_core_lock);
	return ret;
}

/* Linux's tcp_poll, from fields the callbacks keep (no lock: poll must not sleep). */
static unsigned int inet_tcp_poll(struct file *file, struct socket *sock, struct poll_table *pt)
{
	struct inet_sock *sk = inet_sk(sock);
	unsigned int mask = 0, shutdown = READ_ONCE(sk->sk_shutdown);
	int state = READ_ONCE(sk->sk_state);

	(void)file;
	poll_wait(pt, &sock->wq);
	if (state == INET_LISTEN)
		return list_empty(&sk->accept_q) ? 0 : POLLIN | POLLRDNORM;
	if (shutdown == SHUTDOWN_MASK || state == INET_CLOSE)
		mask |= POLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (state != INET_SYN_SENT) {
		if (READ_ONCE(sk->rx))
			mask |= POLLIN | POLLRDNORM;
		if ((shutdown & SEND_SHUTDOWN) || READ_ONCE(sk->sndbuf_free) >= TCP_WRITABLE)
			mask |= POLLOUT | POLLWRNORM;
	}
	if (READ_ONCE(sk->sk_err))
		mask |= POLLERR;
	return mask;
}

/* ---- options and ioctls ----------------------------------------------------------------- */

static int tcp_set_tcp_opt(struct inet_sock *sk, int optname, int v)
{
	struct tcp_pcb *pcb = sk->sk_state == INET_LISTEN ? NULL : sk->pcb.tcp;

	switch (optname) {
	case TCP_NODELAY:
		sk->nodelay = v;
		if (pcb && v)
			tcp_nagle_disable(pcb);
		else if (pcb)
			tcp_nagle_enable(pcb);
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (pcb && optname == TCP_KEEPIDLE)
			pcb->keep_idle = (u32_t)v * 1000;
		else if (pcb && optname == TCP_KEEPINTVL)
			pcb->keep_intvl = (u32_t)v * 1000;
		else if (pcb)
			pcb->keep_cnt = (u32_t)v;
		return 0;
	case TCP_MAXSEG:
		return v < 88 || v > 32767 ? -EINVAL : 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int inet_tcp_setsockopt(struct socket *sock, int level, int optname,
			       const void *optval, unsigned int optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int v, err;

	mutex_lock(&lwip_core_lock);
	if (level == SOL_TCP) {
		err = optlen < sizeof(int) ? -EINVAL : 0;
		if (!err) {
			memcpy(&v, optval, sizeof(v));
			err = tcp_set_tcp_opt(sk, optname, v);
		}
	} else {
		err = inet_setsockopt_common(sk, level, optname, optval, optlen);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int tcp_get_tcp_opt(struct inet_sock *sk, int optname, int *v)
{
	struct tcp_pcb *pcb = sk->sk_state == INET_LISTEN ? NULL : sk->pcb.tcp;

	switch (optname) {
	case TCP_NODELAY: *v = sk->nodelay; return 0;
	case TCP_MAXSEG:
		*v = pcb && sk->sk_state == INET_ESTABLISHED ? pcb->mss : 536;
		return 0;
	case TCP_KEEPIDLE: *v = pcb ? (int)(pcb->keep_idle / 1000) : 7200; return 0;
	case TCP_KEEPINTVL: *v = pcb ? (int)(pcb->keep_intvl / 1000) : 75; return 0;
	case TCP_KEEPCNT: *v = pcb ? (int)pcb->keep_cnt : 9; return 0;
	default: return -ENOPROTOOPT;
	}
}

static int inet_tcp_getsockopt(struct socket *sock, int level, int optname, void *optval,
			       int *optlen)
{
	struct inet_sock *sk = inet_sk(sock);
	int v, err;

	mutex_lock(&lwip_core_lock);
	if (level == SOL_TCP) {
		err = tcp_get_tcp_opt(sk, optname, &v);
		if (!err) {
			*optlen = *optlen < (int)sizeof(v) ? *optlen : (int)sizeof(v);
			memcpy(optval, &v, (size_t)*optlen);
		}
	} else {
		err = inet_getsockopt_common(sk, level, optname, optval, optlen);
	}
	mutex_unlock(&lwip_core_lock);
	return err;
}

static int inet_tcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct inet_sock *sk = inet_sk(sock);
	int v;

	mutex_lock(&lwip_core_lock);
	if (cmd == SIOCINQ)
		v = sk->sk_state == INET_LISTEN ? -EINVAL : sk->rx ? sk->rx->tot_len : 0;
	else if (cmd == SIOCOUTQ)
		v = sk->sk_state == INET_LISTEN ? -EINVAL
		    : sk->pcb.tcp ? TCP_SND_BUF - tcp_sndbuf(sk->pcb.tcp) : 0;
	else if (cmd == SIOCATMARK)
		v = 0;
	else
		v = -ENOIOCTLCMD;
	mutex_unlock(&lwip_core_lock);
	if (v < 0)
		return v;
	return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

const struct proto_ops inet_stream_ops = {
	.family = AF_INET,
	.owner = THIS_MODULE,
	.release = inet_tcp_release,
	.bind = inet_tcp_bind,
	.connect = inet_stream_connect,
	.accept = inet_accept,
	.getname = inet_tcp_getname,
	.poll = inet_tcp_poll,
	.ioctl = inet_tcp_ioctl,
	.listen = inet_listen,
	.shutdown = inet_tcp_shutdown,
	.setsockopt = inet_tcp_setsockopt,
	.getsockopt = inet_tcp_getsockopt,
	.sendmsg = inet_tcp_sendmsg,
	.recvmsg = inet_tcp_recvmsg,
};
