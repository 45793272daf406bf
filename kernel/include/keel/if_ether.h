/*
 * Ethernet frame layout, after Linux's <uapi/linux/if_ether.h>: the sizes and the ethertypes
 * the network core and its drivers use. Values on the wire are big-endian.
 */
#ifndef KEEL_IF_ETHER_H
#define KEEL_IF_ETHER_H

#include <keel/types.h>

#define ETH_ALEN 6          /* bytes in a MAC address */
#define ETH_HLEN 14         /* destination, source, ethertype */
#define ETH_ZLEN 60         /* shortest frame without the FCS: shorter ones are padded */
#define ETH_DATA_LEN 1500   /* the default MTU */
#define ETH_MIN_MTU 68      /* IPv4's minimum: what SIOCSIFMTU accepts at least */
#define ETH_MAX_MTU 0xFFFFU /* the largest any device takes */
#define ETH_FRAME_LEN 1514  /* the longest frame without FCS at the default MTU */
#define ETH_FCS_LEN 4

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_ALL 0x0003    /* dev_add_pack: every frame, whatever its type */

struct ethhdr {
	u8 h_dest[ETH_ALEN];
	u8 h_source[ETH_ALEN];
	u16 h_proto; /* big-endian */
} __attribute__((packed));

/* Host <-> network byte order for 16 and 32 bits (x86 is little-endian). */
static inline u16 htons(u16 v) { return (u16)((v << 8) | (v >> 8)); }
static inline u16 ntohs(u16 v) { return htons(v); }
static inline u32 htonl(u32 v) { return __builtin_bswap32(v); }
static inline u32 ntohl(u32 v) { return __builtin_bswap32(v); }

#endif
