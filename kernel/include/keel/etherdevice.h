/*
 * Ethernet helpers, after Linux's <linux/etherdevice.h>: allocating an Ethernet net_device,
 * MAC address tests, and eth_type_trans for received frames.
 */
#ifndef KEEL_ETHERDEVICE_H
#define KEEL_ETHERDEVICE_H

#include <keel/if_ether.h>
#include <keel/netdevice.h>
#include <keel/string.h>

/* Fills in Ethernet defaults: MTU 1500, broadcast ff:..., IFF_BROADCAST|IFF_MULTICAST. */
void ether_setup(struct net_device *dev);
/* alloc_netdev(sizeof_priv, ether_setup): NULL when memory is short. Task context. */
struct net_device *alloc_etherdev(size_t sizeof_priv);

/*
 * For a received frame: sets skb->pkt_type (host, broadcast, multicast, other host) from the
 * destination, pulls the Ethernet header and returns the ethertype (big-endian), which the
 * caller stores in skb->protocol. skb must hold at least ETH_HLEN bytes. Any context.
 */
u16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);

static inline bool is_zero_ether_addr(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

static inline bool is_multicast_ether_addr(const u8 *a) { return a[0] & 1; }

static inline bool is_broadcast_ether_addr(const u8 *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}

/* Neither multicast, broadcast nor zero: usable as a station address. */
static inline bool is_valid_ether_addr(const u8 *a)
{
	return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a);
}

/*
 * The Ethernet CRC-32 of data as the MAC computes it, most significant bit first (Linux's
 * ether_crc): the top bits index multicast hash filters such as the RTL8139's MAR. Any
 * context.
 */
static inline u32 ether_crc(size_t len, const u8 *data)
{
	u32 le = ~crc32(0, data, len), be = 0; /* crc32(): reflected and inverted, as zlib's */

	for (int i = 0; i < 32; i++)
		be |= ((le >> i) & 1) << (31 - i);
	return be;
}

static inline void ether_addr_copy(u8 *dst, const u8 *src) { memcpy(dst, src, ETH_ALEN); }

static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, ETH_ALEN);
}

#endif
