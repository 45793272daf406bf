/*
 * lwIP's configuration for Keel (see lwip/opt.h for every option). NO_SYS=1: lwIP's raw API
 * only, run under one mutex (lwip_core_lock) by the `lwipd` kernel thread (timers, link
 * state), the netrx thread (received frames) and shell commands (see docs/net.md, "The
 * protocol stack module"). IPv4 only: ARP, ICMP, IGMP, raw, UDP, TCP, DHCP, DNS, and lo
 * (lwip_lo.c).
 */
#ifndef LWIP_LWIPOPTS_H
#define LWIP_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* every lwIP call holds lwip_core_lock */
#define LWIP_TIMERS 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1 /* Keel's htons; lwIP's code uses lwip_htons */

/* Memory: kmalloc for the heap and every pool (lwip_port.c), so lwIP holds no fixed arena */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc lwip_port_malloc
#define mem_clib_free lwip_port_free
#define mem_clib_calloc lwip_port_calloc
#include <stddef.h>
void *lwip_port_malloc(size_t size);
void *lwip_port_calloc(size_t n, size_t size);
void lwip_port_free(void *p);

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define IP_DEFAULT_TTL 64 /* Linux's net.ipv4.ip_default_ttl (lwIP: 255) */
#define SO_REUSE 1        /* SO_REUSEADDR for sockets */
#define IP_SOF_BROADCAST 1 /* UDP broadcasts need SO_BROADCAST, as on Linux */
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0 /* as busybox udhcpc by default: no second's wait for ARP */
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_IGMP 1 /* groups on the devices' multicast lists (lwip_igmp.c) */
#define LWIP_MULTICAST_TX_OPTIONS 1 /* per-pcb multicast TTL and netif (lwip_mcast.c) */
#define LWIP_AUTOIP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAXAGE 5 /* seconds a partly reassembled datagram is kept (lwIP: 15) */
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_SINGLE_NETIF 0
#define LWIP_NUM_NETIF_CLIENT_DATA 0
#define ETHARP_SUPPORT_VLAN 0
#define ARP_QUEUEING 1

/* Packets to ourselves go through Keel's lo (lwip_lo.c, docs/net.md "lo"): lwIP queues them
 * with netif_loop_output, whose "please poll" call lwip_lo_kick answers by sending them
 * through lo at once. No loopif of lwIP's own: Keel's lo has the netif for 127.0.0.1. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 1
#define tcpip_try_callback(fn, netif) lwip_lo_kick(netif)
#define LWIP_HOOK_IP4_INPUT(p, inp) lwip_lo_martian(p, inp)
struct netif;
struct pbuf;
int lwip_lo_kick(struct netif *netif);
int lwip_lo_martian(struct pbuf *p, struct netif *inp);

/* TCP: windows large enough for Ethernet speed without window scaling */
#define TCP_MSS 1460
#define TCP_WND (40 * TCP_MSS)
#define TCP_SND_BUF (40 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG TCP_SND_QUEUELEN
#define MEMP_NUM_TCP_PCB 32
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_RAW_PCB 8
#define PBUF_POOL_SIZE 64
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_LISTEN_BACKLOG 1

/* Counters for `lwipstat`; lwIP's pools and heap are kmalloc's, counted by `mem` */
#define LWIP_STATS 1
#define LWIP_STATS_LARGE 1 /* 32-bit counters */
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_CHECKSUM_ON_COPY 0

#endif
