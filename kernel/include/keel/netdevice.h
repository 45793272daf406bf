/*
 * Network devices, after Linux's <linux/netdevice.h>: what a NIC driver fills in and
 * registers, how frames go out (dev_queue_xmit -> ndo_start_xmit) and come in (netif_rx ->
 * the backlog thread -> the handler dev_add_pack registered for the ethertype). See docs/net.md.
 *
 * Locking: rtnl_lock() (a mutex, task context) serialises registration, configuration and
 * walking the device list; the transmit path takes the device's tx_lock (IRQ-safe spinlock);
 * receive handlers run one at a time in the "netrx" kernel thread.
 */
#ifndef KEEL_NETDEVICE_H
#define KEEL_NETDEVICE_H

#include <keel/if.h> /* IFNAMSIZ, IFF_* */
#include <keel/if_ether.h>
#include <keel/list.h>
#include <keel/skbuff.h>
#include <keel/spinlock.h>
#include <keel/types.h>
#include <keel/wait.h>

/* What ndo_start_xmit returns. */
typedef enum netdev_tx {
	NETDEV_TX_OK = 0,    /* the driver took the skb (sent, queued or freed) */
	NETDEV_TX_BUSY = 16, /* ring full: the skb is still the caller's (a driver bug, really) */
} netdev_tx_t;

struct net_device_stats {
	unsigned long rx_packets, tx_packets, rx_bytes, tx_bytes;
	unsigned long rx_errors, tx_errors, rx_dropped, tx_dropped;
	unsigned long rx_fifo_errors, tx_fifo_errors, rx_frame_errors, multicast;
	unsigned long collisions, tx_carrier_errors, rx_length_errors, rx_crc_errors;
};

struct net_device;

/* One link-layer multicast address a device is to receive (Linux's struct netdev_hw_addr). */
struct netdev_hw_addr {
	struct list_head list;
	u8 addr[ETH_ALEN];
	int refcount;                  /* dev_mc_add calls not undone yet, the global one too */
	bool global_use;               /* added by `ip maddr add` (dev_mc_add_global) */
};

struct netdev_hw_addr_list {
	struct list_head list;         /* of netdev_hw_addr, in the order added */
	int count;
};

/* The driver's side. All are called with rtnl held, in task context, except ndo_start_xmit. */
struct net_device_ops {
	/* Brings the hardware up (rings, IRQ). 0 or -errno; the device stays down on error. */
	int (*ndo_open)(struct net_device *dev);
	/* Stops it: no interrupts, no DMA, every skb freed once it returns. 0 or -errno. */
	int (*ndo_stop)(struct net_device *dev);
	/* Sends skb (owns it from now on) under dev->tx_lock, IRQs off: must not sleep. */
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	/* Applies dev->flags' IFF_PROMISC/IFF_ALLMULTI and the multicast list (dev->mc, walked
	 * with netdev_for_each_mc_addr) to the hardware's filters; only while the device is up.
	 * Must not sleep for long (it may busy-wait); may be NULL. */
	void (*ndo_set_rx_mode)(struct net_device *dev);
};

struct net_device {
	char name[IFNAMSIZ];           /* eth0, eth1, lo: given by register_netdev */
	struct list_head dev_list;     /* on the global list, rtnl held */
	unsigned int flags;            /* IFF_* */
	unsigned int mtu;
	unsigned int min_mtu, max_mtu; /* what SIOCSIFMTU may set (ether_setup: 68..1500) */
	unsigned int tx_queue_len;     /* SIOCGIFTXQLEN: 1000 as Linux's (reported only) */
	unsigned short type;           /* ARPHRD_ETHER or ARPHRD_LOOPBACK */
	u8 dev_addr[ETH_ALEN];
	u8 broadcast[ETH_ALEN];
	int ifindex;
	const struct net_device_ops *netdev_ops;
	struct net_device_stats stats; /* the driver counts; the core adds its drops */
	spinlock_t tx_lock;            /* held around ndo_start_xmit */
	unsigned long state;           /* __LINK_STATE_* bits, under tx_lock or atomic */
	bool registered;
	bool unregistering;            /* no new transmits or received frames */
	struct sk_buff_head backlog;   /* received, waiting for the netrx thread */
	struct list_head poll_list;    /* on the netrx thread's list while backlog has frames */
	/* The device's IPv4 configuration (big-endian, 0: none), set by `ip addr add`, `ip route
	 * add` or `dhcp`; lwip.ko's netif follows it. One address per device. */
	u32 ip_addr;
	u8 ip_prefixlen;
	u32 ip_broadcast;              /* SIOCGIFBRDADDR: set with the netmask by ifconfig, or 0 */
	u32 ip_gateway;                /* the default route's gateway through this device */
	struct netdev_hw_addr_list mc; /* multicast addresses to receive; rtnl held */
	void *priv;                    /* netdev_priv(): the driver's area after this struct */
};

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

