/*
 * rtl8139.ko: the driver for Realtek's RTL8139 family (10ec:8139, QEMU's -device rtl8139),
 * the classic cheap 10/100 NIC. Probe resets the chip and reads the MAC address the chip
 * loaded from its EEPROM into IDR0-5; `ip link set eth0 up` (open) allocates the receive ring
 * and transmit buffers and starts the chip, down (stop) undoes it all. The data path is in
 * rtl8139_rxtx.c. Written from Realtek's programming guide, not from Linux's 8139too.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/printk.h>
#include "rtl8139.h"

static const struct pci_device_id rtl8139_pci_tbl[] = {
	{ PCI_DEVICE(0x10ec, 0x8139) }, /* RTL8139/8139C/8139C+: QEMU's -device rtl8139 */
	{ }
};
MODULE_DEVICE_TABLE(pci, rtl8139_pci_tbl);

/* Software reset: the FIFOs, rings and CR back to their defaults. -ETIMEDOUT if it hangs. */
static int rtl8139_reset(struct rtl8139_priv *p)
{
	rtl_w16(p, RTL_IMR, 0);
	rtl_w8(p, RTL_CR, RTL_CR_RST);
	for (int i = 0; i < 100; i++) {
		if (!(rtl_r8(p, RTL_CR) & RTL_CR_RST)) {
			rtl_w16(p, RTL_ISR, 0xffff);
			return 0;
		}
		mdelay(1);
	}
	return -ETIMEDOUT;
}

/* Full duplex: forced in BMCR, or negotiated (both ends advertise a full-duplex mode). */
static bool rtl8139_full_duplex(struct rtl8139_priv *p)
{
	u16 bmcr = rtl_r16(p, RTL_BMCR);

	if (!(bmcr & RTL_BMCR_ANE))
		return bmcr & RTL_BMCR_DUPLEX;
	return rtl_r16(p, RTL_ANAR) & rtl_r16(p, RTL_ANLPAR) & RTL_AN_FULL;
}

/* Carrier from MSR (LINKB is the inverse of link), speed from MSR. */
static void rtl8139_check_link(struct rtl8139_priv *p)
{
	struct net_device *netdev = p->netdev;
	u8 msr = rtl_r8(p, RTL_MSR);

	if (!(msr & RTL_MSR_LINKB) && !netif_carrier_ok(netdev)) {
		pr_info("rtl8139: %s: link up, %u Mbps, %s duplex\n", netdev->name,
			(msr & RTL_MSR_SPEED_10) ? 10 : 100,
			rtl8139_full_duplex(p) ? "full" : "half");
		netif_carrier_on(netdev);
	} else if ((msr & RTL_MSR_LINKB) && netif_carrier_ok(netdev)) {
		pr_info("rtl8139: %s: link down\n", netdev->name);
		netif_carrier_off(netdev);
	}
}

static irqreturn_t rtl8139_interrupt(int irq, void *data)
{
	struct rtl8139_priv *p = data;
	u16 isr = rtl_r16(p, RTL_ISR);

	(void)irq;
	if (!isr || isr == 0xffff) /* shared line, or the chip is gone */
		return IRQ_NONE;
	rtl_w16(p, RTL_ISR, isr); /* before the work: a frame arriving meanwhile raises it again */
	if (isr & RTL_INT_LINKCHG)
		rtl8139_check_link(p);
	if (isr & (RTL_INT_RXOVW | RTL_INT_FOVW)) {
		p->netdev->stats.rx_fifo_errors++;
		p->netdev->stats.rx_errors++;
	}
	if (isr & (RTL_INT_ROK | RTL_INT_RER | RTL_INT_RXOVW | RTL_INT_FOVW))
		rtl8139_rx(p);
	if (isr & (RTL_INT_TOK | RTL_INT_TER))
		rtl8139_clean_tx(p);
	if (isr & RTL_INT_SERR)
		pr_err("rtl8139: %s: PCI system error\n", p->netdev->name);
	return IRQ_HANDLED;
}

static int rtl8139_open(struct net_device *netdev)
{
	struct rtl8139_priv *p = netdev_priv(netdev);
	int err;

	err = rtl8139_alloc_buffers(p);
	if (err)
		return err;
	err = rtl8139_reset(p);
	if (err)
		goto err_buffers;
	rtl8139_start_rx(p);
	rtl_w32(p, RTL_TCR, RTL_TCR_MXDMA_1024 | RTL_TCR_IFG_STD);
	rtl_w32(p, RTL_MPC, 0);
	err = request_irq(p->pdev->irq, rtl8139_interrupt, IRQF_SHARED, "rtl8139", p);
	if (err)
		goto err_reset;
	netif_wake_queue(netdev);
	rtl_w16(p, RTL_IMR, RTL_INT_ROK | RTL_INT_RER | RTL_INT_TOK | RTL_INT_TER |
			     RTL_INT_RXOVW | RTL_INT_LINKCHG | RTL_INT_FOVW | RTL_INT_SERR);
	rtl8139_check_link(p);
	return 0;

err_reset:
	rtl8139_reset(p);
err_buffers:
	rtl8139_free_buffers(p);
	return err;
}

