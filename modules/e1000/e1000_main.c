/*
 * e1000.ko: the driver for Intel's 82540EM gigabit NIC (8086:100e), QEMU's default network
 * card on -M pc. Probe resets the chip and reads its MAC address; `ip link set eth0 up` (open)
 * builds the rings, turns on receive and transmit and the interrupt; down (stop) undoes it all
 * so an idle or unloaded driver holds no memory beyond its net_device. Ring handling is in
 * e1000_ring.c. Modelled on the manual, not on Linux's driver, which covers 20 chips.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/printk.h>
#include "e1000.h"

static const struct pci_device_id e1000_pci_tbl[] = {
	{ PCI_DEVICE(0x8086, 0x100e) }, /* 82540EM: QEMU's -device e1000 */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1000_pci_tbl);

/* One 16-bit word of the EEPROM through EERD; -ETIMEDOUT when the read never completes. */
static int e1000_read_eeprom(struct e1000_adapter *adapter, unsigned int word, u16 *val)
{
	ew32(adapter, E1000_EERD, E1000_EERD_START | word << E1000_EERD_ADDR_SHIFT);
	for (int i = 0; i < 1000; i++) {
		u32 eerd = er32(adapter, E1000_EERD);

		if (eerd & E1000_EERD_DONE) {
			*val = (u16)(eerd >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		udelay(5);
	}
	return -ETIMEDOUT;
}

/* The MAC from EEPROM words 0-2, or else what firmware left in RAL0/RAH0. */
static int e1000_read_mac(struct e1000_adapter *adapter, u8 *mac)
{
	u32 ral, rah;
	u16 w;

	for (unsigned int i = 0; i < 3; i++) {
		if (e1000_read_eeprom(adapter, i, &w))
			goto from_ral;
		mac[2 * i] = (u8)w;
		mac[2 * i + 1] = (u8)(w >> 8);
	}
	if (is_valid_ether_addr(mac))
		return 0;
from_ral:
	ral = er32(adapter, E1000_RAL0);
	rah = er32(adapter, E1000_RAH0);
	for (unsigned int i = 0; i < 4; i++)
		mac[i] = (u8)(ral >> (8 * i));
	mac[4] = (u8)rah;
	mac[5] = (u8)(rah >> 8);
	return is_valid_ether_addr(mac) ? 0 : -EADDRNOTAVAIL;
}

/* Global reset: every register back to its default, the rings and interrupts off. */
static int e1000_reset_hw(struct e1000_adapter *adapter)
{
	ew32(adapter, E1000_IMC, 0xffffffff);
	ew32(adapter, E1000_CTRL, er32(adapter, E1000_CTRL) | E1000_CTRL_RST);
	mdelay(1); /* the manual: wait before touching the chip again */
	for (int i = 0; i < 100; i++) {
		if (!(er32(adapter, E1000_CTRL) & E1000_CTRL_RST)) {
			ew32(adapter, E1000_IMC, 0xffffffff);
			(void)er32(adapter, E1000_ICR);
			return 0;
		}
		mdelay(1);
	}
	return -ETIMEDOUT;
}

/* Carrier from STATUS.LU, with Linux's messages when it changes. Any context. */
static void e1000_check_link(struct e1000_adapter *adapter)
{
	static const unsigned int speeds[] = { 10, 100, 1000, 1000 };
	struct net_device *netdev = adapter->netdev;
	u32 status = er32(adapter, E1000_STATUS);

	if ((status & E1000_STATUS_LU) && !netif_carrier_ok(netdev)) {
		pr_info("e1000: %s: link up, %u Mbps, %s duplex\n", netdev->name,
			speeds[(status >> E1000_STATUS_SPEED_SHIFT) & 3],
			(status & E1000_STATUS_FD) ? "full" : "half");
		netif_carrier_on(netdev);
	} else if (!(status & E1000_STATUS_LU) && netif_carrier_ok(netdev)) {
		pr_info("e1000: %s: link down\n", netdev->name);
		netif_carrier_off(netdev);
	}
}

static irqreturn_t e1000_intr(int irq, void *data)
{
	struct e1000_adapter *adapter = data;
	u32 icr = er32(adapter, E1000_ICR); /* reading clears it */

	(void)irq;
	if (!icr)
		return IRQ_NONE; /* the line is shared: someone else's */
	if (icr & E1000_ICR_LSC)
		e1000_check_link(adapter);
	if (icr & E1000_ICR_RXO)
		adapter->netdev->stats.rx_fifo_errors++;
	if (icr & (E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO))
		e1000_clean_rx(adapter);
	if (icr & E1000_ICR_TXDW)
		e1000_clean_tx(adapter);
	return IRQ_HANDLED;
}

/*
 * Unicast/multicast filtering from dev->flags and the multicast list: each listed address
 * sets one bit of the 4096-bit multicast table array, indexed by address bits 47:36 (the
 * hash RCTL.MO = 00 selects; the datasheet's "Multicast Table Array").
 */
static void e1000_set_rx_mode(struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	u32 rctl = er32(adapter, E1000_RCTL) & ~(E1000_RCTL_UPE | E1000_RCTL_MPE);
	u32 mta[E1000_MTA_SIZE] = { 0 };
	struct netdev_hw_addr *ha;

	if (netdev->flags & IFF_PROMISC)
		rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		rctl |= E1000_RCTL_MPE;
	netdev_for_each_mc_addr(ha, netdev) {
		unsigned int hash = ((ha->addr[4] >> 4) | (ha->addr[5] << 4)) & 0xfff;

		mta[hash >> 5] |= 1u << (hash & 31);
	}
	for (unsigned int i = 0; i < E1000_MTA_SIZE; i++)
		ew32(adapter, E1000_MTA + 4 * i, mta[i]);
	ew32(adapter, E1000_RCTL, rctl);
}

static void e1000_configure(struct e1000_adapter *adapter)
{
	const u8 *mac = adapter->netdev->dev_addr;

	ew32(adapter, E1000_CTRL, er32(adapter, E1000_CTRL) | E1000_CTRL_SLU | E1000_CTRL_ASDE);
	ew32(adapter, E1000_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	ew32(adapter, E1000_RAH0, mac[4] | mac[5] << 8 | E1000_RAH_AV);
	e1000_configure_rings(adapter);
	/* IPGT 10, IPGR1 8, IPGR2 6: the manual's values for copper 82540. */
	ew32(adapter, E1000_TIPG, 10 | 8 << 10 | 6 << 20);
	ew32(adapter, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | 0x0f << E1000_TCTL_CT_SHIFT |
		  0x40 << E1000_TCTL_COLD_SHIFT);
	ew32(adapter, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);
	e1000_set_rx_mode(adapter->netdev);
}

static int e1000_open(struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	int err;

	err = e1000_setup_rings(adapter);
	if (err)
		return err;
	e1000_configure(adapter);
	/* MSI when offered (the 82540EM QEMU emulates has none: INTx, maybe shared). */
	err = pci_alloc_irq_vectors(adapter->pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (err < 0)
		goto err_rings;
	err = request_irq(pci_irq_vector(adapter->pdev, 0), e1000_intr,
			  adapter->pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0, "e1000",
			  adapter);
	if (err)
		goto err_vectors;
	netif_wake_queue(netdev);
	ew32(adapter, E1000_IMS, E1000_ICR_TXDW | E1000_ICR_LSC | E1000_ICR_RXDMT0 |
		  E1000_ICR_RXO | E1000_ICR_RXT0);
	e1000_check_link(adapter);
	return 0;

err_vectors:
	pci_free_irq_vectors(adapter->pdev);
err_rings:
	e1000_reset_hw(adapter);
	e1000_free_rings(adapter);
	return err;
}

/* No interrupt, no DMA once it returns; then every skb is freed with the rings. */
static int e1000_stop(struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);

	ew32(adapter, E1000_IMC, 0xffffffff);
	ew32(adapter, E1000_RCTL, 0);
	ew32(adapter, E1000_TCTL, 0);
	(void)er32(adapter, E1000_STATUS); /* flush the posted writes */
	mdelay(2); /* let a DMA burst under way finish */
	free_irq(pci_irq_vector(adapter->pdev, 0), adapter);
	pci_free_irq_vectors(adapter->pdev);
	e1000_reset_hw(adapter);
	netif_stop_queue(netdev);
	e1000_free_rings(adapter);
	netif_carrier_off(netdev);
	return 0;
}

static const struct net_device_ops e1000_netdev_ops = {
	.ndo_open = e1000_open,
	.ndo_stop = e1000_stop,
	.ndo_start_xmit = e1000_xmit_frame,
	.ndo_set_rx_mode = e1000_set_rx_mode,
};

/* Maps BAR0, resets the chip and fills in the net_device; 0 or -errno. */
static int e1000_hw_init(struct e1000_adapter *adapter)
{
	struct pci_dev *pdev = adapter->pdev;
	int err;

	adapter->hw_addr = pci_iomap(pdev, 0, 0);
	if (!adapter->hw_addr)
		return -ENOMEM;
	err = e1000_reset_hw(adapter);
	if (!err)
		err = e1000_read_mac(adapter, adapter->netdev->dev_addr);
	if (err)
		goto err_iomap;
	return 0;

err_iomap:
	pci_iounmap(pdev, adapter->hw_addr);
	return err;
}

static int e1000_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct e1000_adapter *adapter;
	struct net_device *netdev;
	int err;

	(void)ent;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	netdev = alloc_etherdev(sizeof(*adapter));
	err = -ENOMEM;
	if (!netdev)
		goto err_disable;
	adapter = netdev_priv(netdev);
	adapter->netdev = netdev;
	adapter->pdev = pdev;
	spin_lock_init(&adapter->lock);
	netdev->netdev_ops = &e1000_netdev_ops;
	pci_set_master(pdev);
	err = e1000_hw_init(adapter);
	if (err)
		goto err_free_netdev;
	err = register_netdev(netdev);
	if (err)
		goto err_iounmap;
	pci_set_drvdata(pdev, netdev);
	pr_info("e1000: %s: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, IRQ %u\n", pci_name(pdev),
		netdev->name, netdev->dev_addr[0], netdev->dev_addr[1], netdev->dev_addr[2],
		netdev->dev_addr[3], netdev->dev_addr[4], netdev->dev_addr[5], pdev->irq);
	return 0;

err_iounmap:
	pci_iounmap(pdev, adapter->hw_addr);
err_free_netdev:
	free_netdev(netdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void e1000_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1000_adapter *adapter = netdev_priv(netdev);

	unregister_netdev(netdev); /* stops it first when it is up */
	pci_iounmap(pdev, adapter->hw_addr);
	pci_disable_device(pdev);
	free_netdev(netdev);
}

static struct pci_driver e1000_driver = {
	.name = "e1000",
	.id_table = e1000_pci_tbl,
	.probe = e1000_probe,
	.remove = e1000_remove,
};

static int __init e1000_init_module(void)
{
	return pci_register_driver(&e1000_driver);
}

static void __exit e1000_exit_module(void)
{
	pci_unregister_driver(&e1000_driver);
}

module_init(e1000_init_module);
module_exit(e1000_exit_module);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Intel 82540EM (e1000) gigabit Ethernet driver");
