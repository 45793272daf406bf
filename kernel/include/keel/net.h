/*
 * Sockets (Linux's <linux/net.h>): the struct socket behind every socket fd, the operations
 * a protocol family module supplies (proto_ops), and the family registry socket(2) looks
 * in. The system calls in kernel/net/socket*.c copy every argument into kernel memory and
 * call the family; a family (AF_INET in lwip.ko, AF_PACKET in kernel/net) keeps its own
 * state in sock->sk and wakes sock->wq whenever it changes. See docs/net.md, "Sockets".
 */
#ifndef KEEL_NET_H
#define KEEL_NET_H

#include <keel/fs.h> /* struct file: every user of this header must see its layout */
#include <keel/socket.h>
#include <keel/wait.h>

struct module;
struct poll_table;
struct socket;

typedef enum {
	SS_FREE = 0,
	SS_UNCONNECTED,
	SS_CONNECTING,
	SS_CONNECTED,
	SS_DISCONNECTING,
} socket_state;

/*
 * A family's operations. Every pointer is required; a family without an operation points
 * it at one returning -EOPNOTSUPP (Linux's sock_no_*). Addresses and option values are in
 * kernel memory, lengths checked by the caller to fit a struct sockaddr_storage. All run in
 * task context and may sleep unless said otherwise; blocking ones honour `flags`'
 * MSG_DONTWAIT/O_NONBLOCK and end early with -ERESTARTSYS (no timeout) or -EINTR (a
 * timeout set) on a signal, as Linux's.
 */
struct proto_ops {
	int family;
	struct module *owner;
	/* The last close: free sock->sk (which may be NULL: accept's new socket before the
	 * family attached anything). Never fails. */
	int (*release)(struct socket *sock);
	int (*bind)(struct socket *sock, struct sockaddr *addr, int addrlen);
	/* flags: the file's O_NONBLOCK. */
	int (*connect)(struct socket *sock, struct sockaddr *addr, int addrlen, int flags);
	/* Attaches the next connection to newsock (type and ops already set). flags: the
	 * listening file's O_NONBLOCK. */
	int (*accept)(struct socket *sock, struct socket *newsock, int flags);
	/* Fills addr with the local (peer 0) or remote (peer 1) address: its length, or
	 * -ENOTCONN (peer without a connection). */
	int (*getname)(struct socket *sock, struct sockaddr *addr, int peer);
	/* What is ready now (POLL*), after poll_wait(pt, &sock->wq). Must not sleep. */
	unsigned int (*poll)(struct file *file, struct socket *sock, struct poll_table *pt);
	/* Family ioctls (FIONREAD...); -ENOIOCTLCMD passes cmd on to the netdev ioctls. */
	int (*ioctl)(struct socket *sock, unsigned int cmd, unsigned long arg);
	int (*listen)(struct socket *sock, int backlog);
	/* how: SHUT_RD, SHUT_WR or SHUT_RDWR (checked by the caller). */
	int (*shutdown)(struct socket *sock, int how);
	/* optval holds optlen bytes (at most SOCK_OPT_MAX) copied from the caller. */
	int (*setsockopt)(struct socket *sock, int level, int optname, const void *optval,
			  unsigned int optlen);
	/* optval has room for *optlen bytes (at most SOCK_OPT_MAX); sets *optlen. */
	int (*getsockopt)(struct socket *sock, int level, int optname, void *optval,
			  int *optlen);
	/* Sends msg->msg_iov (to msg->msg_name if set): the bytes taken, or -errno. A stream
	 * may take fewer than given only when non-blocking or interrupted. */
	int (*sendmsg)(struct socket *sock, struct msghdr *msg, size_t len, int flags);
	/* Receives into msg->msg_iov (up to len bytes), filling msg_name/msg_namelen and
	 * control messages (put_cmsg) when asked: the bytes received (datagrams with MSG_TRUNC:
	 * their real length), 0 at a stream's end, or -errno. */
	int (*recvmsg)(struct socket *sock, struct msghdr *msg, size_t len, int flags);
};

/* What socket(family, ...) calls to set sock->ops and sock->sk. */
struct net_proto_family {
	int family;
	/* protocol as given to socket(2) (0: the type's default); sock->type is set. 0,
	 * -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, -EPERM, -ENOMEM. */
	int (*create)(struct socket *sock, int protocol);
	struct module *owner;
};

struct socket {
	socket_state state;          /* kept by the family */
	short type;                  /* SOCK_STREAM, SOCK_DGRAM or SOCK_RAW */
	short family;                /* AF_* (SO_DOMAIN) */
	int protocol;                /* as the family resolved it (SO_PROTOCOL) */
	struct file *file;           /* the file that owns the socket */
	const struct proto_ops *ops;
	void *sk;                    /* the family's state */
	wait_queue_head_t wq;        /* poll and blocked callers; woken by the family */
	long rcvtimeo, sndtimeo;     /* SO_RCVTIMEO/SO_SNDTIMEO, jiffies; MAX_SCHEDULE_TIMEOUT */
};

#define SOCK_OPT_MAX 256 /* bytes of an option value the system calls copy */

/*
 * Registers a family: socket(2) with ops->family then calls ops->create. 0, -EINVAL
 * (family not below NPROTO), -EEXIST (registered already). Task context. Linux's
 * sock_register.
 */
int sock_register(const struct net_proto_family *ops);
/* Removes it; existing sockets keep their ops (each pins the module). Task context. */
void sock_unregister(int family);

/* The operations a family without listen/accept points at: -EOPNOTSUPP (Linux's
 * sock_no_listen, sock_no_accept). */
int sock_no_listen(struct socket *sock, int backlog);
int sock_no_accept(struct socket *sock, struct socket *newsock, int flags);

/* How long a blocking receive or send may wait (jiffies): 0 when noblock, else
 * SO_RCVTIMEO/SO_SNDTIMEO. Linux's sock_rcvtimeo/sock_sndtimeo. */
long sock_rcvtimeo(const struct socket *sock, bool noblock);
long sock_sndtimeo(const struct socket *sock, bool noblock);
/* The error for a wait a signal ended: -ERESTARTSYS without a timeout, else -EINTR. */
int sock_intr_errno(long timeo);

/*
 * Appends a control message (level, type, len bytes of data) to msg's control buffer; when
 * it does not fit, sets MSG_CTRUNC and drops it. 0 always (Linux's put_cmsg returns
 * -EFAULT only for user memory, which is not touched here). Any task context.
 */
int put_cmsg(struct msghdr *msg, int level, int type, int len, const void *data);

/*
 * The netdev ioctls (SIOCGIF*, SIOCSIF*, SIOCADDRT...; kernel/net/dev_ioctl.c), which every
 * family's sockets take after the family's own. arg is the caller's user pointer. 0 or
 * -errno (-ENOTTY for an unknown cmd). Task context, takes rtnl. Linux's dev_ioctl.
 */
int dev_ioctl(unsigned int cmd, void __user *arg);

#endif
