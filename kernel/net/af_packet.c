/*
 * Packet sockets, AF_PACKET (Linux's net/packet/af_packet.c; packet(7)): frames as the
 * device sends and receives them. SOCK_RAW reads and writes whole Ethernet frames; SOCK_DGRAM
 * reads past the Ethernet header and builds one from sll_addr on send. A socket with a
 * protocol (ETH_P_ALL or one ethertype, big-endian) hooks into the receive path with
 * dev_add_pack and gets its own copy of every matching frame (of its bound device only, once
 * bound), filtered by its BPF program, in a queue bounded by SO_RCVBUF (drops counted for
 * PACKET_STATISTICS); an ETH_P_ALL socket also gets the frames others send
 * (PACKET_OUTGOING). busybox's udhcpc sends and receives DHCP this way. Options are in
 * af_packet_opt.c.
 */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/fs.h>
#include <keel/poll.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/sockios.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "af_packet.h"
#include "net_internal.h"

/* What a queued frame carries besides its bytes (in skb->cb). */
struct packet_skb_cb {
	struct sockaddr_ll sll;
	unsigned int origlen;         /* before a filter cut it */
	char name[IFNAMSIZ];          /* the device's, for SOCK_PACKET's sockaddr_pkt */
};
_Static_assert(sizeof(struct packet_skb_cb) <= sizeof(((struct sk_buff *)0)->cb),
	       "packet_skb_cb must fit in skb->cb");

static inline struct packet_skb_cb *PACKET_SKB_CB(struct sk_buff *skb)
{
	return (struct packet_skb_cb *)skb->cb;
}

static unsigned int skb_truesize(const struct sk_buff *skb)
{
	return (unsigned int)(skb->end - skb->head) + sizeof(*skb);
}

/* The frame's fate under ps->lock: how many bytes to keep (0: drop). */
static unsigned int packet_run_filter(struct packet_sock *ps, struct sk_buff *skb)
{
	if (!ps->filter)
		return skb->len;
	return bpf_run_classic(ps->filter, skb->data, skb->len);
}

static void packet_fill_cb(struct sk_buff *skb, struct net_device *dev, unsigned int origlen)
{
	struct packet_skb_cb *cb = PACKET_SKB_CB(skb);
	const struct ethhdr *eth = (const struct ethhdr *)(skb_network_header(skb) - ETH_HLEN);

	memset(cb, 0, sizeof(*cb));
	cb->sll.sll_family = AF_PACKET;
	cb->sll.sll_protocol = skb->protocol;
	cb->sll.sll_ifindex = dev->ifindex;
	cb->sll.sll_hatype = dev->type;
	cb->sll.sll_pkttype = skb->pkt_type;
	cb->sll.sll_halen = ETH_ALEN;
	memcpy(cb->sll.sll_addr, eth->h_source, ETH_ALEN);
	cb->origlen = origlen;
	strlcpy(cb->name, dev->name, IFNAMSIZ);
}

/* The dev_add_pack handler (Linux's packet_rcv): runs in the netrx thread, owns skb, whose
 * data is past the Ethernet header. */
static int packet_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
	struct packet_sock *ps = container_of(pt, struct packet_sock, prot_hook);
	unsigned int snaplen, origlen;
	unsigned long flags;

	if (ps->sock->type != SOCK_DGRAM)
		skb_push(skb, ETH_HLEN); /* the header eth_type_trans pulled is still there */
	origlen = skb->len;
	spin_lock_irqsave(&ps->lock, flags);
	if (ps->ifindex && ps->ifindex != dev->ifindex)
		goto drop_quietly;
	snaplen = packet_run_filter(ps, skb);
	if (!snaplen)
		goto drop_quietly;
	if (ps->rmem + skb_truesize(skb) > ps->rcvbuf) {
		ps->drops++;
		goto drop_quietly;
	}
	skb_trim(skb, snaplen);
	packet_fill_cb(skb, dev, origlen);
	skb->dev = NULL; /* the device may go while the frame waits: only its index stays */
	list_add_tail(&skb->list, &ps->queue);
	ps->rmem += skb_truesize(skb);
	ps->packets++;
	spin_unlock_irqrestore(&ps->lock, flags);
	wake_up(&ps->sock->wq);
	return 0;

