/*
 * virtio_net.ko: the virtio network device (QEMU's -device virtio-net-pci), over virtio.ko's
 * PCI transport (<keel/virtio.h>). Probe negotiates once to read the MAC address and resets
 * the device; `ip link set eth0 up` (open) negotiates again, sets up the receive, transmit and
 * (when offered) control queues and sets DRIVER_OK; down (stop) resets the device, which
 * lets go of every buffer, and frees it all. Written from the virtio 1.1 specification,
 * section 5.1.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/etherdevice.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/printk.h>
#include "virtio_net.h"

#define VNET_FEATURES (1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |            \
		       1ULL << VIRTIO_NET_F_CTRL_VQ | 1ULL << VIRTIO_NET_F_CTRL_RX)
#define VNET_CTRL_TIMEOUT_US 1000000

static const struct pci_device_id virtnet_pci_tbl[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1000) }, /* transitional network device */
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1041) }, /* virtio 1.x network device */
	{ }
};
MODULE_DEVICE_TABLE(pci, virtnet_pci_tbl);

/* Carrier from the status field when the device has one; otherwise always up. */
static void virtnet_check_link(struct virtnet_info *vi)
{
	struct net_device *netdev = vi->netdev;
	bool up = !virtio_has_feature(&vi->vdev, VIRTIO_NET_F_STATUS) ||
		  (virtio_cread16(&vi->vdev, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);

	if (up && !netif_carrier_ok(netdev)) {
		pr_info("virtio_net: %s: link up\n", netdev->name);
		netif_carrier_on(netdev);
	} else if (!up && netif_carrier_ok(netdev)) {
		pr_info("virtio_net: %s: link down\n", netdev->name);
		netif_carrier_off(netdev);
	}
}

/*
 * INTx: the ISR says why (and 0: the shared line is someone else's). MSI-X: one vector for
 * the queues and configuration changes alike, and the ISR is not used (spec 4.1.4.5).
 */
static irqreturn_t virtnet_interrupt(int irq, void *data)
{
	struct virtnet_info *vi = data;
	u8 isr = vi->vdev.msix_vector == VIRTIO_MSI_NO_VECTOR ? virtio_read_isr(&vi->vdev) : 3;

	(void)irq;
	if (!isr)
		return IRQ_NONE;
	if (isr & 2)
		virtnet_check_link(vi);
	if (isr & 1) {
		virtnet_rx(vi);
		virtnet_clean_tx(vi);
	}
	return IRQ_HANDLED;
}

/*
 * One command on the control queue, waited for (the device answers at once). vi->ctrl holds
 * the class and command (bytes 0-1), the device's ack (byte 2), then from byte 4 the
 * command's data: n buffers of lens[i] bytes, back to back.
 */
static int virtnet_ctrl_cmd(struct virtnet_info *vi, u8 class, u8 cmd, const u32 *lens,
			    unsigned int n)
{
	u8 *c = vi->ctrl;
	void *bufs[4] = { c };
	u32 all_lens[4] = { 2 }, off = 4, len;

	c[0] = class;
	c[1] = cmd;
	c[2] = 0xff;
	for (unsigned int i = 0; i < n; i++) {
		bufs[1 + i] = c + off;
		all_lens[1 + i] = lens[i];
		off += lens[i];
	}
	bufs[1 + n] = c + 2;
	all_lens[1 + n] = 1;
	if (virtqueue_add_sgs(vi->cvq, bufs, all_lens, 1 + n, 2 + n, c))
		return -ENOSPC;
	virtqueue_kick(vi->cvq);
	for (int us = 0; us < VNET_CTRL_TIMEOUT_US; us += 10) {
		if (virtqueue_get_buf(vi->cvq, &len))
			return c[2] == VIRTIO_NET_OK ? 0 : -EIO;
		udelay(10);
	}
	return -ETIMEDOUT;
}

static int virtnet_ctrl_rx(struct virtnet_info *vi, u8 cmd, bool on)
{
	const u32 len = 1;

	vi->ctrl[4] = on;
	return virtnet_ctrl_cmd(vi, VIRTIO_NET_CTRL_RX, cmd, &len, 1);
}

/* The multicast list as the device's MAC filter table (no unicast entries: the device's own
 * address always passes). 0 when sent, 1 when the list is too long (all-multicast instead). */
static int virtnet_set_mac_table(struct virtnet_info *vi)
{
	struct net_device *netdev = vi->netdev;
	u32 n = (u32)netdev_mc_count(netdev), lens[2] = { 4, 4 + ETH_ALEN * n };
	struct netdev_hw_addr *ha;
	u32 *counts = (u32 *)(vi->ctrl + 4);
	u8 *mac = vi->ctrl + 12;

	if (n > VNET_MC_MAX)
		return 1;
	counts[0] = 0; /* le32, as the CPU */
	counts[1] = n;
	netdev_for_each_mc_addr(ha, netdev) {
		ether_addr_copy(mac, ha->addr);
		mac += ETH_ALEN;
	}
	return virtnet_ctrl_cmd(vi, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, lens, 2);
}

/* Promiscuous, all-multicast and the multicast list through the control queue (CTRL_RX);
 * without it the device decides what it delivers. */
static void virtnet_set_rx_mode(struct net_device *netdev)
{
	struct virtnet_info *vi = netdev_priv(netdev);
	bool allmulti = netdev->flags & (IFF_PROMISC | IFF_ALLMULTI);
	int err;

	if (!vi->cvq || !virtio_has_feature(&vi->vdev, VIRTIO_NET_F_CTRL_RX))
		return;
	err = virtnet_set_mac_table(vi);
	if (err > 0) {
		allmulti = true;
		err = 0;
	}
	if (!err)
		err = virtnet_ctrl_rx(vi, VIRTIO_NET_CTRL_RX_PROMISC, netdev->flags & IFF_PROMISC);
	if (!err)
		err = virtnet_ctrl_rx(vi, VIRTIO_NET_CTRL_RX_ALLMULTI, allmulti);
	if (err)
		pr_err("virtio_net: %s: receive mode command failed (%d)\n", netdev->name, err);
}

/* One MSI-X vector when the device has MSI-X (QEMU's has, and no MSI), else INTx. */
static int virtnet_setup_irq(struct virtnet_info *vi)
{
	struct pci_dev *pdev = vi->vdev.pdev;
	int err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_LEGACY);

	if (err < 0)
		return err;
	if (pdev->irq_type == PCI_IRQ_MSIX)
		err = virtio_set_msix_vector(&vi->vdev, 0);
	else
		err = virtio_set_msix_vector(&vi->vdev, VIRTIO_MSI_NO_VECTOR);
	if (err)
		pci_free_irq_vectors(pdev);
	return err;
}

