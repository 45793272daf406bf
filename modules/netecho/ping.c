/*
 * The shell's `ping [-c N] A.B.C.D`, with busybox's output: ARP-resolves the peer on the
 * device whose subnet holds it, sends N echo requests a second apart, prints each reply and
 * the summary. Replies come from icmp.c (the netrx thread) through ping_echo_reply.
 */
#include <keel/checksum.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/inet.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/shell.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "netecho.h"

#define PING_ID 0x4b45     /* "KE": ours among other echo replies */
#define PING_DATA_LEN 56   /* busybox's default: 64 bytes with the ICMP header */

static DEFINE_SPINLOCK(ping_lock);
static DECLARE_WAIT_QUEUE_HEAD(ping_wait);
static struct {
	u32 peer;
	int seq;           /* the sequence waited for; -1: none */
	bool answered;
	u8 ttl;
	ktime_t when;
} ping_state = { .seq = -1 };

struct ping_stats {
	unsigned int sent, received;
	u64 min_us, max_us, sum_us;
};

void ping_echo_reply(const struct iphdr *iph, const struct icmphdr *icmp)
{
	unsigned long flags;

	spin_lock_irqsave(&ping_lock, flags);
	if (icmp->id == htons(PING_ID) && ping_state.seq == ntohs(icmp->sequence) &&
	    iph->saddr == ping_state.peer && !ping_state.answered) {
		ping_state.answered = true;
		ping_state.ttl = iph->ttl;
		ping_state.when = ktime_get();
	}
	spin_unlock_irqrestore(&ping_lock, flags);
	wake_up_all(&ping_wait);
}

/* The up device whose subnet holds addr; rtnl held. */
static struct net_device *ping_route(u32 addr)
{
	struct net_device *dev;

	for_each_netdev(dev) {
		u32 mask = dev->ip_prefixlen ? htonl(~0u << (32 - dev->ip_prefixlen)) : 0;

		if ((dev->flags & IFF_UP) && dev->ip_addr && !(dev->flags & IFF_LOOPBACK) &&
		    ((dev->ip_addr ^ addr) & mask) == 0)
			return dev;
	}
	return NULL;
}

static int ping_send(struct net_device *dev, u32 addr, const u8 *mac, u16 seq)
{
	struct sk_buff *skb = ip_alloc_skb(dev, sizeof(struct icmphdr) + PING_DATA_LEN);
	struct icmphdr *icmp;
	unsigned long flags;
	u8 *data;

	if (!skb)
		return -ENOMEM;
	icmp = skb_put(skb, sizeof(*icmp));
	data = skb_put(skb, PING_DATA_LEN);
	for (unsigned int i = 0; i < PING_DATA_LEN; i++)
		data[i] = (u8)i;
	icmp->type = ICMP_ECHO;
	icmp->code = 0;
	icmp->id = htons(PING_ID);
	icmp->sequence = htons(seq);
	icmp->checksum = 0;
	icmp->checksum = ip_compute_csum(icmp, skb->len);
	spin_lock_irqsave(&ping_lock, flags);
	ping_state.peer = addr;
	ping_state.seq = seq;
	ping_state.answered = false;
	spin_unlock_irqrestore(&ping_lock, flags);
	return ip_send(skb, addr, mac);
}

/* One request and its reply (or a second's silence). 0, or -ERESTARTSYS (Ctrl-C). */
static int ping_one(struct net_device *dev, u32 addr, const u8 *mac, u16 seq,
		    struct ping_stats *st, const char *name)
{
	ktime_t sent = ktime_get();
	long left;
	u64 us;

	if (ping_send(dev, addr, mac, seq) == 0)
		st->sent++;
	left = wait_event_interruptible_timeout(ping_wait, ping_state.answered, HZ);
	if (left < 0)
		return (int)left;
	if (!ping_state.answered)
		return 0;
	us = (u64)ktime_us_delta(ping_state.when, sent);
	st->received++;
	st->sum_us += us;
	st->min_us = st->received == 1 || us < st->min_us ? us : st->min_us;
	st->max_us = us > st->max_us ? us : st->max_us;
	console_printf("%u bytes from %s: seq=%u ttl=%u time=%u.%03u ms\n",
		       (unsigned int)(sizeof(struct icmphdr) + PING_DATA_LEN), name, seq,
		       ping_state.ttl, (unsigned int)(us / 1000), (unsigned int)(us % 1000));
	/* busybox sends a request a second: sleep what is left of it */
	us = (u64)ktime_us_delta(ktime_get(), sent);
	if (us < 1000000)
		wait_event_interruptible_timeout(ping_wait, false, usecs_to_jiffies(1000000 - us));
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

/* Sends count requests through dev; rtnl held so dev stays. */
static int ping_run(struct net_device *dev, u32 addr, unsigned int count, const char *name)
{
	struct ping_stats st = { 0 };
	u8 mac[ETH_ALEN];
	int err;

	err = arp_resolve(dev, addr, mac);
	if (err)
		return err;
	console_printf("PING %s (%s): %u data bytes\n", name, name, PING_DATA_LEN);
	for (unsigned int seq = 0; seq < count && !err; seq++)
		err = ping_one(dev, addr, mac, (u16)seq, &st, name);
	ping_state.seq = -1;
	ping_summary(name, &st);
	return st.received ? 0 : 1;
}

static int cmd_ping(int argc, char **argv)
{
	unsigned int count = 4;
	struct net_device *dev;
	u32 addr;
	int err;

	if (argc == 4 && !strcmp(argv[1], "-c") && !kstrtouint(argv[2], 10, &count) && count)
		argv += 2;
	else if (argc != 2)
		return -EINVAL;
	if (inet_pton4(argv[1], &addr))
		return -EINVAL;
	rtnl_lock();
	dev = ping_route(addr);
	err = dev ? ping_run(dev, addr, count, argv[1]) : -ENETUNREACH;
	rtnl_unlock();
	return err;
}

static const struct shell_command ping_command = {
	.name = "ping",
	.usage = "ping [-c count] A.B.C.D",
	.help = "send ICMP echo requests (netecho.ko, until lwIP)",
	.run = cmd_ping,
};

int ping_init(void) { return shell_register_command(&ping_command); }
void ping_exit(void) { shell_unregister_command(&ping_command); }
