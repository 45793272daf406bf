/*
 * Packet sockets' user structures (Linux's <linux/if_packet.h>): the link-level address
 * sockaddr_ll that bind, sendto and recvfrom take, SOL_PACKET's options, and what
 * PACKET_AUXDATA and PACKET_STATISTICS return. See packet(7) and kernel/net/af_packet.c.
 */
#ifndef KEEL_IF_PACKET_H
#define KEEL_IF_PACKET_H

#include <keel/socket.h>
#include <keel/types.h>

#define SOL_PACKET 263

struct sockaddr_ll {
	unsigned short sll_family;  /* AF_PACKET */
	u16 sll_protocol;           /* ethertype, big-endian */
	int sll_ifindex;            /* 0: any device (bind) */
	unsigned short sll_hatype;  /* ARPHRD_* */
	unsigned char sll_pkttype;  /* PACKET_HOST... (<keel/skbuff.h>) */
	unsigned char sll_halen;
	unsigned char sll_addr[8];
};

/* SOCK_PACKET's address (the interface before sockaddr_ll): a device named, not indexed. */
struct sockaddr_pkt {
	unsigned short spkt_family; /* AF_PACKET */
	unsigned char spkt_device[14];
	u16 spkt_protocol;          /* ethertype, big-endian */
};

/* SOL_PACKET options */
#define PACKET_ADD_MEMBERSHIP 1
#define PACKET_DROP_MEMBERSHIP 2
#define PACKET_STATISTICS 6
#define PACKET_AUXDATA 8

/* PACKET_STATISTICS: frames received (drops included) and dropped since the last read. */
struct tpacket_stats {
	unsigned int tp_packets;
	unsigned int tp_drops;
};

/* The PACKET_AUXDATA control message every received frame brings once it is on. */
struct tpacket_auxdata {
	u32 tp_status;              /* TP_STATUS_USER */
	u32 tp_len;                 /* the frame's length as received */
	u32 tp_snaplen;             /* the bytes queued (a filter may cut them) */
	u16 tp_mac;
	u16 tp_net;                 /* where the network header starts in what is read */
	u16 tp_vlan_tci;
	u16 tp_vlan_tpid;
};

#define TP_STATUS_USER (1 << 0)
#define TP_STATUS_CSUMNOTREADY (1 << 3)

#endif
