/*
 * The shell's `ping [-c N] HOST` through lwIP: an ICMP raw pcb sends echo requests a second
 * apart and picks out the replies to them (before lwIP's own ICMP code sees them), printing
 * busybox ping's lines and summary. As busybox, a late reply is printed when it comes, and
 * after the last request ping waits up to 10 s for the missing replies.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#define PING_ID 0x4b45     /* "KE": ours among other echo replies */
#define PING_DATA_LEN 56   /* busybox's default: 64 bytes with the ICMP header */
#define PING_LEN (sizeof(struct icmp_echo_hdr) + PING_DATA_LEN)

#define PING_WINDOW 64       /* requests a late reply is still matched to */
#define PING_MAXWAIT_MS 10000 /* busybox's MAXWAIT: after the last request */

struct ping_reply {
	u16 seq;
	u8 ttl;
	u32 us;
};

/* The requests in flight and the replies not yet printed; under lwip_core_lock. */
struct ping_state {
	ip4_addr_t peer;
	u16 sent;                           /* requests sent (the next sequence number) */
	ktime_t sent_at[PING_WINDOW];
	bool answered[PING_WINDOW];
	struct ping_reply replies[16];      /* waiting to be printed */
	unsigned int nr_replies;
};

struct ping_stats {
	unsigned int sent, received;
	u64 min_us, max_us, sum_us;
};

/* The sequence number of p (from the IP header on) if it is a good echo reply from st's
 * peer to one of our requests in the window, else -1; its TTL in *ttl. */
static int ping_reply_seq(struct ping_state *st, struct pbuf *p, const ip_addr_t *addr, u8 *ttl)
{
	struct icmp_echo_hdr echo;
	struct ip_hdr iph;
	u16 hlen, seq;
	bool ok;

	if (pbuf_copy_partial(p, &iph, sizeof(iph), 0) != sizeof(iph))
		return -1;
	hlen = IPH_HL_BYTES(&iph);
	if (pbuf_copy_partial(p, &echo, sizeof(echo), hlen) != sizeof(echo) ||
	    echo.type != ICMP_ER || echo.id != PP_HTONS(PING_ID) ||
	    !ip4_addr_cmp(&st->peer, ip_2_ip4(addr)))
		return -1;
	seq = lwip_htons(echo.seqno);
	if ((u16)(st->sent - seq) > PING_WINDOW || seq >= st->sent ||
	    st->answered[seq % PING_WINDOW] || pbuf_remove_header(p, hlen))
		return -1;
	ok = inet_chksum_pbuf(p) == 0;
	pbuf_add_header(p, hlen);
	*ttl = IPH_TTL(&iph);
	return ok ? seq : -1;
}

static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct ping_state *st = arg;
	struct ping_reply *r;
	int seq;
	u8 ttl;

	seq = ping_reply_seq(st, p, addr, &ttl);
	if (seq < 0 || st->nr_replies == ARRAY_SIZE(st->replies))
		return 0; /* not ours: lwIP's ICMP code and other pcbs see it */
	st->answered[seq % PING_WINDOW] = true;
	r = &st->replies[st->nr_replies++];
	r->seq = (u16)seq;
	r->ttl = ttl;
	r->us = (u32)ktime_us_delta(ktime_get(), st->sent_at[seq % PING_WINDOW]);
	pbuf_free(p);
	lwip_wake();
	return 1;
}

/* Sends the next request; lwip_core_lock held. 0 or -ENOMEM/-EHOSTUNREACH. */
static int ping_send(struct raw_pcb *pcb, struct ping_state *st)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, PING_LEN, PBUF_RAM);
	struct icmp_echo_hdr *echo;
	ip_addr_t dest;
	err_t err;

	if (!p)
		return -ENOMEM;
	echo = p->payload;
	ICMPH_TYPE_SET(echo, ICMP_ECHO);
	ICMPH_CODE_SET(echo, 0);
	echo->id = PP_HTONS(PING_ID);
	echo->seqno = lwip_htons(st->sent);
	for (unsigned int i = 0; i < PING_DATA_LEN; i++)
		((u8 *)(echo + 1))[i] = (u8)i;
	echo->chksum = 0;
	echo->chksum = inet_chksum(echo, PING_LEN);
	st->sent_at[st->sent % PING_WINDOW] = ktime_get();
	st->answered[st->sent % PING_WINDOW] = false;
	st->sent++;
	lwip_netif_poll(); /* an `ip addr add` just made counts */
	ip_addr_copy_from_ip4(dest, st->peer);
	err = raw_sendto(pcb, p, &dest);
	pbuf_free(p);
	return err == ERR_OK ? 0 : err == ERR_MEM ? -ENOMEM : -EHOSTUNREACH;
}

