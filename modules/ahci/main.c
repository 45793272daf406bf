/*
 * ahci.ko: SATA through AHCI host bus adapters (PCI class 01:06 prog-if 01, so modules.alias
 * loads it for e.g. q35's ICH9 at 00:1f.2). Maps ABAR, resets the HBA into AHCI mode, takes its
 * INTx line (shared, PCI Interrupt Line as firmware routed it), brings up every implemented
 * port and registers disks as sda, sdb... and ATAPI drives as sr0, sr1... On unbind or unload
 * disks are flushed and unregistered, ports stopped, memory and the IRQ released.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/module.h>
#include <keel/pci.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "ahci.h"

#define PCI_CLASS_SATA_AHCI 0x010601
#define AHCI_HBA_RESET_MS 1000

static bool ahci_polling;
module_param_named(polling, ahci_polling, bool, 0444);
MODULE_PARM_DESC(polling, "Complete commands by polling, without the interrupt (default 0)");

static bool ahci_msi = true;
module_param_named(msi, ahci_msi, bool, 0444);
MODULE_PARM_DESC(msi, "Use MSI when the HBA offers it (default 1; 0: the INTx line)");

static struct ahci_host *ahci_hosts;
static unsigned int ahci_next_disk, ahci_next_cd;

struct ahci_host *ahci_first_host(void)
{
	return ahci_hosts;
}

static u32 host_readl(struct ahci_host *host, int reg)
{
	return readl((u8 *)host->mmio + reg);
}

static void host_writel(struct ahci_host *host, int reg, u32 val)
{
	writel(val, (u8 *)host->mmio + reg);
}

/* GHC.AE, then GHC.HR (HBA reset, 10.4.3) and AE again: firmware's leftovers are gone. */
static int ahci_reset_controller(struct ahci_host *host)
{
	unsigned long end = jiffies + msecs_to_jiffies(AHCI_HBA_RESET_MS);

	host_writel(host, HOST_CTL, HOST_AHCI_EN);
	host_writel(host, HOST_CTL, HOST_AHCI_EN | HOST_RESET);
	while (host_readl(host, HOST_CTL) & HOST_RESET) {
		if (time_after(jiffies, end)) {
			pr_err("ahci: %s: HBA reset did not finish\n", pci_name(host->pdev));
			return -ETIMEDOUT;
		}
		msleep(1);
	}
	host_writel(host, HOST_CTL, HOST_AHCI_EN);
	return 0;
}

static void ahci_port_name(struct ahci_port_priv *pp)
{
	if (pp->class == AHCI_DEV_ATA)
		snprintf(pp->name, sizeof(pp->name), "sd%c", 'a' + ahci_next_disk++);
	else
		snprintf(pp->name, sizeof(pp->name), "sr%u", ahci_next_cd++);
}

static void ahci_port_describe(struct ahci_port_priv *pp)
{
	struct block_device *b = &pp->bdev;

	if (pp->class == AHCI_DEV_ATAPI && b->no_medium)
		pr_info("ahci: %s: port %d: ATAPI \"%s\", no medium\n", pp->name, pp->index,
			b->model);
	else if (pp->class == AHCI_DEV_ATAPI)
		pr_info("ahci: %s: port %d: ATAPI \"%s\", %llu sectors of 2048 bytes\n", pp->name,
			pp->index, b->model, (unsigned long long)b->nr_sectors);
	else
		pr_info("ahci: %s: port %d: ATA \"%s\", %llu sectors (%llu MiB)\n", pp->name,
			pp->index, b->model, (unsigned long long)b->nr_sectors,
			(unsigned long long)(b->nr_sectors >> 11));
}

/* IDENTIFY and the block device fields; the device's class decides which. */
static int ahci_dev_setup(struct ahci_port_priv *pp)
{
	struct block_device *b = &pp->bdev;
	int ret;

	strlcpy(b->name, pp->name, sizeof(b->name));
	b->owner = THIS_MODULE;
	b->private_data = pp;
	if (pp->class == AHCI_DEV_ATA) {
		b->sector_size = AHCI_SECTOR_SIZE;
		b->ops = &ahci_disk_ops;
		return ahci_disk_identify(pp);
	}
	b->sector_size = AHCI_CD_SECTOR_SIZE;
	b->read_only = b->removable = true;
	b->ops = &ahci_atapi_ops;
	ret = ahci_atapi_identify(pp);
	if (!ret)
		ahci_atapi_revalidate(pp); /* the size now, or no medium */
	return ret;
}