/* dev->state bits. */
#define __LINK_STATE_XOFF 0     /* netif_stop_queue */
#define __LINK_STATE_NOCARRIER 1

static inline void *netdev_priv(const struct net_device *dev) { return dev->priv; }

/*
 * A zeroed net_device with sizeof_priv bytes of driver data (netdev_priv()), set up by
 * setup (e.g. ether_setup). Task context. NULL when memory is short.
 */
struct net_device *alloc_netdev(size_t sizeof_priv, void (*setup)(struct net_device *dev));
/* Frees an unregistered (or never registered) device. Task context. */
void free_netdev(struct net_device *dev);

/*
 * Names dev (the first free ethN, or lo for a loopback), adds it to the list and makes it
 * visible to `ip link` and /proc/net/dev. Down until `ip link set NAME up`. Takes rtnl: task
 * context, rtnl not held. 0, -EINVAL (no ops or no ndo_start_xmit), -EEXIST (registered
 * already) or -ENFILE (no free name).
 */
int register_netdev(struct net_device *dev);
/*
 * Takes dev out: stops it (ndo_stop) when up, waits for transmits in flight and for the
 * netrx thread to leave its frames, frees its backlog. After it returns nothing in the core
 * refers to dev, so the driver may free_netdev(). Task context, rtnl not held.
 */
void unregister_netdev(struct net_device *dev);

void rtnl_lock(void);
void rtnl_unlock(void);
/* The device named name, or NULL. rtnl must be held (the device may go once released). */
struct net_device *__dev_get_by_name(const char *name);
/* The device with ifindex (>= 1), or NULL. rtnl must be held. Linux's __dev_get_by_index. */
struct net_device *__dev_get_by_index(int ifindex);
/* Iterates over registered devices in registration order, rtnl held. */
extern struct list_head net_device_list;
#define for_each_netdev(dev) list_for_each_entry(dev, &net_device_list, dev_list)

/*
 * Brings dev up or down (IFF_UP), as `ip link set` does. rtnl held. dev_open: 0 (also when up
 * already) or what ndo_open returned. dev_close: 0.
 */
int dev_open(struct net_device *dev);
int dev_close(struct net_device *dev);
/*
 * dev->flags plus IFF_RUNNING when the device is up and has carrier, computed rather than
 * stored (as Linux's dev_get_flags) so the interrupt handler never writes dev->flags. Any
 * context.
 */
unsigned int dev_get_flags(const struct net_device *dev);
/* Sets or clears IFF_PROMISC and tells the driver (ndo_set_rx_mode). rtnl held. */
void dev_set_promiscuity(struct net_device *dev, bool on);
/* Sets or clears IFF_ALLMULTI (every multicast frame, whatever the list), likewise. Unlike
 * Linux's, not counted: one switch, as `ip link set DEV allmulticast on|off`. rtnl held. */
void dev_set_allmulti(struct net_device *dev, bool on);

/*
 * The device's multicast list (Linux's net/core/dev_addr_lists.c): the link-layer multicast
 * addresses its filter lets in besides its own address and broadcast. Each change reprograms
 * the filter through ndo_set_rx_mode when the device is up (dev_open does it otherwise). All
 * take rtnl held, task context.
 *
 * dev_mc_add: one more user of addr (refcounted, as a stack joining a group). 0, -EINVAL
 * (addr is not a multicast address), -ENOMEM.
 * dev_mc_del: one user fewer; the address goes with its last. 0 or -ENOENT (not listed, or
 * only by `ip maddr add`).
 * dev_mc_add_global / dev_mc_del_global: the user's own entry (`ip maddr add|del`, Linux's
 * SIOCADDMULTI/SIOCDELMULTI): at most one per address, so adding it twice is one entry.
 * Same errors; dev_mc_del_global gives -ENOENT when the user never added addr.
 * dev_mc_flush: forgets every address (unregister_netdev calls it).
 */
