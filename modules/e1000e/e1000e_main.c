/*
 * e1000e.ko: the driver for Intel's 82574L gigabit NIC (8086:10d3), QEMU's default network
 * card on -M q35. Probe resets the chip, waits for it to load its NVM and takes the MAC the
 * NVM put in RAL0/RAH0; `ip link set eth0 up` (open) builds the rings (extended receive
 * descriptors) and turns on receive, transmit and the interrupt; down (stop) undoes it all.
 * Ring handling is in e1000e_ring.c. Written from the 82574 datasheet.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/printk.h>
#include "e1000e.h"

static const struct pci_device_id e1000e_pci_tbl[] = {
	{ PCI_DEVICE(0x8086, 0x10d3) }, /* 82574L: QEMU's -device e1000e */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1000e_pci_tbl);

/* Global reset, then the NVM auto-read (which reloads RAL0/RAH0) must finish. */
static int e1000e_reset_hw(struct e1000e_adapter *adapter)
{
	int ms;

	ew32(adapter, E1000E_IMC, 0xffffffff);
	ew32(adapter, E1000E_CTRL, er32(adapter, E1000E_CTRL) | E1000E_CTRL_RST);
	mdelay(1); /* the datasheet: wait before touching the chip again */
	for (ms = 0; ms < 100 && (er32(adapter, E1000E_CTRL) & E1000E_CTRL_RST); ms++)
		mdelay(1);
	for (; ms < 100 && !(er32(adapter, E1000E_EECD) & E1000E_EECD_AUTO_RD); ms++)
		mdelay(1);
	if (ms == 100)
		return -ETIMEDOUT;
	ew32(adapter, E1000E_IMC, 0xffffffff);
	(void)er32(adapter, E1000E_ICR);
	return 0;
}

static int e1000e_read_mac(struct e1000e_adapter *adapter, u8 *mac)
{
	u32 ral = er32(adapter, E1000E_RAL0), rah = er32(adapter, E1000E_RAH0);

	for (unsigned int i = 0; i < 4; i++)
		mac[i] = (u8)(ral >> (8 * i));
	mac[4] = (u8)rah;
	mac[5] = (u8)(rah >> 8);
	return is_valid_ether_addr(mac) ? 0 : -EADDRNOTAVAIL;
}

/* Carrier from STATUS.LU, with Linux's messages when it changes. Any context. */
static void e1000e_check_link(struct e1000e_adapter *adapter)
{
	static const unsigned int speeds[] = { 10, 100, 1000, 1000 };
	struct net_device *netdev = adapter->netdev;
	u32 status = er32(adapter, E1000E_STATUS);

	if ((status & E1000E_STATUS_LU) && !netif_carrier_ok(netdev)) {
		pr_info("e1000e: %s: link up, %u Mbps, %s duplex\n", netdev->name,
			speeds[(status >> E1000E_STATUS_SPEED_SHIFT) & 3],
			(status & E1000E_STATUS_FD) ? "full" : "half");
		netif_carrier_on(netdev);
	} else if (!(status & E1000E_STATUS_LU) && netif_carrier_ok(netdev)) {
		pr_info("e1000e: %s: link down\n", netdev->name);
		netif_carrier_off(netdev);
	}
}

static irqreturn_t e1000e_intr(int irq, void *data)
{
	struct e1000e_adapter *adapter = data;
	u32 icr = er32(adapter, E1000E_ICR); /* reading clears it */

	(void)irq;
	if (!icr || (adapter->pdev->irq_type == PCI_IRQ_LEGACY &&
		     !(icr & E1000E_ICR_INT_ASSERTED)))
		return IRQ_NONE; /* the INTx line is shared: someone else's */
	if (icr & E1000E_ICR_LSC)
		e1000e_check_link(adapter);
	if (icr & E1000E_ICR_RXO)
		adapter->netdev->stats.rx_fifo_errors++;
	if (icr & (E1000E_ICR_RXT0 | E1000E_ICR_RXDMT0 | E1000E_ICR_RXO))
		e1000e_clean_rx(adapter);
	if (icr & E1000E_ICR_TXDW)
		e1000e_clean_tx(adapter);
	return IRQ_HANDLED;
}

/*
 * Unicast/multicast filtering from dev->flags and the multicast list: each listed address
 * sets one bit of the 4096-bit multicast table array, indexed by address bits 47:36 (the
 * hash RCTL.MO = 00 selects; the datasheet's "Multicast Table Array").
 */
static void e1000e_set_rx_mode(struct net_device *netdev)
{
	struct e1000e_adapter *adapter = netdev_priv(netdev);
	u32 rctl = er32(adapter, E1000E_RCTL) & ~(E1000E_RCTL_UPE | E1000E_RCTL_MPE);
	u32 mta[E1000E_MTA_SIZE] = { 0 };
	struct netdev_hw_addr *ha;

	if (netdev->flags & IFF_PROMISC)
		rctl |= E1000E_RCTL_UPE | E1000E_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		rctl |= E1000E_RCTL_MPE;
	netdev_for_each_mc_addr(ha, netdev) {
		unsigned int hash = ((ha->addr[4] >> 4) | (ha->addr[5] << 4)) & 0xfff;

		mta[hash >> 5] |= 1u << (hash & 31);
	}
	for (unsigned int i = 0; i < E1000E_MTA_SIZE; i++)
		ew32(adapter, E1000E_MTA + 4 * i, mta[i]);
	ew32(adapter, E1000E_RCTL, rctl);
}

