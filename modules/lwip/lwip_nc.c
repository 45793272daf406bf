/*
 * The shell's `nc`, a small netcat over lwIP's TCP: `nc HOST PORT` connects, `nc -l PORT`
 * waits for one connection. What arrives is written to the console (so `> FILE` saves it);
 * `< FILE` (read by nc itself: the shell redirects output only) is sent, then a FIN. nc ends
 * when the peer has closed and all was written, `-q SECS` after the end of FILE (a peer that
 * never closes, such as QEMU's guestfwd), on a reset, or on Ctrl-C (the connection is reset). The connection's callbacks run under lwip_core_lock and only queue and wake.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/jiffies.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/stat.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/tcp.h"

#define NC_CHUNK 16384

struct nc_conn {
	struct tcp_pcb *pcb;        /* NULL once lwIP freed it (reset) */
	struct tcp_pcb *listener;
	struct pbuf *rx;            /* received, not yet written out */
	bool connected, peer_closed;
	err_t err;                  /* from nc_error: ERR_RST, ERR_ABRT... */
	unsigned int events;        /* bumped by every callback */
	struct file *in;            /* `< FILE`, or NULL */
	char *out;                  /* a chunk of it being sent */
	size_t out_len, out_off;
	bool in_done;
	int quit_secs;              /* -q: seconds after the input's end; -1: wait for the peer */
	unsigned long eof_at;       /* jiffies when the input ended */
};

static void nc_event(struct nc_conn *c)
{
	c->events++;
	lwip_wake();
}

static err_t nc_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct nc_conn *c = arg;

	if (!p)
		c->peer_closed = true;
	else if (c->rx)
		pbuf_cat(c->rx, p);
	else
		c->rx = p;
	nc_event(c);
	return ERR_OK;
}

static err_t nc_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	nc_event(arg);
	return ERR_OK;
}

static void nc_error(void *arg, err_t err)
{
	struct nc_conn *c = arg;

	c->pcb = NULL; /* lwIP has freed it */
	c->err = err;
	nc_event(c);
}

static void nc_attach(struct nc_conn *c, struct tcp_pcb *pcb)
{
	c->pcb = pcb;
	tcp_arg(pcb, c);
	tcp_recv(pcb, nc_recv);
	tcp_sent(pcb, nc_sent);
	tcp_err(pcb, nc_error);
}

static err_t nc_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct nc_conn *c = arg;

	c->connected = true;
	nc_event(c);
	return ERR_OK;
}

static err_t nc_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct nc_conn *c = arg;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (c->connected) { /* one connection, as netcat */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	nc_attach(c, pcb);
	c->connected = true;
	nc_event(c);
	return ERR_OK;
}

/* Copies up to NC_CHUNK received bytes to buf and opens the window by as much. */
static size_t nc_take(struct nc_conn *c, char *buf)
{
	u16 n;

	if (!c->rx)
		return 0;
	n = (u16)(c->rx->tot_len < NC_CHUNK ? c->rx->tot_len : NC_CHUNK);
	pbuf_copy_partial(c->rx, buf, n, 0);
	c->rx = pbuf_free_header(c->rx, n);
	if (c->pcb)
		tcp_recved(c->pcb, n);
	return n;
}