static struct ahci_port_priv *ahci_port_new(struct ahci_host *host, int index)
{
	struct ahci_port_priv *pp = kzalloc(sizeof(*pp), GFP_KERNEL);

	if (!pp)
		return NULL;
	pp->host = host;
	pp->index = index;
	pp->mmio = ahci_port_base(host, index);
	snprintf(pp->name, sizeof(pp->name), "port%d", index);
	mutex_init(&pp->lock);
	init_completion(&pp->done);
	if (ahci_port_alloc(pp)) {
		kfree(pp);
		return NULL;
	}
	return pp;
}

static void ahci_port_delete(struct ahci_port_priv *pp)
{
	unsigned long flags;

	writel(0, (u8 *)pp->mmio + PORT_IRQ_MASK);
	if (ahci_port_stop(pp))
		pr_warn("ahci: %s: port %d did not stop\n", pp->name, pp->index);
	/* Not while the interrupt handler may be looking at it (uniprocessor: irqs off). */
	local_irq_save(flags);
	pp->host->ports[pp->index] = NULL;
	local_irq_restore(flags);
	ahci_port_free(pp);
	kfree(pp);
}

/* Stops what firmware left running and starts the port: 0, or -errno with a line unless the
 * port is simply empty. */
static int ahci_port_link_up(struct ahci_port_priv *pp)
{
	int ret = ahci_port_stop(pp);

	if (ret) {
		pr_err("ahci: port %d: command engine does not stop, skipped\n", pp->index);
		return ret;
	}
	ret = ahci_port_start(pp);
	if (ret && ret != -ENODEV)
		pr_err("ahci: port %d: device stays busy (PxTFD 0x%x), skipped\n", pp->index,
		       readl((u8 *)pp->mmio + PORT_TFDATA));
	return ret;
}

/* Starts port index; registers what answers on it. Ports without a device are let go. */
static void ahci_port_bring_up(struct ahci_host *host, int index)
{
	struct ahci_port_priv *pp = ahci_port_new(host, index);
	int ret;

	if (!pp) {
		pr_err("ahci: port %d: no DMA memory, skipped\n", index);
		return;
	}
	host->ports[index] = pp;
	if (ahci_port_link_up(pp))
		goto out_delete;
	pp->class = ahci_port_classify(pp);
	if (pp->class == AHCI_DEV_NONE)
		goto out_delete;
	ahci_port_name(pp);
	ret = ahci_dev_setup(pp);
	if (ret) {
		pr_err("ahci: %s: port %d: IDENTIFY failed (%d), skipped\n", pp->name, index, ret);
		goto out_delete;
	}
	ahci_port_describe(pp);
	ret = blkdev_register(&pp->bdev);
	if (ret)
		pr_err("ahci: %s: not registered as a block device (%d)\n", pp->name, ret);
	pp->registered = !ret;
	return;

out_delete:
	ahci_port_delete(pp);
}

static void ahci_port_remove(struct ahci_port_priv *pp)
{
	int ret;

	if (pp->class == AHCI_DEV_ATA) {
		ret = ahci_disk_flush(pp);
		if (ret)
			pr_err("ahci: %s: cache flush failed (%d)\n", pp->name, ret);
	}
	if (pp->registered)
		blkdev_unregister(&pp->bdev);
	ahci_port_delete(pp);
}

/* MSI when the HBA offers it and the APIC is on, else the (shared) INTx line, else polling. */
static void ahci_request_irq(struct ahci_host *host)
{
	struct pci_dev *pdev = host->pdev;
	int ret;

	host->irq = pdev->irq;
	if (ahci_polling) {
		pr_info("ahci: %s: polling=1: commands complete by polling\n", pci_name(pdev));
		return;
	}
	ret = pci_alloc_irq_vectors(pdev, 1, 1, ahci_msi ? PCI_IRQ_ALL_TYPES : PCI_IRQ_LEGACY);
	if (ret < 0) {
		pr_warn("ahci: %s: no usable interrupt (%d), polling\n", pci_name(pdev), ret);
		return;
	}
	host->irq = pci_irq_vector(pdev, 0);
	ret = request_irq(host->irq, ahci_interrupt,
			  pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0, "ahci", host);
	if (ret) {
		pr_warn("ahci: %s: IRQ %u not available (%d), polling\n", pci_name(pdev),
			host->irq, ret);
		pci_free_irq_vectors(pdev);
		return;
	}
	host->irq_requested = true;
	pr_info("ahci: %s: IRQ %u (%s)\n", pci_name(pdev), host->irq,
		pdev->irq_type == PCI_IRQ_LEGACY ? "INTx" :
		pdev->irq_type == PCI_IRQ_MSI ? "MSI" : "MSI-X");
}