static void e1000e_configure(struct e1000e_adapter *adapter)
{
	const u8 *mac = adapter->netdev->dev_addr;

	ew32(adapter, E1000E_CTRL, er32(adapter, E1000E_CTRL) | E1000E_CTRL_SLU);
	ew32(adapter, E1000E_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	ew32(adapter, E1000E_RAH0, mac[4] | mac[5] << 8 | E1000E_RAH_AV);
	e1000e_configure_rings(adapter);
	/* IPGT 8, IPGR1 8, IPGR2 7: the datasheet's values for the 82574 on copper. */
	ew32(adapter, E1000E_TIPG, 8 | 8 << 10 | 7 << 20);
	ew32(adapter, E1000E_TCTL, E1000E_TCTL_EN | E1000E_TCTL_PSP |
		  0x0f << E1000E_TCTL_CT_SHIFT | 0x3f << E1000E_TCTL_COLD_SHIFT);
	ew32(adapter, E1000E_RCTL, E1000E_RCTL_EN | E1000E_RCTL_BAM | E1000E_RCTL_SECRC);
	e1000e_set_rx_mode(adapter->netdev);
}

static int e1000e_open(struct net_device *netdev)
{
	struct e1000e_adapter *adapter = netdev_priv(netdev);
	int err;

	err = e1000e_setup_rings(adapter);
	if (err)
		return err;
	e1000e_configure(adapter);
	/* MSI (one vector for every cause: MSI-X would need the IVAR routing), else INTx. */
	err = pci_alloc_irq_vectors(adapter->pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (err < 0)
		goto err_rings;
	err = request_irq(pci_irq_vector(adapter->pdev, 0), e1000e_intr,
			  adapter->pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0, "e1000e",
			  adapter);
	if (err)
		goto err_vectors;
	netif_wake_queue(netdev);
	ew32(adapter, E1000E_IMS, E1000E_ICR_TXDW | E1000E_ICR_LSC | E1000E_ICR_RXDMT0 |
		  E1000E_ICR_RXO | E1000E_ICR_RXT0);
	e1000e_check_link(adapter);
	return 0;

err_vectors:
	pci_free_irq_vectors(adapter->pdev);
err_rings:
	e1000e_reset_hw(adapter);
	e1000e_free_rings(adapter);
	return err;
}

/* No interrupt, no DMA once it returns; then every skb is freed with the rings. */
static int e1000e_stop(struct net_device *netdev)
{
	struct e1000e_adapter *adapter = netdev_priv(netdev);

	ew32(adapter, E1000E_IMC, 0xffffffff);
	ew32(adapter, E1000E_RCTL, 0);
	ew32(adapter, E1000E_TCTL, 0);
	(void)er32(adapter, E1000E_STATUS); /* flush the posted writes */
	mdelay(2); /* let a DMA burst under way finish */
	free_irq(pci_irq_vector(adapter->pdev, 0), adapter);
	pci_free_irq_vectors(adapter->pdev);
	e1000e_reset_hw(adapter);
	netif_stop_queue(netdev);
	e1000e_free_rings(adapter);
	netif_carrier_off(netdev);
	return 0;
}

static const struct net_device_ops e1000e_netdev_ops = {
	.ndo_open = e1000e_open,
	.ndo_stop = e1000e_stop,
	.ndo_start_xmit = e1000e_xmit_frame,
	.ndo_set_rx_mode = e1000e_set_rx_mode,
};

/* Maps BAR0, resets the chip and reads the MAC; 0 or -errno, reported. */
static int e1000e_hw_init(struct e1000e_adapter *adapter)
{
	struct pci_dev *pdev = adapter->pdev;
	int err;

	adapter->hw_addr = pci_iomap(pdev, 0, 0);
	if (!adapter->hw_addr)
		return -ENOMEM;
	err = e1000e_reset_hw(adapter);
	if (err)
		pr_err("e1000e: %s: reset or NVM read timed out\n", pci_name(pdev));
	else if ((err = e1000e_read_mac(adapter, adapter->netdev->dev_addr)))
		pr_err("e1000e: %s: invalid MAC address in the NVM\n", pci_name(pdev));
	if (err)
		pci_iounmap(pdev, adapter->hw_addr);
	return err;
}

static int e1000e_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct e1000e_adapter *adapter;
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
	netdev->netdev_ops = &e1000e_netdev_ops;
	pci_set_master(pdev);
	err = e1000e_hw_init(adapter);
	if (err)
		goto err_free_netdev;
	err = register_netdev(netdev);
	if (err)
		goto err_iounmap;
	pci_set_drvdata(pdev, netdev);
	pr_info("e1000e: %s: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, IRQ %u\n", pci_name(pdev),
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

static void e1000e_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1000e_adapter *adapter = netdev_priv(netdev);

	unregister_netdev(netdev); /* stops it first when it is up */
	pci_iounmap(pdev, adapter->hw_addr);
	pci_disable_device(pdev);
	free_netdev(netdev);
}

static struct pci_driver e1000e_driver = {
	.name = "e1000e",
	.id_table = e1000e_pci_tbl,
	.probe = e1000e_probe,
	.remove = e1000e_remove,
};

static int __init e1000e_init_module(void)
{
	return pci_register_driver(&e1000e_driver);
}

static void __exit e1000e_exit_module(void)
{
	pci_unregister_driver(&e1000e_driver);
}

module_init(e1000e_init_module);
module_exit(e1000e_exit_module);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Intel 82574L (e1000e) gigabit Ethernet driver");