/* Queues what tcp_sndbuf allows of the pending chunk; true when something was queued. */
static bool nc_push(struct nc_conn *c)
{
	size_t n = c->out_len - c->out_off;

	if (!c->pcb || !n)
		return false;
	if (n > tcp_sndbuf(c->pcb))
		n = tcp_sndbuf(c->pcb);
	if (!n || tcp_write(c->pcb, c->out + c->out_off, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
		return false;
	c->out_off += n;
	tcp_output(c->pcb);
	return true;
}

/* Reads the next chunk of the input; sends the FIN at its end. lwip_core_lock not held. */
static int nc_refill(struct nc_conn *c)
{
	ssize_t n = vfs_read(c->in, c->out, NC_CHUNK);

	if (n < 0)
		return (int)n;
	c->out_len = (size_t)n;
	c->out_off = 0;
	if (n)
		return 0;
	c->in_done = true;
	c->eof_at = jiffies;
	mutex_lock(&lwip_core_lock);
	if (c->pcb)
		tcp_shutdown(c->pcb, 0, 1);
	mutex_unlock(&lwip_core_lock);
	return 0;
}

/* One round: output what arrived, send what we can. 1: progress, 0: none, <0: error. */
static int nc_step(struct nc_conn *c, char *buf)
{
	bool pushed;
	size_t n;

	mutex_lock(&lwip_core_lock);
	n = nc_take(c, buf);
	pushed = nc_push(c);
	mutex_unlock(&lwip_core_lock);
	if (n)
		console_write(buf, n);
	if (c->in && !c->in_done && c->out_off == c->out_len) {
		int err = nc_refill(c);

		return err ? err : 1;
	}
	return n || pushed;
}

/* Jiffies left before -q gives up on the peer (MAX_SCHEDULE_TIMEOUT: no limit). */
static long nc_quit_left(struct nc_conn *c)
{
	if (!c->in_done || c->quit_secs < 0)
		return MAX_SCHEDULE_TIMEOUT;
	return (long)(c->eof_at + (unsigned long)c->quit_secs * HZ - jiffies);
}

static bool nc_finished(struct nc_conn *c)
{
	if (!c->pcb || nc_quit_left(c) <= 0)
		return true;
	return c->peer_closed && !c->rx && (!c->in || c->in_done);
}

static int nc_transfer(struct nc_conn *c, char *buf)
{
	for (;;) {
		unsigned int seen = READ_ONCE(c->events);
		int ret = nc_step(c, buf);

		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (nc_finished(c))
			return c->pcb || c->err == ERR_OK ? 0 : -ECONNRESET;
		if (wait_event_interruptible_timeout(lwip_waitq, READ_ONCE(c->events) != seen,
						     nc_quit_left(c)) < 0)
			return -EINTR;
	}
}

/* Connects or listens. 0, -ENOMEM, -EADDRINUSE, -ECONNREFUSED, -EHOSTUNREACH, -EINTR. */
static int nc_open(struct nc_conn *c, bool listen, const ip4_addr_t *host, u16 port)
{
	struct tcp_pcb *pcb;
	ip_addr_t addr;
	err_t err = ERR_MEM;

	mutex_lock(&lwip_core_lock);
	lwip_netif_poll(); /* an `ip addr add` just made counts */
	pcb = tcp_new();
	if (pcb && listen) {
		err = tcp_bind(pcb, IP4_ADDR_ANY, port);
		c->listener = err == ERR_OK ? tcp_listen_with_backlog(pcb, 1) : NULL;
		if (!c->listener) {
			tcp_close(pcb);
			err = err == ERR_OK ? ERR_MEM : err;
		} else {
			tcp_arg(c->listener, c);
			tcp_accept(c->listener, nc_accept);
		}
	} else if (pcb) {
		nc_attach(c, pcb);
		ip_addr_copy_from_ip4(addr, *host);
		err = tcp_connect(pcb, &addr, port, nc_connected);
		if (err != ERR_OK) {
			tcp_abort(pcb);
			c->pcb = NULL;
		}
	}
	mutex_unlock(&lwip_core_lock);
	if (err != ERR_OK)
		return err == ERR_USE ? -EADDRINUSE : err == ERR_RTE ? -EHOSTUNREACH : -ENOMEM;
	if (wait_event_interruptible(lwip_waitq, READ_ONCE(c->connected) ||
				     (!READ_ONCE(c->pcb) && !listen)))
		return -EINTR;
	return c->connected ? 0 : -ECONNREFUSED;
}

/* Closes (or, on error, resets) the connection and the listener; frees what was queued. */
static void nc_close(struct nc_conn *c, bool reset)
{
	mutex_lock(&lwip_core_lock);
	if (c->pcb) {
		tcp_arg(c->pcb, NULL);
		tcp_recv(c->pcb, NULL);
		tcp_sent(c->pcb, NULL);
		tcp_err(c->pcb, NULL);
		if (reset || tcp_close(c->pcb) != ERR_OK)
			tcp_abort(c->pcb);
	}
	if (c->listener)
		tcp_close(c->listener);
	if (c->rx)
		pbuf_free(c->rx);
	mutex_unlock(&lwip_core_lock);
}

static int nc_run(struct nc_conn *c, bool listen, const ip4_addr_t *host, u16 port)
{
	char *buf = kmalloc(2 * NC_CHUNK, GFP_KERNEL);
	int err;

	if (!buf)
		return -ENOMEM;
	c->out = buf + NC_CHUNK;
	err = nc_open(c, listen, host, port);
	if (!err)
		err = nc_transfer(c, buf);
	nc_close(c, err != 0);
	kfree(buf);
	return err;
}

/* Options -l and -q SECS, then HOST PORT or (-l) PORT, then maybe "< FILE". */
static int nc_parse(int argc, char **argv, struct nc_conn *c, bool *listen, char **host,
		    u16 *port, char **in)
{
	unsigned int v;
	int i = 1;

	*listen = false;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-l"))
			*listen = true;
		else if (!strcmp(argv[i], "-q") && i + 1 < argc &&
			 !kstrtouint(argv[++i], 10, &v) && v <= 3600)
			c->quit_secs = (int)v;
		else
			return -EINVAL;
	}
	*host = *listen ? NULL : argv[i++];
	if (i >= argc)
		return -EINVAL;
	if (kstrtouint(argv[i], 10, &v) || !v || v > 0xffff) {
		console_printf("nc: bad port '%s'\n", argv[i]);
		return -ERANGE;
	}
	*port = (u16)v;
	*in = NULL;
	if (++i + 2 == argc && !strcmp(argv[i], "<"))
		*in = argv[i + 1];
	else if (i != argc)
		return -EINVAL;
	return 0;
}

static const struct shell_command nc_command;

static int cmd_nc(int argc, char **argv)
{
	struct nc_conn c = { .quit_secs = -1 };
	ip4_addr_t host;
	char *name, *in;
	bool listen;
	u16 port;
	int err;

	err = nc_parse(argc, argv, &c, &listen, &name, &port, &in);
	if (err == -ERANGE)
		return 1; /* the bad port is named */
	if (err)
		return shell_usage(&nc_command);
	if (!listen && lwip_resolve(name, &host)) {
		console_printf("nc: bad address '%s'\n", name);
		return 1;
	}
	if (in) {
		c.in = vfs_open(in, O_RDONLY, 0);
		if (IS_ERR(c.in)) {
			console_printf("nc: %s: cannot open (error %ld)\n", in, PTR_ERR(c.in));
			return 1;
		}
	}
	err = nc_run(&c, listen, &host, port);
	if (c.in)
		fput(c.in);
	return err;
}

static const struct shell_command nc_command = {
	.name = "nc",
	.usage = "nc [-q secs] HOST PORT [< FILE]\nnc -l [-q secs] PORT [< FILE]",
	.help = "TCP connection (lwIP): send FILE, print what arrives",
	.run = cmd_nc,
	.flags = SHELL_CMD_OWN_COUNT,
};

int lwip_nc_init(void) { return shell_register_command(&nc_command); }
void lwip_nc_exit(void) { shell_unregister_command(&nc_command); }
