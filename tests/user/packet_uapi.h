/* Linux's packet socket and classic BPF structures (<linux/filter.h>, <linux/if_packet.h>),
 * which musl's headers leave out, for tests/user/packet.c and netfuzz.c. */
#ifndef TESTS_USER_PACKET_UAPI_H
#define TESTS_USER_PACKET_UAPI_H

struct sock_filter {
	unsigned short code;
	unsigned char jt, jf;
	unsigned int k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};
#define BPF_LD 0x00
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_ABS 0x20
#define BPF_JEQ 0x10
#define BPF_K 0x00
#define BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }
struct tpacket_stats {
	unsigned int tp_packets, tp_drops;
};
struct tpacket_auxdata {
	unsigned int tp_status, tp_len, tp_snaplen;
	unsigned short tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid;
};
#define TP_STATUS_USER 1
struct sockaddr_pkt {
	unsigned short spkt_family;
	unsigned char spkt_device[14];
	unsigned short spkt_protocol;
};
#ifndef PACKET_STATISTICS
#define PACKET_STATISTICS 6
#endif

#endif
