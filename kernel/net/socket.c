/*
 * Socket objects (Linux's net/socket.c, first half): the family registry, struct socket with
 * its inode (fstat says S_IFSOCK), the file every socket lives in, and the file operations
 * that turn read/write/poll/ioctl/close on a socket fd into the family's operations. The
 * system calls are in socket_sys.c.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/kmod.h>
#include <keel/module.h>
#include <keel/net.h>
#include <keel/poll.h>
#include <keel/sched.h>
#include <keel/sched/signal.h>
#include <keel/slab.h>
#include <keel/stat.h>
#include <keel/string.h>
#include <keel/uaccess.h>
#include <keel/fdtable.h>
#include "fs/fs_syscalls.h"
#include "socket_internal.h"

static DEFINE_MUTEX(net_family_lock);
static const struct net_proto_family *net_families[NPROTO];

int sock_register(const struct net_proto_family *ops)
{
	int err = 0;

	if (ops->family < 0 || ops->family >= NPROTO)
		return -EINVAL;
	mutex_lock(&net_family_lock);
	if (net_families[ops->family])
		err = -EEXIST;
	else
		net_families[ops->family] = ops;
	mutex_unlock(&net_family_lock);
	return err;
}
EXPORT_SYMBOL(sock_register);

void sock_unregister(int family)
{
	if (family < 0 || family >= NPROTO)
		return;
	mutex_lock(&net_family_lock);
	net_families[family] = NULL;
	mutex_unlock(&net_family_lock);
}
EXPORT_SYMBOL(sock_unregister);

/* The family, pinned (module_put(pf->owner) when done); autoloads "net-pf-N" once. */
static const struct net_proto_family *get_family(int family)
{
	const struct net_proto_family *pf;

	for (int tries = 0; tries < 2; tries++) {
		mutex_lock(&net_family_lock);
		pf = net_families[family];
		if (pf && !try_module_get(pf->owner))
			pf = NULL;
		mutex_unlock(&net_family_lock);
		if (pf || tries)
			break;
		request_module("net-pf-%d", family);
	}
	return pf;
}

int sock_no_listen(struct socket *sock, int backlog)
{
	(void)sock;
	(void)backlog;
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL(sock_no_listen);

int sock_no_accept(struct socket *sock, struct socket *newsock, int flags)
{
	(void)sock;
	(void)newsock;
	(void)flags;
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL(sock_no_accept);

long sock_rcvtimeo(const struct socket *sock, bool noblock)
{
	return noblock ? 0 : sock->rcvtimeo;
}
EXPORT_SYMBOL(sock_rcvtimeo);

long sock_sndtimeo(const struct socket *sock, bool noblock)
{
	return noblock ? 0 : sock->sndtimeo;
}
EXPORT_SYMBOL(sock_sndtimeo);

int sock_intr_errno(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? -ERESTARTSYS : -EINTR;
}
EXPORT_SYMBOL(sock_intr_errno);

int put_cmsg(struct msghdr *msg, int level, int type, int len, const void *data)
{
	struct cmsghdr h = { .cmsg_len = CMSG_LEN((size_t)len), .cmsg_level = level,
			     .cmsg_type = type };
	size_t space = CMSG_SPACE((size_t)len);
	char *at;

	if (!msg->msg_control || msg->msg_controllen - msg->msg_controlused < space) {
		msg->msg_flags |= MSG_CTRUNC;
		return 0;
	}
	at = (char *)msg->msg_control + msg->msg_controlused;
	memcpy(at, &h, sizeof(h));
	memcpy(at + sizeof(h), data, (size_t)len);
	memset(at + h.cmsg_len, 0, space - h.cmsg_len);
	msg->msg_controlused += space;
	return 0;
}
EXPORT_SYMBOL(put_cmsg);

/* ---- user arguments ---------------------------------------------------------------------- */

/* The socket of fd, with a reference on its file (fdput). -EBADF, -ENOTSOCK. */
int sockfd_lookup(unsigned long fd, struct fd *f, struct socket **sock)
{
	int err = fdget_file(fd, f, true);

	if (err)
		return err;
	*sock = f->console ? NULL : sock_from_file(f->file);
	if (*sock)
		return 0;
	fdput(*f);
	return -ENOTSOCK;
}

/* Linux's move_addr_to_kernel: 0, -EINVAL (length), -EFAULT. */
int move_addr_to_kernel(unsigned long uaddr, unsigned long ulen,
			       struct sockaddr_storage *kaddr)
{
	if ((long)(int)ulen != (long)ulen || (int)ulen < 0 || ulen > sizeof(*kaddr))
		return -EINVAL;
	if (!ulen)
		return 0;
	return copy_from_user(kaddr, (const void __user *)uaddr, ulen) ? -EFAULT : 0;
}

/* Linux's move_addr_to_user: copies what fits of klen bytes, stores klen at ulenp. */
int move_addr_to_user(const struct sockaddr_storage *kaddr, int klen,
			     unsigned long uaddr, unsigned long ulenp)
{
	int len;

	if (copy_from_user(&len, (const void __user *)ulenp, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len && copy_to_user((void __user *)uaddr, kaddr, (size_t)len))
		return -EFAULT;
	return copy_to_user((void __user *)ulenp, &klen, sizeof(klen)) ? -EFAULT : 0;
}

/* ---- the socket and its file ------------------------------------------------------------ */

struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;     /* fstat's answer: no superblock */
};

static struct socket *sock_alloc(void)
{
	struct socket_alloc *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return NULL;
	init_waitqueue_head(&a->socket.wq);
	a->socket.state = SS_UNCONNECTED;
	a->socket.rcvtimeo = a->socket.sndtimeo = MAX_SCHEDULE_TIMEOUT;
	a->vfs_inode.i_mode = S_IFSOCK | 0777;
	a->vfs_inode.i_ino = get_next_ino();
	a->vfs_inode.i_mtime = current_time(NULL);
	return &a->socket;
}

/* Gives the socket back: the family's release, then the module reference ops pinned. */
void sock_release(struct socket *sock)
{
	if (sock->ops) {
		struct module *owner = sock->ops->owner;

		sock->ops->release(sock);
		sock->ops = NULL;
		module_put(owner);
	}
	kfree(container_of(sock, struct socket_alloc, socket));
}

static ssize_t sock_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct socket *sock = file->private_data;
	struct msghdr msg = { .msg_iov = { buf, len } };

	(void)pos;
	if (!len)
		return 0;
	return sock->ops->recvmsg(sock, &msg, len,
				  file->f_flags & O_NONBLOCK ? MSG_DONTWAIT : 0);
}

static ssize_t sock_write(struct file *file, const char *buf, size_t len, loff_t *pos)
{
	struct socket *sock = file->private_data;
	struct msghdr msg = { .msg_iov = { (void *)buf, len } };

	(void)pos;
	return sock_sendmsg_flags(sock, &msg, len, 0);
}

static unsigned int sock_poll(struct file *file, struct poll_table *pt)
{
	struct socket *sock = file->private_data;

	return sock->ops->poll(file, sock, pt);
}

static long sock_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct socket *sock = file->private_data;
	int err = sock->ops->ioctl(sock, cmd, arg);

	return err == -ENOIOCTLCMD ? dev_ioctl(cmd, (void __user *)arg) : err;
}

