/*
 * The socket interface's constants and structures with Linux's x86_64 values and layouts
 * (Linux's <linux/socket.h> and its uapi): address families, socket types, MSG_* flags,
 * SOL_SOCKET options, and the message header in its user form (user_msghdr, as sendmsg(2)
 * gets it) and its kernel form (msghdr, what a family's sendmsg/recvmsg see).
 */
#ifndef KEEL_SOCKET_H
#define KEEL_SOCKET_H

#include <keel/types.h>

#ifndef __user
#define __user /* user-space pointer (as <keel/uaccess.h>) */
#endif

typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

/* Room for any family's address (Linux's __kernel_sockaddr_storage). */
#define _K_SS_MAXSIZE 128
struct sockaddr_storage {
	sa_family_t ss_family;
	char __data[_K_SS_MAXSIZE - sizeof(unsigned short)];
} __attribute__((aligned(8)));

/* sendmsg(2)/recvmsg(2)'s argument as user space lays it out. */
struct user_msghdr {
	void __user *msg_name;
	int msg_namelen;
	void __user *msg_iov;       /* struct iovec[msg_iovlen] */
	u64 msg_iovlen;
	void __user *msg_control;
	u64 msg_controllen;
	unsigned int msg_flags;
};

struct kvec {
	void *iov_base;
	size_t iov_len;
};

/*
 * A message as a family's sendmsg/recvmsg sees it: everything in kernel memory (the system
 * calls copy in and out). Linux's struct msghdr, with one kernel buffer for msg_iter.
 */
struct msghdr {
	void *msg_name;             /* a struct sockaddr_storage, or NULL */
	int msg_namelen;            /* send: the address's length; recv: set by the family */
	struct kvec msg_iov;        /* send: the bytes; recv: room for them */
	void *msg_control;          /* recv: room for control messages (put_cmsg), or NULL */
	size_t msg_controllen;      /* recv: room left */
	size_t msg_controlused;     /* recv: bytes put_cmsg has written */
	unsigned int msg_flags;     /* send: the call's flags; recv: MSG_TRUNC, MSG_CTRUNC */
};

struct cmsghdr {
	u64 cmsg_len;               /* header and data, unpadded */
	int cmsg_level;
	int cmsg_type;
};
#define CMSG_ALIGN(len) (((len) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_SPACE(len) (sizeof(struct cmsghdr) + CMSG_ALIGN(len))
#define CMSG_LEN(len) (sizeof(struct cmsghdr) + (len))

/* Address families (PF_* are the same numbers) */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define NPROTO 46 /* families are below this (Linux's AF_MAX) */
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_PACKET AF_PACKET

/* Types, and socket(2)'s flags or-ed into the type */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_PACKET 10
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 00004000 /* O_NONBLOCK */
#define SOCK_CLOEXEC 02000000  /* O_CLOEXEC */

/* send/recv flags */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_CONFIRM 0x800
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

/* Option levels and SOL_SOCKET's options */
#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_BINDTODEVICE 25
#define SO_ATTACH_FILTER 26
#define SO_DETACH_FILTER 27
#define SO_TIMESTAMP 29
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

/* shutdown(2) */
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOMAXCONN 4096

#endif