static int virtnet_open(struct net_device *netdev)
{
	struct virtnet_info *vi = netdev_priv(netdev);
	struct pci_dev *pdev = vi->vdev.pdev;
	int err;

	err = virtio_reset(&vi->vdev);
	if (!err)
		err = virtio_negotiate(&vi->vdev, VNET_FEATURES);
	if (!err)
		err = virtnet_setup_irq(vi);
	if (err)
		goto err_reset;
	err = virtnet_alloc_queues(vi);
	if (err)
		goto err_vectors;
	err = request_irq(pci_irq_vector(pdev, 0), virtnet_interrupt,
			  pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0, "virtio_net", vi);
	if (err)
		goto err_queues;
	virtio_device_ready(&vi->vdev);
	virtnet_fill_rx(vi, GFP_KERNEL);
	netif_wake_queue(netdev);
	virtnet_check_link(vi);
	return 0;

err_queues:
	virtio_reset(&vi->vdev);
	virtnet_free_queues(vi);
err_vectors:
	pci_free_irq_vectors(pdev);
err_reset:
	virtio_reset(&vi->vdev);
	return err;
}

/* The reset stops the device using any buffer; only then is memory freed. */
static int virtnet_stop(struct net_device *netdev)
{
	struct virtnet_info *vi = netdev_priv(netdev);

	virtio_reset(&vi->vdev);
	free_irq(pci_irq_vector(vi->vdev.pdev, 0), vi);
	pci_free_irq_vectors(vi->vdev.pdev);
	netif_stop_queue(netdev);
	virtnet_free_queues(vi);
	netif_carrier_off(netdev);
	return 0;
}