static int sock_close(struct inode *inode, struct file *file)
{
	(void)inode;
	sock_release(file->private_data);
	return 0;
}

static const struct file_operations socket_file_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.unlocked_ioctl = sock_ioctl,
	.release = sock_close,
};

int sock_sendmsg_flags(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	int ret;

	if (sock->file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	ret = sock->ops->sendmsg(sock, msg, len, flags);
	if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return ret;
}

/* A file for sock (O_NONBLOCK from flags); on failure the socket is released. */
struct file *sock_alloc_file(struct socket *sock, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f) {
		sock_release(sock);
		return ERR_PTR(-ENOMEM);
	}
	f->f_inode = &container_of(sock, struct socket_alloc, socket)->vfs_inode;
	f->f_op = &socket_file_ops;
	f->f_flags = O_RDWR | (flags & O_NONBLOCK);
	f->f_mode = FMODE_READ | FMODE_WRITE | FMODE_STREAM;
	f->f_count = 1;
	mutex_init(&f->f_pos_lock);
	f->private_data = sock;
	sock->file = f;
	return f;
}

struct socket *sock_from_file(struct file *file)
{
	return file && file->f_op == &socket_file_ops ? file->private_data : NULL;
}

int sock_create(int family, int type, int protocol, struct socket **res)
{
	const struct net_proto_family *pf;
	struct socket *sock;
	int err;

	if (family < 0 || family >= NPROTO)
		return -EAFNOSUPPORT;
	if (type < SOCK_STREAM || type > SOCK_PACKET)
		return -EINVAL;
	pf = get_family(family);
	if (!pf)
		return -EAFNOSUPPORT;
	sock = sock_alloc();
	err = -ENOMEM;
	if (!sock)
		goto put_family;
	sock->type = (short)type;
	sock->family = (short)family;
	sock->protocol = protocol;
	err = pf->create(sock, protocol);
	if (err)
		goto free_sock;
	if (!try_module_get(sock->ops->owner)) { /* the family's module is going away */
		sock->ops->release(sock);
		err = -EAFNOSUPPORT;
		goto free_sock;
	}
	module_put(pf->owner);
	*res = sock;
	return 0;

free_sock:
	sock->ops = NULL;
	sock_release(sock);
put_family:
	module_put(pf->owner);
	return err;
}

struct socket *sock_create_lite(const struct socket *parent)
{
	struct socket *sock = sock_alloc();

	if (!sock)
		return NULL;
	if (!try_module_get(parent->ops->owner)) {
		sock_release(sock);
		return NULL;
	}
	sock->type = parent->type;
	sock->family = parent->family;
	sock->protocol = parent->protocol;
	sock->ops = parent->ops;
	return sock;
}
