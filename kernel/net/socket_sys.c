/*
 * The socket system calls (Linux's net/socket.c, second half): socket, socketpair, bind,
 * listen, accept4, connect, getsockname, getpeername and shutdown with Linux's argument checks
 * (the data and option calls are in socket_msg.c). Addresses are copied into kernel memory
 * here, so families see kernel pointers only.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/jiffies.h>
#include <keel/net.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "net_syscalls.h"
#include "socket_internal.h"


/* Installs a file for sock in a new fd: the fd, or -errno (sock released). */
static long sock_map_fd(struct socket *sock, unsigned int flags)
{
	int fd = get_unused_fd_flags(0, flags & SOCK_CLOEXEC);
	struct file *file;

	if (fd < 0) {
		sock_release(sock);
		return fd;
	}
	file = sock_alloc_file(sock, flags);
	if (IS_ERR(file)) {
		put_unused_fd((unsigned int)fd);
		return PTR_ERR(file);
	}
	fd_install((unsigned int)fd, (struct fd){ .file = file });
	return fd;
}

long sys_socket(ul family, ul type, ul protocol)
{
	unsigned int flags = (unsigned int)type & ~SOCK_TYPE_MASK;
	struct socket *sock;
	int err;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sock_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &sock);
	if (err)
		return err;
	return sock_map_fd(sock, flags);
}

/* Only AF_UNIX pairs exist on Linux; no family here has them. */
long sys_socketpair(ul family, ul type, ul protocol, ul usockvec)
{
	struct socket *sock;
	int err;

	(void)usockvec;
	if ((unsigned int)type & ~(SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sock_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &sock);
	if (err)
		return err;
	sock_release(sock);
	return -EOPNOTSUPP;
}

long sys_bind(ul fd, ul umyaddr, ul addrlen)
{
	struct sockaddr_storage addr;
	struct socket *sock;
	struct fd f;
	int err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = move_addr_to_kernel(umyaddr, addrlen, &addr);
	if (!err)
		err = sock->ops->bind(sock, (struct sockaddr *)&addr, (int)addrlen);
	fdput(f);
	return err;
}

long sys_listen(ul fd, ul backlog)
{
	struct socket *sock;
	struct fd f;
	int err = sockfd_lookup(fd, &f, &sock);
	int n = (int)backlog;

	if (err)
		return err;
	if ((unsigned int)n > SOMAXCONN)
		n = SOMAXCONN;
	err = sock->ops->listen(sock, n);
	fdput(f);
	return err;
}

long sys_connect(ul fd, ul uservaddr, ul addrlen)
{
	struct sockaddr_storage addr;
	struct socket *sock;
	struct fd f;
	int err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = move_addr_to_kernel(uservaddr, addrlen, &addr);
	if (!err)
		err = sock->ops->connect(sock, (struct sockaddr *)&addr, (int)addrlen,
					 (int)(f.file->f_flags & O_NONBLOCK));
	fdput(f);
	return err;
}

/* The new connection's socket into a new fd, its peer's address to the caller. */
static long do_accept(struct socket *sock, struct file *file, ul upeer, ul upeer_len,
		      unsigned int flags)
{
	struct sockaddr_storage addr;
	struct socket *newsock;
	struct file *newfile;
	int fd, len, err;

	fd = get_unused_fd_flags(0, flags & SOCK_CLOEXEC);
	if (fd < 0)
		return fd;
	newsock = sock_create_lite(sock);
	err = -ENOMEM;
	if (!newsock)
		goto put_fd;
	newfile = sock_alloc_file(newsock, flags);
	err = PTR_ERR(newfile);
	if (IS_ERR(newfile))
		goto put_fd;
	err = sock->ops->accept(sock, newsock, (int)(file->f_flags & O_NONBLOCK));
	if (!err && upeer) {
		len = newsock->ops->getname(newsock, (struct sockaddr *)&addr, 1);
		err = len < 0 ? -ECONNABORTED : move_addr_to_user(&addr, len, upeer, upeer_len);
	}
	if (err)
		goto put_file;
	fd_install((unsigned int)fd, (struct fd){ .file = newfile });
	return fd;

put_file:
	fput(newfile);
put_fd:
	put_unused_fd((unsigned int)fd);
	return err;
}

long sys_accept4(ul fd, ul upeer, ul upeer_len, ul flags)
{
	struct socket *sock;
	struct fd f;
	long err;

	if (flags & ~(ul)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sockfd_lookup(fd, &f, &sock);
	if (err)
		return err;
	err = do_accept(sock, f.file, upeer, upeer_len, (unsigned int)flags);
	fdput(f);
	return err;
}

long sys_accept(ul fd, ul upeer, ul upeer_len)
{
	return sys_accept4(fd, upeer, upeer_len, 0);
}

static long do_getname(ul fd, ul usockaddr, ul usockaddr_len, int peer)
{
	struct sockaddr_storage addr;
	struct socket *sock;
	struct fd f;
	int len, err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	memset(&addr, 0, sizeof(addr));
	len = sock->ops->getname(sock, (struct sockaddr *)&addr, peer);
	err = len < 0 ? len : move_addr_to_user(&addr, len, usockaddr, usockaddr_len);
	fdput(f);
	return err;
}

long sys_getsockname(ul fd, ul usockaddr, ul usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, 0);
}

long sys_getpeername(ul fd, ul usockaddr, ul usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, 1);
}

long sys_shutdown(ul fd, ul how)
{
	struct socket *sock;
	struct fd f;
	int err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = how > SHUT_RDWR ? -EINVAL : sock->ops->shutdown(sock, (int)how);
	fdput(f);
	return err;
}