drop_quietly:
	spin_unlock_irqrestore(&ps->lock, flags);
	kfree_skb(skb);
	return 0;
}

/* Hooks ps into the receive path for ps->num, or unhooks it. Task context, rtnl and the
 * netrx thread's mutex not held (dev_remove_pack waits for packet_rcv to finish). */
static void packet_set_hook(struct packet_sock *ps, bool on)
{
	if (ps->running == on)
		return;
	if (on) {
		ps->prot_hook.type = ntohs(ps->num);
		dev_add_pack(&ps->prot_hook);
	} else {
		dev_remove_pack(&ps->prot_hook);
	}
	ps->running = on;
}

/* What getsockname tells of the bound device (a copy: it may go once rtnl is dropped). */
struct packet_bound {
	bool found;
	unsigned short type;
	u8 addr[ETH_ALEN];
	char name[IFNAMSIZ];
};

static struct packet_bound packet_bound_dev(const struct packet_sock *ps)
{
	struct packet_bound b = { .found = false };
	struct net_device *dev;

	rtnl_lock();
	dev = ps->ifindex ? __dev_get_by_index(ps->ifindex) : NULL;
	if (dev) {
		b.found = true;
		b.type = dev->type;
		memcpy(b.addr, dev->dev_addr, ETH_ALEN);
		strlcpy(b.name, dev->name, IFNAMSIZ);
	}
	rtnl_unlock();
	return b;
}

/* The bound device's sockaddr_ll (Linux's packet_getname): its length. */
static int packet_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_ll *sll = (struct sockaddr_ll *)uaddr;
	struct packet_sock *ps = pkt_sk(sock);
	struct packet_bound b;

	if (peer)
		return -EOPNOTSUPP;
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = ps->ifindex;
	sll->sll_protocol = ps->num;
	b = packet_bound_dev(ps);
	if (b.found) {
		sll->sll_hatype = b.type;
		sll->sll_halen = ETH_ALEN;
		memcpy(sll->sll_addr, b.addr, ETH_ALEN);
	}
	return (int)offsetof(struct sockaddr_ll, sll_addr) + sll->sll_halen;
}

/* Binds ps to ifindex (0: every device) and proto (0: keep the one it has), re-hooking it
 * (Linux's packet_do_bind). */
static void packet_do_bind(struct packet_sock *ps, int ifindex, u16 proto)
{
	unsigned long flags;

	mutex_lock(&ps->bind_lock);
	packet_set_hook(ps, false);
	spin_lock_irqsave(&ps->lock, flags);
	if (proto)
		ps->num = proto;
	ps->ifindex = ifindex;
	spin_unlock_irqrestore(&ps->lock, flags);
	packet_set_hook(ps, ps->num != 0);
	mutex_unlock(&ps->bind_lock);
}

static int packet_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)uaddr;
	bool found = true;

	if (addr_len < (int)sizeof(*sll) || sll->sll_family != AF_PACKET)
		return -EINVAL;
	if (sll->sll_ifindex) {
		rtnl_lock();
		found = __dev_get_by_index(sll->sll_ifindex) != NULL;
		rtnl_unlock();
	}
	if (!found)
		return -ENODEV;
	packet_do_bind(pkt_sk(sock), sll->sll_ifindex, sll->sll_protocol);
	return 0;
}

/* A device name into a 14-byte sa_data, NUL-padded (not terminated when 14 long). */
static void spkt_put_device(void *sa_data, const char *name)
{
	size_t n = strlen(name);

	memset(sa_data, 0, 14);
	memcpy(sa_data, name, n < 14 ? n : 14);
}

/* The sender's address as recvmsg gives it: a sockaddr_ll, or SOCK_PACKET's sockaddr_pkt. */
static void packet_put_name(const struct socket *sock, struct msghdr *msg,
			    struct packet_skb_cb *cb)
{
	struct sockaddr_pkt *spkt = msg->msg_name;

	if (sock->type != SOCK_PACKET) {
		memcpy(msg->msg_name, &cb->sll, sizeof(cb->sll));
		msg->msg_namelen = sizeof(cb->sll);
		return;
	}
	memset(spkt, 0, sizeof(*spkt));
	spkt->spkt_family = cb->sll.sll_hatype; /* the device's type, as Linux's packet_rcv_spkt */
	spkt_put_device(spkt->spkt_device, cb->name);
	spkt->spkt_protocol = cb->sll.sll_protocol;
	msg->msg_namelen = sizeof(*spkt);
}

