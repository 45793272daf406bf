/* A packet socket's state, shared by af_packet.c (data path) and af_packet_opt.c (options). */
#ifndef KEEL_AF_PACKET_H
#define KEEL_AF_PACKET_H

#include <keel/filter.h>
#include <keel/if_packet.h>
#include <keel/mutex.h>
#include <keel/net.h>
#include <keel/netdevice.h>

#define PACKET_RCVBUF_DEFAULT 212992u /* Linux's rmem_default and rmem_max */
#define PACKET_RCVBUF_MIN 2304u       /* Linux's SOCK_MIN_RCVBUF */

struct packet_sock {
	struct socket *sock;
	struct packet_type prot_hook; /* on the receive path while running */
	bool running;
	struct mutex bind_lock;       /* running, against two binds at once */
	spinlock_t lock;              /* everything below, taken by the netrx thread too */
	u16 num;                      /* protocol, big-endian; 0 receives nothing */
	int ifindex;                  /* bound device; 0: every device */
	struct list_head queue;       /* received skbs, each with a packet_skb_cb */
	unsigned int rmem;            /* their bytes (buffers and sk_buff) */
	unsigned int rcvbuf, sndbuf;  /* SO_RCVBUF: the queue's bound; SO_SNDBUF: kept only */
	unsigned int packets, drops;  /* PACKET_STATISTICS since the last read */
	bool auxdata;                 /* PACKET_AUXDATA */
	struct sock_filter *filter;   /* SO_ATTACH_FILTER's checked program, or NULL */
	int sol_opts[SO_PRIORITY + 1]; /* the SOL_SOCKET flags no one here acts on */
};

static inline struct packet_sock *pkt_sk(const struct socket *sock)
{
	return sock->sk;
}

int packet_setsockopt(struct socket *sock, int level, int optname, const void *optval,
		      unsigned int optlen);
int packet_getsockopt(struct socket *sock, int level, int optname, void *optval, int *optlen);
/* Frees the attached filter; the socket's receive path has stopped. */
void packet_free_filter(struct packet_sock *ps);

#endif
