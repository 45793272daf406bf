/*
 * The socket system calls that move data and options (Linux's net/socket.c): sendto,
 * recvfrom, sendmsg, recvmsg, setsockopt and getsockopt. User iovecs are walked through a
 * kernel bounce buffer of at most SOCK_IO_CHUNK bytes per call into the family: a stream's
 * send loops chunk by chunk, a datagram must fit in one (-EMSGSIZE). SOL_SOCKET's
 * SO_RCVTIMEO, SO_SNDTIMEO, SO_TYPE, SO_DOMAIN and SO_PROTOCOL are kept here; every other
 * option is the family's.
 */
#include <keel/errno.h>
#include <keel/fdtable.h>
#include <keel/fs.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/net.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "net_syscalls.h"
#include "socket_internal.h"

#define SOCK_IO_CHUNK 65536     /* bytes per call into the family; a datagram's maximum */
#define SOCK_IOV_MAX 1024       /* Linux's UIO_MAXIOV */
#define SOCK_CMSG_MAX 1024      /* control bytes recvmsg collects */

struct iovec_user {
	unsigned long iov_base, iov_len;
};

/* User segments being walked: the next byte is iov[idx].iov_base + off. */
struct sock_iter {
	struct iovec_user *iov;
	struct iovec_user one;      /* sendto/recvfrom's single buffer */
	unsigned long nr, idx, off;
	size_t left;
};

/* Copies the iovec array in and checks it (Linux's import_iovec). 0, -EMSGSIZE (too many
 * segments), -EINVAL (total too large), -EFAULT, -ENOMEM. */
static int import_iovec(struct sock_iter *it, unsigned long uiov, unsigned long nr)
{
	size_t total = 0;

	*it = (struct sock_iter){ .nr = nr };
	if (nr > SOCK_IOV_MAX)
		return -EMSGSIZE;
	it->iov = nr ? kmalloc_array(nr, sizeof(*it->iov), GFP_KERNEL) : NULL;
	if (nr && !it->iov)
		return -ENOMEM;
	if (copy_from_user(it->iov, (const void __user *)uiov, nr * sizeof(*it->iov)))
		return -EFAULT;
	for (unsigned long i = 0; i < nr; i++) {
		if (it->iov[i].iov_len > (size_t)LONG_MAX - total)
			return -EINVAL;
		if (!access_ok((void __user *)it->iov[i].iov_base, it->iov[i].iov_len))
			return -EFAULT;
		total += it->iov[i].iov_len;
	}
	it->left = total;
	return 0;
}

static int import_single(struct sock_iter *it, unsigned long buf, size_t len)
{
	*it = (struct sock_iter){ .one = { buf, len }, .nr = 1, .left = len };
	it->iov = &it->one;
	if (len > (size_t)LONG_MAX)
		return -EINVAL;
	return access_ok((void __user *)buf, len) ? 0 : -EFAULT;
}

static void iter_free(struct sock_iter *it)
{
	if (it->iov != &it->one)
		kfree(it->iov);
}

/* Moves n bytes between the user segments and kbuf (to_user: kbuf -> user). 0 or -EFAULT. */
static int iter_copy(struct sock_iter *it, char *kbuf, size_t n, bool to_user)
{
	while (n) {
		struct iovec_user *v = &it->iov[it->idx];
		size_t part = v->iov_len - it->off < n ? v->iov_len - it->off : n;
		void __user *u = (void __user *)(v->iov_base + it->off);

		if (part && (to_user ? copy_to_user(u, kbuf, part) : copy_from_user(kbuf, u, part)))
			return -EFAULT;
		kbuf += part;
		n -= part;
		it->left -= part;
		it->off += part;
		if (it->off == v->iov_len) {
			it->idx++;
			it->off = 0;
		}
	}
	return 0;
}

static size_t chunk_of(const struct sock_iter *it)
{
	return it->left < SOCK_IO_CHUNK ? it->left : SOCK_IO_CHUNK;
}

/* Sends what the segments hold: the bytes sent (short only when non-blocking or
 * interrupted after some), or -errno. */