/* Prints the replies that came in (busybox's line each). */
static void ping_print(struct ping_state *st, struct ping_stats *stats)
{
	struct ping_reply replies[ARRAY_SIZE(st->replies)];
	unsigned int n;
	char buf[16];

	mutex_lock(&lwip_core_lock);
	n = st->nr_replies;
	memcpy(replies, st->replies, n * sizeof(replies[0]));
	st->nr_replies = 0;
	mutex_unlock(&lwip_core_lock);
	for (unsigned int i = 0; i < n; i++) {
		u64 us = replies[i].us;

		stats->received++;
		stats->sum_us += us;
		stats->min_us = stats->received == 1 || us < stats->min_us ? us : stats->min_us;
		stats->max_us = us > stats->max_us ? us : stats->max_us;
		console_printf("%u bytes from %s: seq=%u ttl=%u time=%u.%03u ms\n",
			       (unsigned int)PING_LEN, ip4addr_ntoa_r(&st->peer, buf, sizeof(buf)),
			       replies[i].seq, replies[i].ttl, (unsigned int)(us / 1000),
			       (unsigned int)(us % 1000));
	}
}

/* Prints replies as they come until `until` (jiffies) or, if all, every request answered. */
static int ping_wait(struct ping_state *st, struct ping_stats *stats, unsigned long until,
		     bool all)
{
	for (;;) {
		long left = (long)(until - jiffies);

		ping_print(st, stats);
		if (left <= 0 || (all && stats->received == stats->sent))
			return 0;
		if (wait_event_interruptible_timeout(lwip_waitq, READ_ONCE(st->nr_replies),
						     left) < 0)
			return -EINTR;
	}
}

/* One request a second, as busybox; after the last, up to MAXWAIT for missing replies. */
static int ping_loop(struct raw_pcb *pcb, struct ping_state *st, unsigned int count,
		     struct ping_stats *stats)
{
	int err = 0;

	for (unsigned int i = 0; i < count && !err; i++) {
		unsigned long next = jiffies + HZ;

		mutex_lock(&lwip_core_lock);
		err = ping_send(pcb, st);
		if (err == 0)
			stats->sent++;
		mutex_unlock(&lwip_core_lock);
		if (err == -EHOSTUNREACH)
			return err; /* no route (device down, no address): as busybox's sendto */
		err = 0;
		if (i + 1 < count)
			err = ping_wait(st, stats, next, false);
	}
	if (!err)
		err = ping_wait(st, stats, jiffies + msecs_to_jiffies(PING_MAXWAIT_MS), true);
	return err;
}

static void ping_summary(const char *name, const struct ping_stats *st)
{
	unsigned int loss = st->sent ? (st->sent - st->received) * 100 / st->sent : 0;
	u64 avg = st->received ? st->sum_us / st->received : 0;

	console_printf("\n--- %s ping statistics ---\n", name);
	console_printf("%u packets transmitted, %u packets received, %u%% packet loss\n",
		       st->sent, st->received, loss);
	if (st->received)
		console_printf("round-trip min/avg/max = %u.%03u/%u.%03u/%u.%03u ms\n",
			       (unsigned int)(st->min_us / 1000), (unsigned int)(st->min_us % 1000),
			       (unsigned int)(avg / 1000), (unsigned int)(avg % 1000),
			       (unsigned int)(st->max_us / 1000), (unsigned int)(st->max_us % 1000));
}

static int ping_run(const char *name, ip4_addr_t peer, unsigned int count)
{
	struct ping_stats stats = { 0 };
	struct ping_state *st;
	struct raw_pcb *pcb;
	char buf[16];
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->peer = peer;
	mutex_lock(&lwip_core_lock);
	pcb = raw_new(IP_PROTO_ICMP);
	if (pcb)
		raw_recv(pcb, ping_recv, st);
	mutex_unlock(&lwip_core_lock);
	if (!pcb) {
		kfree(st);
		return -ENOMEM;
	}
	console_printf("PING %s (%s): %u data bytes\n", name,
		       ip4addr_ntoa_r(&peer, buf, sizeof(buf)), PING_DATA_LEN);
	err = ping_loop(pcb, st, count, &stats);
	mutex_lock(&lwip_core_lock);
	raw_remove(pcb);
	mutex_unlock(&lwip_core_lock);
	kfree(st);
	ping_summary(name, &stats);
	return err ? err : stats.received ? 0 : 1;
}

static int cmd_ping(int argc, char **argv)
{
	unsigned int count = 4;
	ip4_addr_t peer;
	int err;

	if (argc == 4 && !strcmp(argv[1], "-c")) {
		if (kstrtouint(argv[2], 10, &count) || !count) {
			console_printf("ping: bad count '%s'\n", argv[2]);
			return 1;
		}
		argv += 2;
	} else if (argc != 2) {
		return -EINVAL;
	}
	err = lwip_resolve(argv[1], &peer);
	if (err == -EINVAL || err == -EHOSTUNREACH) {
		console_printf("ping: bad address '%s'\n", argv[1]);
		return 1;
	}
	return err ? err : ping_run(argv[1], peer, count);
}

static const struct shell_command ping_command = {
	.name = "ping",
	.usage = "ping [-c count] HOST",
	.help = "send ICMP echo requests through lwIP, print the replies",
	.run = cmd_ping,
};

int lwip_ping_init(void) { return shell_register_command(&ping_command); }
void lwip_ping_exit(void) { shell_unregister_command(&ping_command); }
