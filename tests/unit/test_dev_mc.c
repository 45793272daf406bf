/*
 * Host unit test for the device multicast lists (kernel/net/dev_addr_lists.c): refcounted
 * stack users, the user's single global entry kept apart from them (Linux's global_use),
 * refusals (unicast, absent, a stack delete of the user's entry and the reverse), the
 * driver's ndo_set_rx_mode called on each change only while up, no leak after a flush; and
 * ether_crc's MAR index against the RTL8139's known hash of 01:00:5e:00:00:01.
 */
/* UNIT_SOURCES: kernel/net/dev_addr_lists.c */
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include "kernel_fakes.h"
#include "unit.h"

static int rx_mode_calls;

static void fake_set_rx_mode(struct net_device *dev) { rx_mode_calls++; }
static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev) { return NETDEV_TX_OK; }

static const struct net_device_ops fake_ops = {
	.ndo_start_xmit = fake_xmit,
	.ndo_set_rx_mode = fake_set_rx_mode,
};

static const u8 group[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
static const u8 other[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x7f, 0x0a, 0x0b };
static const u8 unicast[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct netdev_hw_addr *first(struct net_device *dev)
{
	return list_first_entry(&dev->mc.list, struct netdev_hw_addr, list);
}

static void test_refcounts(struct net_device *dev)
{
	CHECK_INT(dev_mc_add(dev, unicast), -EINVAL);
	CHECK_INT(dev_mc_del(dev, group), -ENOENT);
	CHECK_INT(dev_mc_add(dev, group), 0);
	CHECK_INT(dev_mc_add(dev, group), 0);
	CHECK_INT(netdev_mc_count(dev), 1);
	CHECK_INT(first(dev)->refcount, 2);
	CHECK_INT(rx_mode_calls, 1); /* a new address only */
	CHECK_INT(dev_mc_del(dev, group), 0);
	CHECK_INT(netdev_mc_count(dev), 1);
	CHECK_INT(dev_mc_del(dev, group), 0);
	CHECK(netdev_mc_empty(dev));
	CHECK_INT(rx_mode_calls, 2);
}

static void test_global_entry(struct net_device *dev)
{
	CHECK_INT(dev_mc_add_global(dev, group), 0);
	CHECK_INT(dev_mc_add_global(dev, group), 0); /* one entry however often */
	CHECK_INT(first(dev)->refcount, 1);
	CHECK_INT(dev_mc_del(dev, group), -ENOENT);  /* the stack's delete is not the user's */
	CHECK_INT(dev_mc_add(dev, group), 0);
	CHECK_INT(first(dev)->refcount, 2);
	CHECK(first(dev)->global_use);
	CHECK_INT(dev_mc_del_global(dev, group), 0);
	CHECK_INT(dev_mc_del_global(dev, group), -ENOENT);
	CHECK_INT(netdev_mc_count(dev), 1);          /* the stack's user keeps it */
	CHECK(!first(dev)->global_use);
	CHECK_INT(dev_mc_del(dev, group), 0);
	CHECK(netdev_mc_empty(dev));
}

static void test_down_and_flush(struct net_device *dev)
{
	int calls;

	dev->flags &= ~(unsigned int)IFF_UP;
	calls = rx_mode_calls;
	CHECK_INT(dev_mc_add(dev, group), 0);
	CHECK_INT(dev_mc_add_global(dev, other), 0);
	CHECK_INT(rx_mode_calls, calls); /* down: dev_open programs the filter */
	CHECK_INT(netdev_mc_count(dev), 2);
	dev_mc_flush(dev);
	CHECK(netdev_mc_empty(dev));
	CHECK(list_empty(&dev->mc.list));
}

static void test_ether_crc(void)
{
	/* 01:00:5e:00:00:01 is MAR bit 31 (as QEMU's rtl8139 and test_net.py find it); the
	 * check value of "123456789" is the reflected CRC-32's (0xcbf43926, zlib's), not
	 * inverted and bit-reversed: ether_crc feeds each byte's bits low first. */
	const u8 all_hosts[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	CHECK_UINT(ether_crc(ETH_ALEN, all_hosts) >> 26, 31);
	CHECK_UINT(ether_crc(9, (const u8 *)"123456789"), 0x9b63d02cu);
	CHECK(ether_crc(ETH_ALEN, group) >> 26 != ether_crc(ETH_ALEN, other) >> 26);
}

int main(void)
{
	struct net_device dev = { .netdev_ops = &fake_ops, .flags = IFF_UP };

	INIT_LIST_HEAD(&dev.mc.list);
	test_refcounts(&dev);
	test_global_entry(&dev);
	test_down_and_flush(&dev);
	CHECK_INT(heap_blocks, 0);
	test_ether_crc();
	return unit_summary();
}