static long do_sendmsg(struct socket *sock, struct sock_iter *it, struct sockaddr_storage *to,
		       int tolen, int flags)
{
	char *kbuf;
	long done = 0, ret;

	if (sock->type != SOCK_STREAM && it->left > SOCK_IO_CHUNK)
		return -EMSGSIZE;
	kbuf = kmalloc(chunk_of(it) ? chunk_of(it) : 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	do {
		size_t chunk = chunk_of(it);
		struct msghdr msg = { .msg_name = tolen ? to : NULL, .msg_namelen = tolen,
				      .msg_iov = { kbuf, chunk }, .msg_flags = (unsigned int)flags };

		ret = iter_copy(it, kbuf, chunk, false);
		if (!ret)
			ret = sock_sendmsg_flags(sock, &msg, chunk, flags);
		if (ret < 0)
			break;
		done += ret;
		if ((size_t)ret < chunk)
			break;
	} while (it->left);
	kfree(kbuf);
	return done ? done : ret;
}

/* Receives into the segments (one call into the family; MSG_WAITALL on a stream repeats
 * while whole chunks come): the bytes received, or -errno. msg has name and control set. */
static long do_recvmsg(struct socket *sock, struct file *file, struct sock_iter *it,
		       struct msghdr *msg, int flags)
{
	char *kbuf = kmalloc(chunk_of(it) ? chunk_of(it) : 1, GFP_KERNEL);
	long done = 0, ret;

	if (!kbuf)
		return -ENOMEM;
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	for (;;) {
		size_t chunk = chunk_of(it);

		msg->msg_iov = (struct kvec){ kbuf, chunk };
		ret = sock->ops->recvmsg(sock, msg, chunk, flags);
		if (ret > 0 && iter_copy(it, kbuf, (size_t)ret < chunk ? (size_t)ret : chunk, true))
			ret = -EFAULT;
		if (ret <= 0)
			break;
		done += ret;
		if (sock->type != SOCK_STREAM || !(flags & MSG_WAITALL) || !it->left ||
		    (size_t)ret < chunk)
			break;
	}
	kfree(kbuf);
	return done ? done : ret;
}

long sys_sendto(ul fd, ul buff, ul len, ul flags, ul addr, ul addr_len)
{
	struct sockaddr_storage to;
	struct sock_iter it;
	struct socket *sock;
	struct fd f;
	long err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = import_single(&it, buff, len);
	if (!err && addr)
		err = move_addr_to_kernel(addr, addr_len, &to);
	if (!err)
		err = do_sendmsg(sock, &it, &to, addr ? (int)addr_len : 0, (int)flags);
	fdput(f);
	return err;
}

long sys_recvfrom(ul fd, ul ubuf, ul size, ul flags, ul addr, ul addr_len)
{
	struct sockaddr_storage from;
	struct msghdr msg = { .msg_name = &from };
	struct sock_iter it;
	struct socket *sock;
	struct fd f;
	long ret = sockfd_lookup(fd, &f, &sock);
	int err;

	if (ret)
		return ret;
	ret = import_single(&it, ubuf, size);
	if (!ret)
		ret = do_recvmsg(sock, f.file, &it, &msg, (int)flags);
	if (ret >= 0 && addr) {
		err = move_addr_to_user(&from, msg.msg_namelen, addr, addr_len);
		ret = err ? err : ret;
	}
	fdput(f);
	return ret;
}

/* sendmsg/recvmsg's header and iovecs into the kernel. */
static int copy_msghdr(ul umsg, struct user_msghdr *m, struct sock_iter *it)
{
	if (copy_from_user(m, (const void __user *)umsg, sizeof(*m)))
		return -EFAULT;
	return import_iovec(it, (unsigned long)m->msg_iov, m->msg_iovlen);
}

long sys_sendmsg(ul fd, ul umsg, ul flags)
{
	struct sockaddr_storage to;
	struct user_msghdr m;
	struct sock_iter it = { 0 };
	struct socket *sock;
	struct fd f;
	long err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = copy_msghdr(umsg, &m, &it);
	if (!err && m.msg_name)
		err = move_addr_to_kernel((ul)m.msg_name, (ul)(unsigned int)m.msg_namelen, &to);
	if (!err)
		err = do_sendmsg(sock, &it, &to, m.msg_name ? m.msg_namelen : 0, (int)flags);
	iter_free(&it);
	fdput(f);
	return err;
}

/* recvmsg's results back into the user's header: address, control bytes, flags. */
static int put_msghdr(ul umsg, const struct user_msghdr *m, struct msghdr *msg)
{
	struct user_msghdr __user *u = (struct user_msghdr __user *)umsg;
	u64 used = msg->msg_controlused;

	if (m->msg_name && move_addr_to_user(msg->msg_name, msg->msg_namelen,
					     (ul)m->msg_name, (ul)&u->msg_namelen))
		return -EFAULT;
	if (used && copy_to_user(m->msg_control, msg->msg_control, used))
		return -EFAULT;
	if (copy_to_user(&u->msg_controllen, &used, sizeof(used)))
		return -EFAULT;
	return copy_to_user(&u->msg_flags, &msg->msg_flags, sizeof(msg->msg_flags)) ? -EFAULT
										   : 0;
}

long sys_recvmsg(ul fd, ul umsg, ul flags)
{
	struct sockaddr_storage from;
	struct msghdr msg = { .msg_name = &from };
	struct user_msghdr m;
	struct sock_iter it = { 0 };
	struct socket *sock;
	struct fd f;
	long ret = sockfd_lookup(fd, &f, &sock);
	int err;

	if (ret)
		return ret;
	ret = copy_msghdr(umsg, &m, &it);
	msg.msg_controllen = m.msg_controllen < SOCK_CMSG_MAX ? m.msg_controllen : SOCK_CMSG_MAX;
	if (!ret && m.msg_control && msg.msg_controllen) {
		msg.msg_control = kzalloc(msg.msg_controllen, GFP_KERNEL);
		ret = msg.msg_control ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = do_recvmsg(sock, f.file, &it, &msg, (int)flags & ~MSG_CMSG_CLOEXEC);
	if (ret >= 0) {
		err = put_msghdr(umsg, &m, &msg);
		ret = err ? err : ret;
	}
	kfree(msg.msg_control);
	iter_free(&it);
	fdput(f);
	return ret;
}

/* ---- options ---------------------------------------------------------------------------- */

struct timeval_user {
	s64 tv_sec, tv_usec;
};

/* SO_RCVTIMEO/SO_SNDTIMEO (Linux's sock_set_timeout): zero means never time out. */
static int set_timeout(long *timeo, const void *optval, unsigned int optlen)
{
	struct timeval_user tv;

	if (optlen < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, optval, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC)
		return -EDOM;
	if (tv.tv_sec < 0)
		*timeo = 0;
	else if (!tv.tv_sec && !tv.tv_usec)
		*timeo = MAX_SCHEDULE_TIMEOUT;
	else if (tv.tv_sec >= MAX_SCHEDULE_TIMEOUT / HZ - 1)
		*timeo = MAX_SCHEDULE_TIMEOUT;
	else
		*timeo = (long)(tv.tv_sec * HZ) +
			 (long)((tv.tv_usec + USEC_PER_SEC / HZ - 1) / (USEC_PER_SEC / HZ));
	return 0;
}

long sys_setsockopt(ul fd, ul level, ul optname, ul optval, ul optlen)
{
	unsigned int klen = optlen < SOCK_OPT_MAX ? (unsigned int)optlen : SOCK_OPT_MAX;
	char kval[SOCK_OPT_MAX];
	struct socket *sock;
	struct fd f;
	long err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	if ((int)optlen < 0)
		err = -EINVAL;
	else if (klen && copy_from_user(kval, (const void __user *)optval, klen))
		err = -EFAULT;
	else if ((int)level == SOL_SOCKET && (int)optname == SO_RCVTIMEO)
		err = set_timeout(&sock->rcvtimeo, kval, klen);
	else if ((int)level == SOL_SOCKET && (int)optname == SO_SNDTIMEO)
		err = set_timeout(&sock->sndtimeo, kval, klen);
	else
		err = sock->ops->setsockopt(sock, (int)level, (int)optname, kval, klen);
	fdput(f);
	return err;
}

/* The SOL_SOCKET options the core answers: their length in val, or 0 for the family's. */
static int core_getsockopt(struct socket *sock, int optname, char *val)
{
	long timeo = optname == SO_RCVTIMEO ? sock->rcvtimeo : sock->sndtimeo;
	struct timeval_user tv = { 0, 0 };
	int v;

	switch (optname) {
	case SO_TYPE: v = sock->type; break;
	case SO_DOMAIN: v = sock->family; break;
	case SO_PROTOCOL: v = sock->protocol; break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		if (timeo != MAX_SCHEDULE_TIMEOUT) {
			tv.tv_sec = timeo / HZ;
			tv.tv_usec = (timeo % HZ) * (USEC_PER_SEC / HZ);
		}
		memcpy(val, &tv, sizeof(tv));
		return sizeof(tv);
	default:
		return 0;
	}
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

long sys_getsockopt(ul fd, ul level, ul optname, ul optval, ul optlen)
{
	char kval[SOCK_OPT_MAX];
	struct socket *sock;
	struct fd f;
	int len, klen = 0;
	long err = sockfd_lookup(fd, &f, &sock);

	if (err)
		return err;
	err = copy_from_user(&len, (const void __user *)optlen, sizeof(len)) ? -EFAULT : 0;
	if (!err && len < 0)
		err = -EINVAL;
	if (!err && (int)level == SOL_SOCKET)
		klen = core_getsockopt(sock, (int)optname, kval);
	if (!err && !klen) {
		klen = len < SOCK_OPT_MAX ? len : SOCK_OPT_MAX;
		err = sock->ops->getsockopt(sock, (int)level, (int)optname, kval, &klen);
	}
	if (!err && len > klen)
		len = klen;
	if (!err && len && copy_to_user((void __user *)optval, kval, (size_t)len))
		err = -EFAULT;
	if (!err && copy_to_user((void __user *)optlen, &len, sizeof(len)))
		err = -EFAULT;
	fdput(f);
	return err;
}