/* The first queued frame copied into msg (unlinked unless peek): its length, or -EAGAIN
 * when there is none. */
static int packet_take(struct packet_sock *ps, struct msghdr *msg, size_t len, int flags)
{
	struct tpacket_auxdata aux = { .tp_status = TP_STATUS_USER };
	struct sk_buff *skb;
	unsigned long irqflags;
	size_t copied;
	int ret;

	spin_lock_irqsave(&ps->lock, irqflags);
	if (list_empty(&ps->queue)) {
		spin_unlock_irqrestore(&ps->lock, irqflags);
		return -EAGAIN;
	}
	skb = list_first_entry(&ps->queue, struct sk_buff, list);
	copied = skb->len < len ? skb->len : len;
	memcpy(msg->msg_iov.iov_base, skb->data, copied);
	if (copied < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	if (msg->msg_name)
		packet_put_name(ps->sock, msg, PACKET_SKB_CB(skb));
	if (ps->auxdata) {
		aux.tp_len = PACKET_SKB_CB(skb)->origlen;
		aux.tp_snaplen = skb->len;
		aux.tp_net = ps->sock->type != SOCK_DGRAM ? ETH_HLEN : 0;
		put_cmsg(msg, SOL_PACKET, PACKET_AUXDATA, sizeof(aux), &aux);
	}
	ret = (flags & MSG_TRUNC) ? (int)skb->len : (int)copied;
	if (!(flags & MSG_PEEK)) {
		list_del_init(&skb->list);
		ps->rmem -= skb_truesize(skb);
	}
	spin_unlock_irqrestore(&ps->lock, irqflags);
	if (!(flags & MSG_PEEK))
		kfree_skb(skb);
	return ret;
}

static int packet_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct packet_sock *ps = pkt_sk(sock);
	long timeo = sock_rcvtimeo(sock, flags & MSG_DONTWAIT);
	int ret;

	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_WAITALL | MSG_ERRQUEUE))
		return -EINVAL;
	if (flags & MSG_ERRQUEUE) /* no error queue: it is always empty */
		return -EAGAIN;
	for (;;) {
		ret = packet_take(ps, msg, len, flags);
		if (ret != -EAGAIN || !timeo)
			return ret;
		timeo = wait_event_interruptible_timeout(sock->wq, !list_empty(&ps->queue), timeo);
		if (timeo < 0)
			return sock_intr_errno(sock->rcvtimeo);
		if (!timeo)
			return -EAGAIN;
	}
}

/* A frame for dev from the caller's bytes: SOCK_DGRAM gets an Ethernet header to dest. */
static struct sk_buff *packet_build(struct socket *sock, struct net_device *dev,
				    const struct msghdr *msg, size_t len, u16 proto,
				    const u8 *dest)
{
	bool dgram = sock->type == SOCK_DGRAM;
	struct sk_buff *skb = alloc_skb((unsigned int)len + (dgram ? ETH_HLEN : 0), GFP_KERNEL);
	struct ethhdr *eth;

	if (!skb)
		return NULL;
	if (dgram)
		skb_reserve(skb, ETH_HLEN);
	memcpy(skb_put(skb, (unsigned int)len), msg->msg_iov.iov_base, len);
	if (dgram) {
		eth = skb_push(skb, ETH_HLEN);
		if (dest)
			memcpy(eth->h_dest, dest, ETH_ALEN);
		else
			memset(eth->h_dest, 0, ETH_ALEN);
		memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
		eth->h_proto = proto;
	}
	skb->dev = dev;
	skb->protocol = proto;
	skb->sk = pkt_sk(sock);
	return skb;
}

/* Whether len bytes may go out on dev, in the order of Linux's packet_snd checks. 0 or
 * -errno. */
