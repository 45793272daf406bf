/*
 * The shell's `ping [-c N] HOST` through lwIP: an ICMP raw pcb sends echo requests a second
 * apart and picks out the replies to them (before lwIP's own ICMP code sees them), printing
 * busybox ping's lines and summary.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "lwip_port.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#define PING_ID 0x4b45     /* "KE": ours among other echo replies */
#define PING_DATA_LEN 56   /* busybox's default: 64 bytes with the ICMP header */
#define PING_LEN (sizeof(struct icmp_echo_hdr) + PING_DATA_LEN)

/* The request being answered; written under lwip_core_lock. */
struct ping_state {
	ip4_addr_t peer;
	u16 seq;
	bool answered;
	u8 ttl;
	ktime_t when;
};

struct ping_stats {
	unsigned int sent, received;
	u64 min_us, max_us, sum_us;
};

/* Is p (from the IP header on) a good echo reply to st's request? */
static bool ping_is_reply(struct ping_state *st, struct pbuf *p, const ip_addr_t *addr, u8 *ttl)
{
	struct icmp_echo_hdr echo;
	struct ip_hdr iph;
	u16 hlen;
	bool ok;

	if (pbuf_copy_partial(p, &iph, sizeof(iph), 0) != sizeof(iph))
		return false;
	hlen = IPH_HL_BYTES(&iph);
	if (pbuf_copy_partial(p, &echo, sizeof(echo), hlen) != sizeof(echo) ||
	    echo.type != ICMP_ER || echo.id != PP_HTONS(PING_ID) ||
	    lwip_htons(echo.seqno) != st->seq || !ip4_addr_cmp(&st->peer, ip_2_ip4(addr)))
		return false;
	if (pbuf_remove_header(p, hlen))
		return false;
	ok = inet_chksum_pbuf(p) == 0;
	pbuf_add_header(p, hlen);
	*ttl = IPH_TTL(&iph);
	return ok;
}

static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct ping_state *st = arg;
	u8 ttl;

	if (st->answered || !ping_is_reply(st, p, addr, &ttl))
		return 0; /* not ours: lwIP's ICMP code and other pcbs see it */
	st->answered = true;
	st->ttl = ttl;
	st->when = ktime_get();
	pbuf_free(p);
	lwip_wake();
	return 1;
}

/* Sends request seq; lwip_core_lock held. 0 or -ENOMEM/-EHOSTUNREACH. */
static int ping_send(struct raw_pcb *pcb, struct ping_state *st, u16 seq)
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
	echo->seqno = lwip_htons(seq);
	for (unsigned int i = 0; i < PING_DATA_LEN; i++)
		((u8 *)(echo + 1))[i] = (u8)i;
	echo->chksum = 0;
	echo->chksum = inet_chksum(echo, PING_LEN);
	st->seq = seq;
	st->answered = false;
	ip_addr_copy_from_ip4(dest, st->peer);
	err = raw_sendto(pcb, p, &dest);
	pbuf_free(p);
	return err == ERR_OK ? 0 : err == ERR_MEM ? -ENOMEM : -EHOSTUNREACH;
}

static void ping_print(struct ping_stats *stats, struct ping_state *st, u64 us)
{
	char buf[16];

	stats->received++;
	stats->sum_us += us;
	stats->min_us = stats->received == 1 || us < stats->min_us ? us : stats->min_us;
	stats->max_us = us > stats->max_us ? us : stats->max_us;
	console_printf("%u bytes from %s: seq=%u ttl=%u time=%u.%03u ms\n", (unsigned int)PING_LEN,
		       ip4addr_ntoa_r(&st->peer, buf, sizeof(buf)), st->seq, st->ttl,
		       (unsigned int)(us / 1000), (unsigned int)(us % 1000));
}

/* One request and its reply (or a second's silence). 0, or -EINTR (Ctrl-C). */
static int ping_one(struct raw_pcb *pcb, struct ping_state *st, u16 seq, struct ping_stats *stats)
{
	ktime_t sent = ktime_get();
	long left;
	int err;
	u64 us;

	mutex_lock(&lwip_core_lock);
	err = ping_send(pcb, st, seq);
	mutex_unlock(&lwip_core_lock);
	if (!err)
		stats->sent++;
	left = wait_event_interruptible_timeout(lwip_waitq, READ_ONCE(st->answered), HZ);
	if (left < 0)
		return -EINTR;
	if (st->answered)
		ping_print(stats, st, (u64)ktime_us_delta(st->when, sent));
	/* busybox sends a request a second: sleep what is left of it */
	us = (u64)ktime_us_delta(ktime_get(), sent);
	if (us < 1000000 &&
	    wait_event_interruptible_timeout(lwip_waitq, false, usecs_to_jiffies(1000000 - us)) < 0)
		return -EINTR;
	return 0;
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
	struct ping_state st = { .peer = peer };
	struct ping_stats stats = { 0 };
	struct raw_pcb *pcb;
	char buf[16];
	int err = 0;

	mutex_lock(&lwip_core_lock);
	pcb = raw_new(IP_PROTO_ICMP);
	if (pcb)
		raw_recv(pcb, ping_recv, &st);
	mutex_unlock(&lwip_core_lock);
	if (!pcb)
		return -ENOMEM;
	console_printf("PING %s (%s): %u data bytes\n", name,
		       ip4addr_ntoa_r(&peer, buf, sizeof(buf)), PING_DATA_LEN);
	for (unsigned int seq = 0; seq < count && !err; seq++)
		err = ping_one(pcb, &st, (u16)seq, &stats);
	mutex_lock(&lwip_core_lock);
	raw_remove(pcb);
	mutex_unlock(&lwip_core_lock);
	ping_summary(name, &stats);
	return stats.received ? 0 : 1;
}

static int cmd_ping(int argc, char **argv)
{
	unsigned int count = 4;
	ip4_addr_t peer;
	int err;

	if (argc == 4 && !strcmp(argv[1], "-c") && !kstrtouint(argv[2], 10, &count) && count)
		argv += 2;
	else if (argc != 2)
		return -EINVAL;
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