/* No interrupt, no DMA once it returns; then the buffers are freed. */
static int rtl8139_stop(struct net_device *netdev)
{
	struct rtl8139_priv *p = netdev_priv(netdev);

	rtl_w16(p, RTL_IMR, 0);
	rtl_w8(p, RTL_CR, 0);
	(void)rtl_r8(p, RTL_CR); /* flush the posted writes */
	mdelay(2); /* let a DMA burst under way finish */
	free_irq(p->pdev->irq, p);
	rtl8139_reset(p);
	netif_stop_queue(netdev);
	rtl8139_free_buffers(p);
	netif_carrier_off(netdev);
	return 0;
}

static const struct net_device_ops rtl8139_netdev_ops = {
	.ndo_open = rtl8139_open,
	.ndo_stop = rtl8139_stop,
	.ndo_start_xmit = rtl8139_start_xmit,
	.ndo_set_rx_mode = rtl8139_set_rx_mode,
};

/*
 * Maps BAR1 (the registers in memory space), wakes the chip from its power-down state and
 * resets it, and reads the MAC. A chip reading all ones is not answering. 0 or -errno.
 */
static int rtl8139_hw_init(struct rtl8139_priv *p)
{
	u8 *mac = p->netdev->dev_addr;
	int err = -ENODEV;

	p->mmio = pci_iomap(p->pdev, 1, 0);
	if (!p->mmio)
		return -ENOMEM;
	if (rtl_r32(p, RTL_TCR) == 0xffffffff) {
		pr_err("rtl8139: %s: chip not responding\n", pci_name(p->pdev));
		goto err_iomap;
	}
	rtl_w8(p, RTL_9346CR, RTL_9346CR_UNLOCK);
	rtl_w8(p, RTL_CONFIG1, 0); /* LWAKE and power-down off */
	rtl_w8(p, RTL_9346CR, 0);
	err = rtl8139_reset(p);
	if (err) {
		pr_err("rtl8139: %s: reset timed out\n", pci_name(p->pdev));
		goto err_iomap;
	}
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		mac[i] = rtl_r8(p, RTL_IDR0 + i);
	if (is_valid_ether_addr(mac))
		return 0;
	pr_err("rtl8139: %s: invalid MAC address in the EEPROM\n", pci_name(p->pdev));
	err = -EADDRNOTAVAIL;
err_iomap:
	pci_iounmap(p->pdev, p->mmio);
	return err;
}

static int rtl8139_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct rtl8139_priv *p;
	struct net_device *netdev;
	int err;

	(void)ent;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	netdev = alloc_etherdev(sizeof(*p));
	err = -ENOMEM;
	if (!netdev)
		goto err_disable;
	p = netdev_priv(netdev);
	p->netdev = netdev;
	p->pdev = pdev;
	spin_lock_init(&p->lock);
	netdev->netdev_ops = &rtl8139_netdev_ops;
	pci_set_master(pdev);
	err = rtl8139_hw_init(p);
	if (err)
		goto err_free_netdev;
	err = register_netdev(netdev);
	if (err)
		goto err_iounmap;
	pci_set_drvdata(pdev, netdev);
	pr_info("rtl8139: %s: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, IRQ %u\n", pci_name(pdev),
		netdev->name, netdev->dev_addr[0], netdev->dev_addr[1], netdev->dev_addr[2],
		netdev->dev_addr[3], netdev->dev_addr[4], netdev->dev_addr[5], pdev->irq);
	return 0;

err_iounmap:
	pci_iounmap(pdev, p->mmio);
err_free_netdev:
	free_netdev(netdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void rtl8139_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct rtl8139_priv *p = netdev_priv(netdev);

	unregister_netdev(netdev); /* stops it first when it is up */
	pci_iounmap(pdev, p->mmio);
	pci_disable_device(pdev);
	free_netdev(netdev);
}

static struct pci_driver rtl8139_driver = {
	.name = "rtl8139",
	.id_table = rtl8139_pci_tbl,
	.probe = rtl8139_probe,
	.remove = rtl8139_remove,
};

static int __init rtl8139_init_module(void)
{
	return pci_register_driver(&rtl8139_driver);
}

static void __exit rtl8139_exit_module(void)
{
	pci_unregister_driver(&rtl8139_driver);
}

module_init(rtl8139_init_module);
module_exit(rtl8139_exit_module);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Realtek RTL8139 10/100 Ethernet driver");
