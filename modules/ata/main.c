/*
 * ata.ko: the IDE/ATA driver's module entry points. Binds to PCI IDE functions (class 01:01,
 * so modules.alias autoloads it) in compatibility or native mode, or probes the legacy ISA
 * ports when no PCI IDE function exists; registers each disk (hda..hdd, ATAPI drives too) with
 * the block layer and flushes and unregisters them on unbind or unload.
 *
 * ata.ko depends on pci.ko (its symbols), so it cannot load on a machine without PCI
 * configuration mechanism #1; every PC with an IDE controller since the mid-1990s has it, and
 * the legacy path still covers ISA IDE ports on such machines.
 */
#include <keel/io.h>
#include <keel/module.h>
#include <keel/pci.h>
#include "ata.h"

#define ATA_MAX_HOSTS 4
#define PCI_CLASS_IDE 0x010100
#define BMDMA_BAR 4

bool ata_dma_default = true;
module_param_named(dma, ata_dma_default, bool, 0444);
MODULE_PARM_DESC(dma, "Use bus master DMA for disks that support it (default 1; 0: PIO)");

static const struct {
	u16 cmd, ctl;
	unsigned int irq;
} ata_legacy_ports[2] = { { 0x1f0, 0x3f6, 14 }, { 0x170, 0x376, 15 } };

static struct ata_host *ata_hosts;
static struct ata_host *ata_legacy_host;

struct ata_host *ata_first_host(void)
{
	return ata_hosts;
}

struct ata_device *ata_find_device(const char *name)
{
	for (struct ata_host *host = ata_hosts; host; host = host->next)
		for (int c = 0; c < 2; c++)
			for (int u = 0; u < 2; u++)
				if (!strcmp(host->channels[c].devices[u].name, name))
					return &host->channels[c].devices[u];
	return NULL;
}

static int ata_free_slot(void)
{
	for (int slot = 0; slot < ATA_MAX_HOSTS; slot++) {
		bool used = false;

		for (struct ata_host *host = ata_hosts; host; host = host->next)
			used |= host->slot == slot;
		if (!used)
			return slot;
	}
	return -1;
}

static struct ata_host *ata_host_alloc(struct pci_dev *pdev)
{
	int slot = ata_free_slot();
	struct ata_host *host;

	if (slot < 0)
		return NULL;
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	if (!host)
		return NULL;
	host->pdev = pdev;
	host->slot = slot;
	for (int c = 0; c < 2; c++) {
		struct ata_channel *ch = &host->channels[c];

		ch->host = host;
		ch->index = c;
		ch->selected = -1;
		ch->cmd_base = ata_legacy_ports[c].cmd;
		ch->ctl_base = ata_legacy_ports[c].ctl;
		ch->irq = ata_legacy_ports[c].irq;
		ata_channel_init(ch);
		for (int u = 0; u < 2; u++) {
			ch->devices[u].channel = ch;
			ch->devices[u].unit = u;
			snprintf(ch->devices[u].name, sizeof(ch->devices[u].name), "hd%c",
				 'a' + slot * 4 + c * 2 + u);
		}
	}
	return host;
}

static void ata_describe(struct ata_device *dev)
{
	struct block_device *b = &dev->bdev;
	u64 mib = b->nr_sectors * b->sector_size >> 20;

	if (dev->type == ATA_DEV_ATAPI && b->no_medium)
		pr_info("ata: %s: ATAPI \"%s\", no medium, read-only\n", dev->name, b->model);
	else if (dev->type == ATA_DEV_ATAPI)
		pr_info("ata: %s: ATAPI \"%s\", %llu sectors of 2048 bytes, read-only\n",
			dev->name, b->model, (unsigned long long)b->nr_sectors);
	else
		pr_info("ata: %s: ATA \"%s\", %llu sectors (%llu MiB), %s, %s\n", dev->name,
			b->model, (unsigned long long)b->nr_sectors, (unsigned long long)mib,
			dev->lba48 ? "LBA48" : "LBA28", dev->use_dma ? "DMA" : "PIO");
}

static void ata_device_register(struct ata_device *dev)
{
	struct block_device *b = &dev->bdev;
	int ret;

	strlcpy(b->name, dev->name, sizeof(b->name));
	b->owner = THIS_MODULE;
	b->private_data = dev;
	if (dev->type == ATA_DEV_ATAPI) {
		b->sector_size = ATAPI_SECTOR_SIZE;
		b->read_only = b->removable = true;
		b->ops = &atapi_ops;
		b->no_medium = false;
		dev->media_changed = true; /* the first look reads the capacity */
		atapi_revalidate(dev);
	} else {
		b->sector_size = ATA_SECTOR_SIZE;
		b->ops = &ata_disk_ops;
		dev->use_dma = ata_dma_default && dev->dma_capable && dev->channel->dma_buf;
	}
	ata_describe(dev);
	ret = blkdev_register(b);
	if (ret)
		pr_err("ata: %s: not registered as a block device (%d)\n", dev->name, ret);
	dev->registered = !ret;
}

/* Takes the channel into use if its ports answer; the number of devices found on it. */
static int ata_channel_bring_up(struct ata_channel *ch)
{
	int found = 0;

	ch->floating = ata_channel_floats(ch);
	if (ch->floating || ata_channel_start(ch))
		return 0;
	ata_channel_detect(ch);
	for (int u = 0; u < 2; u++) {
		if (ch->devices[u].type == ATA_DEV_NONE)
			continue;
		ata_device_register(&ch->devices[u]);
		found++;
	}
	if (!found)
		ata_channel_stop(ch);
	return found;
}