static int packet_check_send(const struct socket *sock, const struct net_device *dev,
			     const struct sockaddr_ll *sll, size_t len)
{
	if (!(dev->flags & IFF_UP))
		return -ENETDOWN;
	if (sock->type == SOCK_DGRAM) {
		/* Linux's eth_header: no destination is all zeros on lo, an error elsewhere */
		if ((!sll || sll->sll_halen < ETH_ALEN) && !(dev->flags & IFF_LOOPBACK))
			return -EINVAL;
		return len > dev->mtu ? -EMSGSIZE : 0;
	}
	if (len > dev->mtu + ETH_HLEN)
		return -EMSGSIZE;
	return len < ETH_HLEN ? -EINVAL : 0;
}

/* Checks, builds and sends one frame on dev (NULL: the error nodev) to sll's address;
 * rtnl held. len, or -errno. */
static int packet_send_on(struct socket *sock, struct net_device *dev, int nodev,
			  const struct msghdr *msg, size_t len, u16 proto,
			  const struct sockaddr_ll *sll)
{
	struct sk_buff *skb;
	int err = dev ? packet_check_send(sock, dev, sll, len) : nodev;

	if (err)
		return err;
	skb = packet_build(sock, dev, msg, len, proto,
			   sll && sll->sll_halen >= ETH_ALEN ? sll->sll_addr : NULL);
	if (!skb)
		return -ENOBUFS;
	err = dev_queue_xmit(skb);
	return err ? err : (int)len;
}

static int packet_sendmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	const struct sockaddr_ll *sll = msg->msg_name;
	struct packet_sock *ps = pkt_sk(sock);
	int ifindex = ps->ifindex, ret;
	struct net_device *dev;
	u16 proto = ps->num;

	(void)flags;
	if (sll) {
		if (msg->msg_namelen < (int)sizeof(*sll) ||
		    msg->msg_namelen < sll->sll_halen + (int)offsetof(struct sockaddr_ll, sll_addr))
			return -EINVAL;
		ifindex = sll->sll_ifindex;
		proto = sll->sll_protocol;
	}
	rtnl_lock();
	dev = ifindex ? __dev_get_by_index(ifindex) : NULL;
	ret = packet_send_on(sock, dev, -ENXIO, msg, len, proto, sll);
	rtnl_unlock();
	return ret;
}

static unsigned int packet_poll(struct file *file, struct socket *sock, struct poll_table *pt)
{
	struct packet_sock *ps = pkt_sk(sock);
	unsigned int mask = POLLOUT | POLLWRNORM;

	(void)file;
	poll_wait(pt, &sock->wq);
	if (!list_empty(&ps->queue))
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

/* SIOCINQ: the next frame's length; SIOCOUTQ: 0 (frames leave at once). The rest are the
 * netdev ioctls'. */
static int packet_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct packet_sock *ps = pkt_sk(sock);
	unsigned long flags;
	int val = 0;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOIOCTLCMD;
	spin_lock_irqsave(&ps->lock, flags);
	if (cmd == SIOCINQ && !list_empty(&ps->queue))
		val = (int)list_first_entry(&ps->queue, struct sk_buff, list)->len;
	spin_unlock_irqrestore(&ps->lock, flags);
	return copy_to_user((void __user *)arg, &val, sizeof(val)) ? -EFAULT : 0;
}

static int packet_release(struct socket *sock)
{
	struct packet_sock *ps = pkt_sk(sock);
	struct sk_buff *skb, *next;

	if (!ps)
		return 0;
	packet_set_hook(ps, false);
	list_for_each_entry_safe(skb, next, &ps->queue, list)
		kfree_skb(skb);
	packet_free_filter(ps);
	kfree(ps);
	sock->sk = NULL;
	return 0;
}

static int packet_no_connect(struct socket *sock, struct sockaddr *addr, int len, int flags)
{
	(void)sock, (void)addr, (void)len, (void)flags;
	return -EOPNOTSUPP;
}

static int packet_no_shutdown(struct socket *sock, int how)
{
	(void)sock, (void)how;
	return -EOPNOTSUPP;
}

static const struct proto_ops packet_ops = {
	.family = AF_PACKET,
	.release = packet_release,
	.bind = packet_bind,
	.connect = packet_no_connect,
	.accept = sock_no_accept,
	.getname = packet_getname,
	.poll = packet_poll,
	.ioctl = packet_ioctl,
	.listen = sock_no_listen,
	.shutdown = packet_no_shutdown,
	.setsockopt = packet_setsockopt,
	.getsockopt = packet_getsockopt,
	.sendmsg = packet_sendmsg,
	.recvmsg = packet_recvmsg,
};