int dev_mc_add(struct net_device *dev, const u8 *addr);
int dev_mc_del(struct net_device *dev, const u8 *addr);
int dev_mc_add_global(struct net_device *dev, const u8 *addr);
int dev_mc_del_global(struct net_device *dev, const u8 *addr);
void dev_mc_flush(struct net_device *dev);
static inline int netdev_mc_count(const struct net_device *dev) { return dev->mc.count; }
static inline bool netdev_mc_empty(const struct net_device *dev) { return !dev->mc.count; }
/* Walks dev's multicast list (ha: struct netdev_hw_addr *), rtnl held. */
#define netdev_for_each_mc_addr(ha, dev) list_for_each_entry(ha, &(dev)->mc.list, list)

/*
 * Sends skb (a complete frame with its Ethernet header, skb->dev set) through its device.
 * Always consumes skb. Returns 0 when the driver took it; -ENETDOWN when the device is down
 * or going away, -ENOBUFS when its queue is stopped (ring full), -EMSGSIZE when the frame is
 * longer than the MTU allows; each drop counted in tx_dropped. Any context but hard IRQ.
 */
int dev_queue_xmit(struct sk_buff *skb);

/* Queue control for drivers; any context (IRQ included). */
void netif_stop_queue(struct net_device *dev);
void netif_wake_queue(struct net_device *dev);
bool netif_queue_stopped(const struct net_device *dev);

/*
 * Hands a received frame (skb->data at the Ethernet header, skb->dev set) to the core, which
 * owns it from now on. Any context, IRQ included. Returns NET_RX_SUCCESS or NET_RX_DROP (the
 * device is going away or its backlog is full: counted in rx_dropped, skb freed).
 */
int netif_rx(struct sk_buff *skb);
#define NET_RX_SUCCESS 0
#define NET_RX_DROP 1

/* Link state from the driver's interrupt or poll (the driver prints the message). Any context. */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
bool netif_carrier_ok(const struct net_device *dev);

/*
 * Protocol handlers (Linux's struct packet_type): func gets every received frame whose
 * ethertype is type (host order; ETH_P_ALL: every frame), skb->data past the Ethernet header
 * (which is still in the headroom), and owns the skb (must free it): when several handlers
 * match, each gets its own copy. Called in the netrx thread, one frame at a time: may take
 * mutexes and call dev_queue_xmit, must not wait for other received frames.
 */
struct packet_type {
	u16 type;
	int (*func)(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
	/* An ETH_P_ALL tap also gets a copy of every frame sent (pkt_type PACKET_OUTGOING),
	 * except those whose skb->sk is this (a packet socket's own), as Linux's. */
	const void *af_packet_priv;
	struct list_head list;
};
/* Task context. dev_remove_pack returns once func runs no more. */
void dev_add_pack(struct packet_type *pt);
void dev_remove_pack(struct packet_type *pt);

/*
 * Netdevice notifiers (Linux's register_netdevice_notifier): a stack that keeps state per
 * device (lwip.ko's netif) hears of devices coming and going. notifier_call(nb, event, dev)
 * runs with rtnl held, in task context, may sleep, and returns NOTIFY_DONE. Events:
 * NETDEV_REGISTER (after register_netdev listed dev), NETDEV_UP (dev_open succeeded),
 * NETDEV_DOWN (dev_close stopped it), NETDEV_UNREGISTER (unregister_netdev, the device closed
 * and still listed; after the call no one may keep a pointer to it). Carrier changes come
 * from interrupts and are not notified: poll netif_carrier_ok().
 */
#define NETDEV_UP 0x1
#define NETDEV_DOWN 0x2
#define NETDEV_REGISTER 0x5
#define NETDEV_UNREGISTER 0x6
#define NOTIFY_DONE 0
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long event, void *data);
	struct list_head list;
};
/*
 * Adds nb and replays NETDEV_REGISTER (then NETDEV_UP for up devices) for every registered
 * device, as Linux does, so the caller sees each device once whatever the order of loading.
 * Returns 0. Task context; takes rtnl.
 */
int register_netdevice_notifier(struct notifier_block *nb);
/* Replays NETDEV_DOWN (up devices) and NETDEV_UNREGISTER for every device, then removes nb. */
void unregister_netdevice_notifier(struct notifier_block *nb);

/* Frames received and not taken by any handler, counted for `ip -s`-like reports. */
extern unsigned long net_rx_unhandled;

void net_init(void); /* boot: the netrx thread, lo, /proc/net/dev, the ip command */

#endif
