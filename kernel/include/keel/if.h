/*
 * Interface requests as user space passes them to the netdev ioctls (Linux's <linux/if.h>,
 * x86_64 layouts): struct ifreq (40 bytes: a name and one union member per ioctl), struct
 * ifconf for SIOCGIFCONF, and the interface flags IFF_* kept in net_device->flags.
 */
#ifndef KEEL_IF_H
#define KEEL_IF_H

#include <keel/socket.h>
#include <keel/types.h>

#define IFNAMSIZ 16

/* Interface flags, Linux's values (ifr_flags, net_device->flags). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_DEBUG 0x4
#define IFF_LOOPBACK 0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS 0x20
#define IFF_RUNNING 0x40  /* up with carrier: only in dev_get_flags(), never in dev->flags */
#define IFF_NOARP 0x80
#define IFF_PROMISC 0x100
#define IFF_ALLMULTI 0x200
#define IFF_MASTER 0x400
#define IFF_SLAVE 0x800
#define IFF_MULTICAST 0x1000
#define IFF_PORTSEL 0x2000
#define IFF_AUTOMEDIA 0x4000
#define IFF_DYNAMIC 0x8000

/* SIOCGIFMAP's device resources (24 bytes with padding). */
struct ifmap {
	unsigned long mem_start;
	unsigned long mem_end;
	unsigned short base_addr;
	unsigned char irq;
	unsigned char dma;
	unsigned char port;
};

struct ifreq {
	char ifr_name[IFNAMSIZ];    /* e.g. "eth0", NUL-terminated within IFNAMSIZ */
	union {
		struct sockaddr ifru_addr;
		struct sockaddr ifru_dstaddr;
		struct sockaddr ifru_broadaddr;
		struct sockaddr ifru_netmask;
		struct sockaddr ifru_hwaddr;
		short ifru_flags;
		int ifru_ivalue;    /* ifindex, metric, MTU, txqueuelen */
		struct ifmap ifru_map;
		char ifru_slave[IFNAMSIZ];
		char ifru_newname[IFNAMSIZ];
		void __user *ifru_data;
	} ifr_ifru;
};

#define ifr_addr ifr_ifru.ifru_addr
#define ifr_dstaddr ifr_ifru.ifru_dstaddr
#define ifr_broadaddr ifr_ifru.ifru_broadaddr
#define ifr_netmask ifr_ifru.ifru_netmask
#define ifr_hwaddr ifr_ifru.ifru_hwaddr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_ifindex ifr_ifru.ifru_ivalue
#define ifr_metric ifr_ifru.ifru_ivalue
#define ifr_mtu ifr_ifru.ifru_ivalue
#define ifr_qlen ifr_ifru.ifru_ivalue
#define ifr_map ifr_ifru.ifru_map

/* SIOCGIFCONF: ifc_len bytes at ifc_buf get one ifreq per IPv4 address (name and
 * ifr_addr); ifc_buf NULL asks for the length needed. */
struct ifconf {
	int ifc_len;
	union {
		char __user *ifcu_buf;
		struct ifreq __user *ifcu_req;
	} ifc_ifcu;
};

#define ifc_buf ifc_ifcu.ifcu_buf
#define ifc_req ifc_ifcu.ifcu_req

#endif
