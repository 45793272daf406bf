/*
 * netecho.ko, a test aid until lwIP is ported: answers ARP and ICMP echo for the address
 * `ip addr add` gave a device, and provides the shell's `ping`. Wire formats (RFC 791, 792,
 * 826) and the counters its files share.
 */
#ifndef NETECHO_H
#define NETECHO_H

#include <keel/netdevice.h>

struct iphdr {
	u8 ihl_version; /* version << 4 | header length in 32-bit words */
	u8 tos;
	u16 tot_len;
	u16 id;
	u16 frag_off;   /* flags (DF 0x4000, MF 0x2000) | fragment offset */
	u8 ttl;
	u8 protocol;
	u16 check;
	u32 saddr, daddr;
} __attribute__((packed));
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IPPROTO_ICMP 1

struct icmphdr {
	u8 type, code;
	u16 checksum;
	u16 id, sequence;
} __attribute__((packed));
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

struct arphdr_eth {
	u16 ar_hrd, ar_pro;
	u8 ar_hln, ar_pln;
	u16 ar_op;
	u8 ar_sha[ETH_ALEN];
	u32 ar_sip;
	u8 ar_tha[ETH_ALEN];
	u32 ar_tip;
} __attribute__((packed));
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

/* What was dropped and why, printed by the `netecho` command. */
struct netecho_stats {
	unsigned long ip_in, ip_hdr_errors, ip_csum_errors, ip_options, ip_fragments;
	unsigned long ip_not_ours, icmp_in, icmp_csum_errors, icmp_other, echo_replied;
	unsigned long arp_in, arp_bad, arp_replied, tx_failed;
};
extern struct netecho_stats netecho_stats;

/* arp.c */
int arp_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
/* Resolves ip (big-endian) on dev into mac, asking up to 3 times a second apart. 0,
 * -EHOSTUNREACH or -ERESTARTSYS (Ctrl-C). Task context. */
int arp_resolve(struct net_device *dev, u32 ip, u8 *mac);
void arp_flush_dev(struct net_device *dev);

/* icmp.c */
int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
/* A frame with room for ETH_HLEN + IP header + len bytes of payload, data at the payload. */
struct sk_buff *ip_alloc_skb(struct net_device *dev, unsigned int len);
/* Adds the IP and Ethernet headers to skb (data at the ICMP header) and sends it. */
int ip_send(struct sk_buff *skb, u32 daddr, const u8 *dmac);

/* ping.c */
void ping_echo_reply(const struct iphdr *iph, const struct icmphdr *icmp);
int ping_init(void);
void ping_exit(void);

#endif