static void ata_device_remove(struct ata_device *dev)
{
	int ret;

	if (dev->type == ATA_DEV_ATA) {
		ret = ata_flush(dev);
		if (ret)
			pr_err("ata: %s: cache flush failed (%d)\n", dev->name, ret);
		else
			pr_info("ata: %s: write cache flushed\n", dev->name);
	}
	if (dev->registered)
		blkdev_unregister(&dev->bdev);
	dev->registered = false;
	dev->type = ATA_DEV_NONE;
}

static void ata_host_stop(struct ata_host *host)
{
	for (int c = 0; c < 2; c++) {
		struct ata_channel *ch = &host->channels[c];

		if (!ch->irq_requested)
			continue;
		for (int u = 0; u < 2; u++)
			if (ch->devices[u].type != ATA_DEV_NONE)
				ata_device_remove(&ch->devices[u]);
		ata_channel_stop(ch);
	}
}

static void ata_host_link(struct ata_host *host)
{
	host->next = ata_hosts;
	ata_hosts = host;
}

static void ata_host_free(struct ata_host *host)
{
	for (struct ata_host **p = &ata_hosts; *p; p = &(*p)->next)
		if (*p == host) {
			*p = host->next;
			break;
		}
	kfree(host);
}

/* Native-mode channels use BARs 0-1 (primary) and 2-3 (secondary) and the PCI interrupt. */
static int ata_pci_channel_setup(struct ata_channel *ch, struct pci_dev *pdev)
{
	int bar = ch->index * 2;
	u64 bm = pci_resource_start(pdev, BMDMA_BAR);

	ch->native = pdev->class & (1u << bar);
	if (ch->native) {
		if (!(pci_resource_flags(pdev, bar) & IORESOURCE_IO) ||
		    !(pci_resource_flags(pdev, bar + 1) & IORESOURCE_IO) || !pdev->irq)
			return -ENODEV;
		ch->cmd_base = pci_resource_start(pdev, bar);
		ch->ctl_base = pci_resource_start(pdev, bar + 1) + 2;
		ch->irq = pdev->irq;
	}
	if ((pci_resource_flags(pdev, BMDMA_BAR) & IORESOURCE_IO) &&
	    pci_resource_len(pdev, BMDMA_BAR) >= 16)
		ch->bmdma_base = bm + ch->index * 8;
	return 0;
}

static const char *ata_channel_mode(struct ata_channel *ch)
{
	return ch->native ? "native" : "compatibility";
}

static int ata_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ata_host *host;
	int ret;

	(void)id;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	host = ata_host_alloc(pdev);
	if (!host) {
		pci_disable_device(pdev);
		return -ENOMEM;
	}
	for (int c = 0; c < 2; c++)
		if (ata_pci_channel_setup(&host->channels[c], pdev))
			host->channels[c].floating = true;
	if (host->channels[0].bmdma_base)
		pci_set_master(pdev);
	pr_info("ata: %s: IDE controller %04x:%04x, primary %s, secondary %s, bus master %s\n",
		pci_name(pdev), pdev->vendor, pdev->device, ata_channel_mode(&host->channels[0]),
		ata_channel_mode(&host->channels[1]), host->channels[0].bmdma_base ? "on" : "off");
	ata_host_link(host);
	for (int c = 0; c < 2; c++)
		if (!host->channels[c].floating)
			ata_channel_bring_up(&host->channels[c]);
	pci_set_drvdata(pdev, host);
	return 0;
}

static void ata_pci_remove(struct pci_dev *pdev)
{
	struct ata_host *host = pci_get_drvdata(pdev);

	ata_host_stop(host);
	ata_host_free(host);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id ata_pci_ids[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_IDE, 0xffff00) },
	{ }
};
MODULE_DEVICE_TABLE(pci, ata_pci_ids);

static struct pci_driver ata_pci_driver = {
	.name = "ata",
	.id_table = ata_pci_ids,
	.probe = ata_pci_probe,
	.remove = ata_pci_remove,
};

/* No PCI IDE function: try the ISA ports (PIO only, interrupts 14 and 15). */
static int ata_legacy_probe(void)
{
	struct ata_host *host = ata_host_alloc(NULL);
	int found = 0;

	if (!host)
		return -ENOMEM;
	ata_host_link(host);
	for (int c = 0; c < 2; c++)
		found += ata_channel_bring_up(&host->channels[c]);
	if (host->channels[0].floating && host->channels[1].floating) {
		ata_host_free(host);
		return -ENODEV;
	}
	pr_info("ata: legacy ports 0x1f0/0x170: %d device(s)\n", found);
	ata_legacy_host = host;
	return 0;
}

static int __init ata_init(void)
{
	int ret;

	ret = pci_register_driver(&ata_pci_driver);
	if (ret)
		return ret;
	if (!ata_hosts) {
		ret = ata_legacy_probe();
		if (ret) {
			pr_err("ata: no IDE controller: no PCI IDE function, and the legacy ports "
			       "0x1f0/0x170 float\n");
			goto out_unregister_pci;
		}
	}
	ret = ata_command_register();
	if (ret)
		goto out_stop_legacy;
	return 0;

out_stop_legacy:
	if (ata_legacy_host) {
		ata_host_stop(ata_legacy_host);
		ata_host_free(ata_legacy_host);
		ata_legacy_host = NULL;
	}
out_unregister_pci:
	pci_unregister_driver(&ata_pci_driver);
	return ret;
}

static void __exit ata_exit(void)
{
	ata_command_unregister();
	if (ata_legacy_host) {
		ata_host_stop(ata_legacy_host);
		ata_host_free(ata_legacy_host);
		ata_legacy_host = NULL;
	}
	pci_unregister_driver(&ata_pci_driver);
}

module_init(ata_init);
module_exit(ata_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IDE/ATA disks and ATAPI drives: PIO and bus master DMA");
