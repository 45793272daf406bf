/*
 * Multicast socket options with Linux's rules (ip(7); net/ipv4/igmp.c's ip_mc_join_group,
 * ip_mc_leave_group, ip_mc_drop_socket and ip_sockglue.c): each socket keeps the groups it
 * joined, so it can leave only those and leaves them all at close; lwIP's IGMP counts the
 * sockets per group and netif, reports joins and leaves, and puts the group on the device's
 * multicast list (lwip_igmp.c). The sending options (TTL, interface) are applied to the pcb
 * at each send by the protocol. See docs/net.md, "Sockets".
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include "lwip_sock.h"
#include "lwip/igmp.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"

#define IGMP_MAX_MEMBERSHIPS 20 /* Linux's net.ipv4.igmp_max_memberships */
#define INADDR_ALLHOSTS_GROUP 0xe0000001UL /* 224.0.0.1, joined by every netif */

/* One group a socket joined (Linux's ip_mc_socklist): the request as resolved. */
struct inet_mc_socklist {
	struct list_head list;      /* on inet_sock.mc_list */
	ip4_addr_t group;
	ip4_addr_t addr;            /* the interface address as given (leave matches it) */
	int ifindex;                /* Keel's (the device's) */
};

void inet_mc_init(struct inet_sock *sk)
{
	INIT_LIST_HEAD(&sk->mc_list);
	sk->mc_ttl = 1;
	sk->mc_loop = true;
}

/* The netif with IPv4 address addr, or NULL. */
static struct netif *netif_of_addr(ip4_addr_t addr)
{
	struct netif *netif;

	NETIF_FOREACH(netif)
		if (ip4_addr_cmp(&addr, netif_ip4_addr(netif)))
			return netif;
	return NULL;
}

/*
 * Linux's ip_mc_find_dev: the interface an ip_mreqn names, by index, else by address, else
 * the route to the group; NULL when there is none. mreq->imr_ifindex becomes the device's
 * (Keel's ifindex, as the user gives it).
 */
static struct netif *mc_find_netif(struct ip_mreqn *mreq)
{
	ip4_addr_t addr, group;
	struct netif *netif;

	lwip_netif_poll();
	if (mreq->imr_ifindex)
		return lwip_netif_by_ifindex(mreq->imr_ifindex);
	ip4_addr_set_u32(&addr, mreq->imr_address.s_addr);
	ip4_addr_set_u32(&group, mreq->imr_multiaddr.s_addr);
	netif = ip4_addr_isany_val(addr) ? ip4_route(&group) : netif_of_addr(addr);
	if (netif)
		mreq->imr_ifindex = lwip_netif_ifindex(netif);
	return netif;
}

/* An ip_mreq (8 bytes) or ip_mreqn (12) option value as an ip_mreqn. */
static void mreqn_of(const void *optval, unsigned int optlen, struct ip_mreqn *mreq)
{
	memset(mreq, 0, sizeof(*mreq));
	memcpy(mreq, optval, optlen >= sizeof(*mreq) ? sizeof(*mreq) : sizeof(struct ip_mreq));
}

/* lwIP's group count on netif; 224.0.0.1 is always joined, so lwIP refuses it: no-op. */
static int mc_netif_change(struct netif *netif, ip4_addr_t group, bool join)
{
	if (ip4_addr_get_u32(&group) == PP_HTONL(INADDR_ALLHOSTS_GROUP) || !netif)
		return 0;
	if (!(netif->flags & NETIF_FLAG_IGMP))
		return -ENODEV;
	return lwip_errno(join ? igmp_joingroup_netif(netif, &group)
			       : igmp_leavegroup_netif(netif, &group));
}

/* IP_ADD_MEMBERSHIP: -EINVAL (not a multicast group), -ENODEV (no such interface, or no
 * route to the group), -EADDRINUSE (joined there already), -ENOBUFS (20 groups), -ENOMEM. */
static int mc_join(struct inet_sock *sk, struct ip_mreqn *mreq)
{
	struct inet_mc_socklist *iml;
	struct netif *netif;
	ip4_addr_t group;
	int err;

	ip4_addr_set_u32(&group, mreq->imr_multiaddr.s_addr);
	if (!ip4_addr_ismulticast(&group))
		return -EINVAL;
	netif = mc_find_netif(mreq);
	if (!netif)
		return -ENODEV;
	list_for_each_entry(iml, &sk->mc_list, list)
		if (ip4_addr_cmp(&iml->group, &group) && iml->ifindex == mreq->imr_ifindex)
			return -EADDRINUSE;
	if (sk->mc_count >= IGMP_MAX_MEMBERSHIPS)
		return -ENOBUFS;
	iml = kmalloc(sizeof(*iml), GFP_KERNEL);
	if (!iml)
		return -ENOMEM;
	err = mc_netif_change(netif, group, true);
	if (err) {
		kfree(iml);
		return err;
	}
	iml->group = group;
	ip4_addr_set_u32(&iml->addr, mreq->imr_address.s_addr);
	iml->ifindex = mreq->imr_ifindex;
	list_add_tail(&iml->list, &sk->mc_list);
	sk->mc_count++;
	return 0;
}

