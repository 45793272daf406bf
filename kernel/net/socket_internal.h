/* Shared by socket.c (objects and files) and socket_sys.c (the system calls). */
#ifndef KEEL_SOCKET_INTERNAL_H
#define KEEL_SOCKET_INTERNAL_H

#include <keel/net.h>

/* socket(2)'s core: a new socket of the family, without a file. 0, -EAFNOSUPPORT (no such
 * family, even after autoloading net-pf-N), -EINVAL (bad type), -ENOMEM, or the family's
 * create error. */
int sock_create(int family, int type, int protocol, struct socket **res);
/* accept's new socket: type, family, protocol and ops of parent, nothing attached yet.
 * NULL without memory. */
struct socket *sock_create_lite(const struct socket *parent);
/* The file for sock; on failure (ERR_PTR(-ENOMEM)) the socket has been released. */
struct file *sock_alloc_file(struct socket *sock, unsigned int flags);
/* Frees a socket that has no file yet (a file's last fput does it otherwise). */
void sock_release(struct socket *sock);
/* The socket behind file, or NULL when it is not a socket. */
struct socket *sock_from_file(struct file *file);
/* ops->sendmsg with the file's O_NONBLOCK added, and SIGPIPE for -EPIPE unless
 * MSG_NOSIGNAL. */
int sock_sendmsg_flags(struct socket *sock, struct msghdr *msg, size_t len, int flags);

struct fd;
/* The socket of fd, with a reference on its file (fdput). 0, -EBADF, -ENOTSOCK. */
int sockfd_lookup(unsigned long fd, struct fd *f, struct socket **sock);
/* A user address into *kaddr (Linux's move_addr_to_kernel): 0, -EINVAL (length negative or
 * over sizeof(*kaddr)), -EFAULT. */
int move_addr_to_kernel(unsigned long uaddr, unsigned long ulen,
			struct sockaddr_storage *kaddr);
/* klen bytes of kaddr to the user (what fits in *ulenp), then klen into *ulenp (Linux's
 * move_addr_to_user): 0, -EINVAL (*ulenp negative), -EFAULT. */
int move_addr_to_user(const struct sockaddr_storage *kaddr, int klen, unsigned long uaddr,
		      unsigned long ulenp);

#endif
