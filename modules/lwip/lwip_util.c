/*
 * What the shell commands share: one wait queue that lwIP callbacks wake (commands sleep on
 * it with lwip_core_lock released), and host names resolved through lwIP's DNS client, whose
 * servers are /etc/resolv.conf's (the file every user-space resolver reads; `dhcp` writes it
 * from the lease as busybox udhcpc's script does).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/stat.h>
#include <keel/string.h>
#include <keel/jiffies.h>
#include <keel/sched.h>
#include "lwip_port.h"
#include "lwip/dns.h"

#define RESOLVE_TIMEOUT_MS 10000
#define RESOLV_CONF "/etc/resolv.conf"
#define RESOLV_CONF_MAX 4096

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

/* The address after "nameserver" on line, or false. */
static bool resolv_conf_line(char *line, ip4_addr_t *addr)
{
	char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "nameserver", 10) || (p[10] != ' ' && p[10] != '\t'))
		return false;
	p += 10;
	while (*p == ' ' || *p == '\t')
		p++;
	line = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '#')
		p++;
	*p = '\0';
	return ip4addr_aton(line, addr);
}

/* Gives lwIP the name servers /etc/resolv.conf lists (none: lookups fail); without the
 * file, the servers DHCP gave stay. lwip_core_lock not held. */
static void resolv_conf_load(void)
{
	ip4_addr_t servers[DNS_MAX_SERVERS];
	unsigned int n = 0;
	char *data, *line;
	size_t size;

	if (kernel_read_file_from_path(RESOLV_CONF, (void **)&data, &size, RESOLV_CONF_MAX))
		return;
	for (char *next = data; (line = strsep(&next, "\n")) && n < DNS_MAX_SERVERS;)
		if (resolv_conf_line(line, &servers[n]))
			n++;
	kfree(data);
	mutex_lock(&lwip_core_lock);
	for (unsigned int i = 0; i < DNS_MAX_SERVERS; i++) {
		ip_addr_t ip;

		ip_addr_copy_from_ip4(ip, i < n ? servers[i] : *IP4_ADDR_ANY4);
		dns_setserver((u8_t)i, &ip);
	}
	mutex_unlock(&lwip_core_lock);
}

void lwip_resolv_conf_write(const ip4_addr_t *servers, unsigned int n)
{
	struct file *f;
	char line[32], a[16];
	int len;

	if (!n)
		return;
	f = vfs_open(RESOLV_CONF, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (IS_ERR(f)) {
		pr_warn("lwip: cannot write %s (error %ld)\n", RESOLV_CONF, PTR_ERR(f));
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		len = snprintf(line, sizeof(line), "nameserver %s\n",
			       ip4addr_ntoa_r(&servers[i], a, sizeof(a)));
		vfs_write(f, line, (size_t)len);
	}
	fput(f);
}

int lwip_resolve(const char *host, ip4_addr_t *addr)
{
	struct resolve_state *st;
	ip_addr_t found;
	err_t err;
	int ret;

	if (ip4addr_aton(host, addr))
		return 0;
	resolv_conf_load();
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