static void mc_leave_one(struct inet_sock *sk, struct inet_mc_socklist *iml)
{
	mc_netif_change(lwip_netif_by_ifindex(iml->ifindex), iml->group, false);
	list_del(&iml->list);
	sk->mc_count--;
	kfree(iml);
}

/* IP_DROP_MEMBERSHIP: the socket's membership matching the group and the interface (index,
 * else address, else any): -ENODEV (neither given and no route), -EADDRNOTAVAIL (none). */
static int mc_leave(struct inet_sock *sk, struct ip_mreqn *mreq)
{
	struct netif *netif = mc_find_netif(mreq);
	struct inet_mc_socklist *iml;

	if (!mreq->imr_ifindex && !mreq->imr_address.s_addr && !netif)
		return -ENODEV;
	list_for_each_entry(iml, &sk->mc_list, list) {
		if (ip4_addr_get_u32(&iml->group) != mreq->imr_multiaddr.s_addr)
			continue;
		if (mreq->imr_ifindex ? iml->ifindex != mreq->imr_ifindex
				      : mreq->imr_address.s_addr &&
					ip4_addr_get_u32(&iml->addr) != mreq->imr_address.s_addr)
			continue;
		mc_leave_one(sk, iml);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

void inet_mc_drop_socket(struct inet_sock *sk)
{
	while (!list_empty(&sk->mc_list))
		mc_leave_one(sk, list_first_entry(&sk->mc_list, struct inet_mc_socklist, list));
}

/* IP_MULTICAST_IF: an in_addr, ip_mreq or ip_mreqn; ANY (and index 0) is the route's again.
 * -EINVAL (short, a TCP socket, another device than SO_BINDTODEVICE's), -EADDRNOTAVAIL. */
static int mc_set_if(struct inet_sock *sk, const void *optval, unsigned int optlen)
{
	struct ip_mreqn mreq;
	struct netif *netif;

	if (sk->protocol == IPPROTO_TCP || optlen < sizeof(struct in_addr))
		return -EINVAL;
	memset(&mreq, 0, sizeof(mreq));
	if (optlen >= sizeof(struct ip_mreq))
		mreqn_of(optval, optlen, &mreq);
	else
		memcpy(&mreq.imr_address, optval, sizeof(mreq.imr_address));
	if (!mreq.imr_ifindex && !mreq.imr_address.s_addr) {
		sk->mc_index = 0;
		ip4_addr_set_zero(&sk->mc_addr);
		return 0;
	}
	mreq.imr_multiaddr.s_addr = 0;
	netif = mc_find_netif(&mreq);
	if (!netif)
		return -EADDRNOTAVAIL;
	if (sk->bound_ifindex && mreq.imr_ifindex != sk->bound_ifindex)
		return -EINVAL;
	sk->mc_index = mreq.imr_ifindex;
	ip4_addr_set_u32(&sk->mc_addr, mreq.imr_address.s_addr);
	return 0;
}

int inet_mc_setsockopt(struct inet_sock *sk, int optname, const void *optval,
		       unsigned int optlen, int v)
{
	struct ip_mreqn mreq;

	switch (optname) {
	case IP_ADD_MEMBERSHIP:
	case IP_DROP_MEMBERSHIP:
		if (sk->protocol == IPPROTO_TCP)
			return -EPROTO;
		if (optlen < sizeof(struct ip_mreq))
			return -EINVAL;
		mreqn_of(optval, optlen, &mreq);
		return optname == IP_ADD_MEMBERSHIP ? mc_join(sk, &mreq) : mc_leave(sk, &mreq);
	case IP_MULTICAST_TTL:
		v = v == -1 ? 1 : v;
		if (sk->protocol == IPPROTO_TCP || v < 0 || v > 255)
			return -EINVAL;
		sk->mc_ttl = (u8)v;
		return 0;
	case IP_MULTICAST_LOOP:
		sk->mc_loop = v;
		return 0;
	case IP_MULTICAST_IF:
		return mc_set_if(sk, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

int inet_mc_get_if(struct inet_sock *sk, void *optval, int *optlen)
{
	u32 addr = ip4_addr_get_u32(&sk->mc_addr);

	if (*optlen < 0)
		return -EINVAL;
	*optlen = *optlen < (int)sizeof(addr) ? *optlen : (int)sizeof(addr);
	memcpy(optval, &addr, (size_t)*optlen);
	return 0;
}
