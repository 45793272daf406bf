/*
 * IPv4 routes as SIOCADDRT/SIOCDELRT take them (Linux's <linux/route.h>, x86_64 layout,
 * 120 bytes) and the RTF_* flags /proc/net/route prints.
 */
#ifndef KEEL_ROUTE_H
#define KEEL_ROUTE_H

#include <keel/socket.h>

struct rtentry {
	unsigned long rt_pad1;
	struct sockaddr rt_dst;     /* target network or host (sockaddr_in) */
	struct sockaddr rt_gateway;
	struct sockaddr rt_genmask; /* the network's mask */
	unsigned short rt_flags;    /* RTF_* */
	short rt_pad2;
	unsigned long rt_pad3;
	void *rt_pad4;
	short rt_metric;            /* +1, as route(8) passes it */
	char __user *rt_dev;        /* the device's name, or NULL */
	unsigned long rt_mtu;
	unsigned long rt_window;
	unsigned short rt_irtt;
};

#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004
#define RTF_REINSTATE 0x0008
#define RTF_DYNAMIC 0x0010
#define RTF_MODIFIED 0x0020
#define RTF_MTU 0x0040
#define RTF_WINDOW 0x0080
#define RTF_IRTT 0x0100
#define RTF_REJECT 0x0200

#endif