static int ahci_host_init(struct ahci_host *host)
{
	int ret = ahci_reset_controller(host);

	if (ret)
		return ret;
	host->cap = host_readl(host, HOST_CAP);
	host->pi = host_readl(host, HOST_PORTS_IMPL);
	host->n_ports = (host->cap & HOST_CAP_NP) + 1;
	pr_info("ahci: %s: AHCI %x.%x, %u ports (implemented 0x%x), %u slots, %s\n",
		pci_name(host->pdev), host_readl(host, HOST_VERSION) >> 16,
		(host_readl(host, HOST_VERSION) >> 8) & 0xff, host->n_ports, host->pi,
		((host->cap >> HOST_CAP_NCS_SHIFT) & 0x1f) + 1,
		host->cap & HOST_CAP_S64A ? "64-bit" : "32-bit");
	ahci_request_irq(host);
	host_writel(host, HOST_IRQ_STAT, ~0u);
	/* Without a handler the HBA keeps its interrupt to itself: a shared line stays quiet. */
	if (host->irq_requested)
		host_writel(host, HOST_CTL, HOST_AHCI_EN | HOST_IRQ_EN);
	return 0;
}

static void ahci_host_stop(struct ahci_host *host)
{
	for (int i = 0; i < AHCI_MAX_PORTS; i++)
		if (host->ports[i])
			ahci_port_remove(host->ports[i]);
	host_writel(host, HOST_CTL, HOST_AHCI_EN);
	if (host->irq_requested) {
		free_irq(host->irq, host);
		pci_free_irq_vectors(host->pdev);
	}
	host->irq_requested = false;
}

static void ahci_host_unlink(struct ahci_host *host)
{
	for (struct ahci_host **p = &ahci_hosts; *p; p = &(*p)->next)
		if (*p == host) {
			*p = host->next;
			break;
		}
	if (!ahci_hosts)
		ahci_next_disk = ahci_next_cd = 0;
}

static int ahci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ahci_host *host;
	int ret;

	(void)id;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	if (!host) {
		ret = -ENOMEM;
		goto out_disable;
	}
	host->pdev = pdev;
	host->mmio = pci_iomap(pdev, AHCI_ABAR, 0);
	if (!host->mmio) {
		pr_err("ahci: %s: BAR5 (ABAR) cannot be mapped\n", pci_name(pdev));
		ret = -ENODEV;
		goto out_free_host;
	}
	pci_set_master(pdev);
	ret = ahci_host_init(host);
	if (ret)
		goto out_unmap;
	host->next = ahci_hosts;
	ahci_hosts = host;
	for (unsigned int i = 0; i < AHCI_MAX_PORTS; i++)
		if (host->pi & (1u << i))
			ahci_port_bring_up(host, (int)i);
	pci_set_drvdata(pdev, host);
	return 0;

out_unmap:
	pci_clear_master(pdev);
	pci_iounmap(pdev, host->mmio);
out_free_host:
	kfree(host);
out_disable:
	pci_disable_device(pdev);
	return ret;
}

static void ahci_remove(struct pci_dev *pdev)
{
	struct ahci_host *host = pci_get_drvdata(pdev);

	ahci_host_stop(host);
	ahci_host_unlink(host);
	pci_clear_master(pdev);
	pci_iounmap(pdev, host->mmio);
	kfree(host);
	pci_disable_device(pdev);
}

static const struct pci_device_id ahci_pci_ids[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_SATA_AHCI, 0xffffff) },
	{ }
};
MODULE_DEVICE_TABLE(pci, ahci_pci_ids);

static struct pci_driver ahci_pci_driver = {
	.name = "ahci",
	.id_table = ahci_pci_ids,
	.probe = ahci_probe,
	.remove = ahci_remove,
};

static int __init ahci_init(void)
{
	int ret = pci_register_driver(&ahci_pci_driver);

	if (ret)
		return ret;
	ret = ahci_command_register();
	if (ret)
		goto out_unregister_pci;
	return 0;

out_unregister_pci:
	pci_unregister_driver(&ahci_pci_driver);
	return ret;
}

static void __exit ahci_exit(void)
{
	ahci_command_unregister();
	pci_unregister_driver(&ahci_pci_driver);
}

module_init(ahci_init);
module_exit(ahci_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SATA disks and ATAPI drives on AHCI host bus adapters");