static const struct net_device_ops virtnet_netdev_ops = {
	.ndo_open = virtnet_open,
	.ndo_stop = virtnet_stop,
	.ndo_start_xmit = virtnet_start_xmit,
	.ndo_set_rx_mode = virtnet_set_rx_mode,
};

/* The MAC from the device configuration (VIRTIO_NET_F_MAC is required: no random one). */
static int virtnet_read_mac(struct virtnet_info *vi)
{
	u8 *mac = vi->netdev->dev_addr;
	int err = virtio_negotiate(&vi->vdev, VNET_FEATURES);

	if (!err && !virtio_has_feature(&vi->vdev, VIRTIO_NET_F_MAC)) {
		pr_err("virtio_net: %s: device offers no MAC address\n", pci_name(vi->vdev.pdev));
		err = -ENODEV;
	}
	for (unsigned int i = 0; !err && i < ETH_ALEN; i++)
		mac[i] = virtio_cread8(&vi->vdev, VIRTIO_NET_CFG_MAC + i);
	if (!err && !is_valid_ether_addr(mac)) {
		pr_err("virtio_net: %s: invalid MAC address\n", pci_name(vi->vdev.pdev));
		err = -EADDRNOTAVAIL;
	}
	if (virtio_reset(&vi->vdev) && !err)
		err = -ETIMEDOUT;
	return err;
}

static int virtnet_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct virtnet_info *vi;
	struct net_device *netdev;
	int err;

	(void)ent;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	netdev = alloc_etherdev(sizeof(*vi));
	err = -ENOMEM;
	if (!netdev)
		goto err_disable;
	vi = netdev_priv(netdev);
	vi->netdev = netdev;
	spin_lock_init(&vi->lock);
	netdev->netdev_ops = &virtnet_netdev_ops;
	pci_set_master(pdev);
	err = virtio_pci_init(&vi->vdev, pdev);
	if (err)
		goto err_free_netdev;
	err = virtnet_read_mac(vi);
	if (!err)
		err = register_netdev(netdev);
	if (err)
		goto err_virtio;
	pci_set_drvdata(pdev, netdev);
	pr_info("virtio_net: %s: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, IRQ %u\n", pci_name(pdev),
		netdev->name, netdev->dev_addr[0], netdev->dev_addr[1], netdev->dev_addr[2],
		netdev->dev_addr[3], netdev->dev_addr[4], netdev->dev_addr[5], pdev->irq);
	return 0;

err_virtio:
	virtio_pci_exit(&vi->vdev);
err_free_netdev:
	free_netdev(netdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void virtnet_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct virtnet_info *vi = netdev_priv(netdev);

	unregister_netdev(netdev); /* stops it first when it is up */
	virtio_pci_exit(&vi->vdev);
	pci_disable_device(pdev);
	free_netdev(netdev);
}

static struct pci_driver virtnet_driver = {
	.name = "virtio_net",
	.id_table = virtnet_pci_tbl,
	.probe = virtnet_probe,
	.remove = virtnet_remove,
};

static int __init virtnet_init_module(void)
{
	return pci_register_driver(&virtnet_driver);
}

static void __exit virtnet_exit_module(void)
{
	pci_unregister_driver(&virtnet_driver);
}

module_init(virtnet_init_module);
module_exit(virtnet_exit_module);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("virtio network driver");
