/*
 * The loopback device "lo": every frame sent comes straight back in through netif_rx, so the
 * receive path can be exercised without a NIC. MTU 65536 as in Linux, always carrier on.
 */
#include <keel/etherdevice.h>
#include <keel/printk.h>
#include "net_internal.h"

static netdev_tx_t loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
	unsigned int len = skb->len;

	if (netif_rx(skb) == NET_RX_SUCCESS) {
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += len;
		dev->stats.rx_packets++;
		dev->stats.rx_bytes += len;
	}
	return NETDEV_TX_OK;
}

static const struct net_device_ops loopback_ops = {
	.ndo_start_xmit = loopback_xmit,
};

static void loopback_setup(struct net_device *dev)
{
	dev->type = ARPHRD_LOOPBACK;
	dev->mtu = 65536;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 65536;        /* an skb's largest */
	dev->tx_queue_len = 1000;
	dev->flags = IFF_LOOPBACK;
	dev->netdev_ops = &loopback_ops;
	dev->ip_addr = htonl(0x7f000001); /* 127.0.0.1/8 */
	dev->ip_prefixlen = 8;
}

void loopback_init(void)
{
	struct net_device *dev = alloc_netdev(0, loopback_setup);

	if (!dev || register_netdev(dev)) {
		pr_err("net: no loopback device\n");
		free_netdev(dev);
		return;
	}
	netif_carrier_on(dev);
	rtnl_lock();
	dev_open(dev);
	rtnl_unlock();
}
