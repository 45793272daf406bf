/*
 * What the shell commands share: one wait queue that lwIP callbacks wake (commands sleep on
 * it with lwip_core_lock released), and host names resolved through lwIP's DNS client.
 */
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/sched.h>
#include "lwip_port.h"
#include "lwip/dns.h"

#define RESOLVE_TIMEOUT_MS 10000

DECLARE_WAIT_QUEUE_HEAD(lwip_waitq);

void lwip_wake(void)
{
	wake_up_all(&lwip_waitq);
}

/*
 * A lookup's state lives in lwIP's heap: lwIP's DNS client cannot forget a callback, so a
 * lookup given up (Ctrl-C, timeout) leaves it orphaned for the callback to free, or for the
 * unload to free with the rest of lwIP's heap.
 */
struct resolve_state {
	bool done, found, orphaned;
	ip4_addr_t addr;
};

static void resolve_found(const char *name, const ip_addr_t *ipaddr, void *arg)
{
	struct resolve_state *st = arg;

	if (st->orphaned) {
		lwip_port_free(st);
		return;
	}
	if (ipaddr) {
		st->addr = *ip_2_ip4(ipaddr);
		st->found = true;
	}
	st->done = true;
	lwip_wake();
}

/* Waits for the answer; lwip_core_lock held on entry and on return. */
static int resolve_wait(struct resolve_state *st, ip4_addr_t *addr)
{
	long left;
	int ret;

	mutex_unlock(&lwip_core_lock);
	left = wait_event_interruptible_timeout(lwip_waitq, READ_ONCE(st->done),
						msecs_to_jiffies(RESOLVE_TIMEOUT_MS));
	mutex_lock(&lwip_core_lock);
	if (!st->done) {
		st->orphaned = true;
		return left < 0 ? -EINTR : -EHOSTUNREACH;
	}
	ret = st->found ? 0 : -EHOSTUNREACH;
	*addr = st->addr;
	lwip_port_free(st);
	return ret;
}

int lwip_resolve(const char *host, ip4_addr_t *addr)
{
	struct resolve_state *st;
	ip_addr_t found;
	err_t err;
	int ret;

	if (ip4addr_aton(host, addr))
		return 0;
	mutex_lock(&lwip_core_lock);
	st = lwip_port_calloc(1, sizeof(*st));
	if (!st) {
		mutex_unlock(&lwip_core_lock);
		return -ENOMEM;
	}
	err = dns_gethostbyname(host, &found, resolve_found, st);
	if (err == ERR_INPROGRESS) {
		ret = resolve_wait(st, addr);
	} else {
		lwip_port_free(st);
		ret = err == ERR_OK ? 0 : -EINVAL;
		if (!ret)
			*addr = *ip_2_ip4(&found);
	}
	mutex_unlock(&lwip_core_lock);
	return ret;
}
