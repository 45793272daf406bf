/*
 * Packet sockets' options (Linux's packet_setsockopt/packet_getsockopt and the SOL_SOCKET
 * ones of sock_setsockopt a packet socket uses): PACKET_AUXDATA, PACKET_STATISTICS,
 * SO_ATTACH_FILTER/SO_DETACH_FILTER with a checked classic BPF program, SO_RCVBUF (the
 * receive queue's bound, doubled as Linux does), and the SOL_SOCKET flags Linux accepts on
 * any socket, kept so getsockopt reads them back.
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "af_packet.h"

void packet_free_filter(struct packet_sock *ps)
{
	kfree(ps->filter);
	ps->filter = NULL;
}

/* Installs prog (or removes the filter: NULL) for the receive path to use from its next
 * frame; frees the old one. Whether there was one. */
static bool packet_swap_filter(struct packet_sock *ps, struct sock_filter *prog)
{
	struct sock_filter *old;
	unsigned long flags;

	spin_lock_irqsave(&ps->lock, flags);
	old = ps->filter;
	ps->filter = prog;
	spin_unlock_irqrestore(&ps->lock, flags);
	kfree(old);
	return old != NULL;
}

/* SO_ATTACH_FILTER (Linux's sk_attach_filter): the program is copied from the user pointer
 * in the sock_fprog and checked. 0, -EINVAL, -EFAULT, -ENOMEM. */
static int packet_attach_filter(struct packet_sock *ps, const void *optval, unsigned int optlen)
{
	struct sock_fprog fprog;
	struct sock_filter *prog;
	size_t size;

	if (optlen < sizeof(fprog))
		return -EINVAL;
	memcpy(&fprog, optval, sizeof(fprog));
	if (!fprog.len || fprog.len > BPF_MAXINSNS)
		return -EINVAL;
	size = fprog.len * sizeof(*prog);
	prog = kmalloc(size, GFP_KERNEL);
	if (!prog)
		return -ENOMEM;
	if (copy_from_user(prog, fprog.filter, size)) {
		kfree(prog);
		return -EFAULT;
	}
	if (bpf_check_classic(prog, fprog.len)) {
		kfree(prog);
		return -EINVAL;
	}
	packet_swap_filter(ps, prog);
	return 0;
}

static bool is_kept_sol_opt(int optname)
{
	return optname == SO_DEBUG || optname == SO_REUSEADDR || optname == SO_DONTROUTE ||
	       optname == SO_BROADCAST || optname == SO_KEEPALIVE || optname == SO_PRIORITY;
}

static int packet_sol_setsockopt(struct packet_sock *ps, int optname, const void *optval,
				 unsigned int optlen)
{
	int val;

	if (optlen < sizeof(int)) /* Linux's sock_setsockopt asks this of every option */
		return -EINVAL;
	if (optname == SO_ATTACH_FILTER)
		return packet_attach_filter(ps, optval, optlen);
	if (optname == SO_DETACH_FILTER)
		return packet_swap_filter(ps, NULL) ? 0 : -ENOENT;
	memcpy(&val, optval, sizeof(val));
	if (optname == SO_RCVBUF || optname == SO_SNDBUF) {
		/* Linux's sock_setsockopt: capped at rmem_max, doubled for bookkeeping */
		unsigned int v = val < 0 ? 0 : (unsigned int)val;

		v = (v < PACKET_RCVBUF_DEFAULT ? v : PACKET_RCVBUF_DEFAULT) * 2;
		v = v > PACKET_RCVBUF_MIN ? v : PACKET_RCVBUF_MIN;
		*(optname == SO_RCVBUF ? &ps->rcvbuf : &ps->sndbuf) = v;
		return 0;
	}
	if (!is_kept_sol_opt(optname))
		return -ENOPROTOOPT;
	ps->sol_opts[optname] = optname == SO_PRIORITY ? val : !!val;
	return 0;
}

int packet_setsockopt(struct socket *sock, int level, int optname, const void *optval,
		      unsigned int optlen)
{
	struct packet_sock *ps = pkt_sk(sock);
	int val;

	if (level == SOL_SOCKET)
		return packet_sol_setsockopt(ps, optname, optval, optlen);
	if (level != SOL_PACKET || optname != PACKET_AUXDATA)
		return -ENOPROTOOPT;
	if (optlen < sizeof(val))
		return -EINVAL;
	memcpy(&val, optval, sizeof(val));
	ps->auxdata = val != 0;
	return 0;
}

/* PACKET_STATISTICS: the counts since the last read, which restart at zero (Linux's). */
static struct tpacket_stats packet_read_stats(struct packet_sock *ps)
{
	struct tpacket_stats st;
	unsigned long flags;

	spin_lock_irqsave(&ps->lock, flags);
	st.tp_packets = ps->packets + ps->drops;
	st.tp_drops = ps->drops;
	ps->packets = ps->drops = 0;
	spin_unlock_irqrestore(&ps->lock, flags);
	return st;
}

/* The option's value as an int in *val, or -ENOPROTOOPT. */
static int packet_int_opt(struct packet_sock *ps, int level, int optname, int *val)
{
	if (level == SOL_PACKET && optname == PACKET_AUXDATA)
		*val = ps->auxdata;
	else if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	else if (optname == SO_RCVBUF)
		*val = (int)ps->rcvbuf;
	else if (optname == SO_SNDBUF)
		*val = (int)ps->sndbuf;
	else if (optname == SO_ERROR)
		*val = 0;
	else if (is_kept_sol_opt(optname))
		*val = ps->sol_opts[optname];
	else
		return -ENOPROTOOPT;
	return 0;
}

int packet_getsockopt(struct socket *sock, int level, int optname, void *optval, int *optlen)
{
	struct packet_sock *ps = pkt_sk(sock);
	struct tpacket_stats st;
	int val, err;

	if (level == SOL_PACKET && optname == PACKET_STATISTICS) {
		st = packet_read_stats(ps);
		if (*optlen > (int)sizeof(st))
			*optlen = sizeof(st);
		memcpy(optval, &st, (size_t)*optlen);
		return 0;
	}
	err = packet_int_opt(ps, level, optname, &val);
	if (err)
		return err;
	if (*optlen > (int)sizeof(val))
		*optlen = sizeof(val);
	memcpy(optval, &val, (size_t)*optlen);
	return 0;
}