/* ---- SOCK_PACKET: whole frames, devices by name (Linux's packet_*_spkt) ---------------- */

/* The device named in sa_data (14 bytes, maybe not NUL-terminated); rtnl held. */
static struct net_device *spkt_dev(const unsigned char *sa_data)
{
	char name[15];

	memcpy(name, sa_data, 14);
	name[14] = '\0';
	return __dev_get_by_name(name);
}

static int spkt_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct net_device *dev;
	int ifindex;

	if (addr_len != (int)sizeof(struct sockaddr))
		return -EINVAL;
	rtnl_lock();
	dev = spkt_dev((const unsigned char *)uaddr->sa_data);
	ifindex = dev ? dev->ifindex : 0;
	rtnl_unlock();
	if (!dev)
		return -ENODEV;
	packet_do_bind(pkt_sk(sock), ifindex, 0);
	return 0;
}

static int spkt_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct packet_bound b;

	if (peer)
		return -EOPNOTSUPP;
	memset(uaddr, 0, sizeof(*uaddr));
	uaddr->sa_family = AF_PACKET;
	b = packet_bound_dev(pkt_sk(sock));
	if (b.found)
		spkt_put_device(uaddr->sa_data, b.name);
	return sizeof(*uaddr);
}

/* A whole frame to the device sockaddr_pkt names (Linux's packet_sendmsg_spkt). */
static int spkt_sendmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	const struct sockaddr_pkt *spkt = msg->msg_name;
	u16 proto = 0;
	int ret;

	(void)flags;
	if (!spkt)
		return -ENOTCONN;
	if (msg->msg_namelen < (int)sizeof(struct sockaddr))
		return -EINVAL;
	if (msg->msg_namelen == (int)sizeof(*spkt))
		proto = spkt->spkt_protocol;
	rtnl_lock();
	ret = packet_send_on(sock, spkt_dev(spkt->spkt_device), -ENODEV, msg, len, proto, NULL);
	rtnl_unlock();
	return ret;
}

static const struct proto_ops packet_ops_spkt = {
	.family = AF_PACKET,
	.release = packet_release,
	.bind = spkt_bind,
	.connect = packet_no_connect,
	.accept = sock_no_accept,
	.getname = spkt_getname,
	.poll = packet_poll,
	.ioctl = packet_ioctl,
	.listen = sock_no_listen,
	.shutdown = packet_no_shutdown,
	.setsockopt = packet_setsockopt,
	.getsockopt = packet_getsockopt,
	.sendmsg = spkt_sendmsg,
	.recvmsg = packet_recvmsg,
};

/* socket(AF_PACKET, SOCK_RAW, SOCK_DGRAM or SOCK_PACKET, htons(ethertype)): Linux's
 * packet_create. */
static int packet_create(struct socket *sock, int protocol)
{
	struct packet_sock *ps;

	if (sock->type != SOCK_RAW && sock->type != SOCK_DGRAM && sock->type != SOCK_PACKET)
		return -ESOCKTNOSUPPORT;
	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	ps->sock = sock;
	spin_lock_init(&ps->lock);
	mutex_init(&ps->bind_lock);
	INIT_LIST_HEAD(&ps->queue);
	INIT_LIST_HEAD(&ps->prot_hook.list);
	ps->prot_hook.func = packet_rcv;
	ps->prot_hook.af_packet_priv = ps; /* its own frames are not looped back to it */
	ps->rcvbuf = ps->sndbuf = PACKET_RCVBUF_DEFAULT;
	ps->num = (u16)protocol; /* big-endian already, as socket(2) takes it */
	sock->ops = sock->type == SOCK_PACKET ? &packet_ops_spkt : &packet_ops;
	sock->sk = ps;
	packet_set_hook(ps, ps->num != 0);
	return 0;
}

static const struct net_proto_family packet_family_ops = {
	.family = PF_PACKET,
	.create = packet_create,
};

void packet_init(void)
{
	if (sock_register(&packet_family_ops))
		pr_err("net: AF_PACKET not registered\n");
}
