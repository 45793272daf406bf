/*
 * The scan: every bus reachable from bus 0 through PCI-to-PCI bridges (as firmware numbered
 * them), every device, every function of multi-function devices. Each function present becomes
 * a struct pci_dev with its IDs, class, interrupt, capabilities and sized BARs.
 */
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "pci_internal.h"

#define PCI_MAX_BUSES 256
#define PCI_CAP_LIST_FIRST 0x40 /* capabilities live after the standard header */
#define PCI_CB_CAPABILITY_LIST 0x14

/*
 * Buses behind bridges are scanned by recursion, a few hundred bytes of kernel stack a level;
 * bus numbers only grow along a chain, but 255 levels would overflow the 16 KiB stack. Real
 * hierarchies (PCIe switches) are a handful of levels deep.
 */
#define PCI_MAX_BRIDGE_DEPTH 16

struct pci_scan {
	struct pci_dev_list *list;
	u8 seen_bus[PCI_MAX_BUSES / 8]; /* guards against bridges looping back */
	unsigned int depth;             /* bridges between bus 0 and the bus being scanned */
};

static int scan_bus(struct pci_scan *scan, u8 bus, struct pci_dev *bridge);

static u32 conf_read(const struct pci_dev *pdev, int where, int size)
{
	return pci_conf_read(pdev->bus_number, pdev->devfn, where, size);
}

/* Follows the capability list; a malformed list ends at its first bad link or 48 entries. */
static void read_capabilities(struct pci_dev *pdev)
{
	int where = pdev->hdr_type == PCI_HEADER_TYPE_CARDBUS ? PCI_CB_CAPABILITY_LIST :
								  PCI_CAPABILITY_LIST;
	u8 pos, id;

	if (!(conf_read(pdev, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return;
	pos = conf_read(pdev, where, 1) & 0xfc;
	while (pos >= PCI_CAP_LIST_FIRST && pdev->num_caps < PCI_MAX_CAPS) {
		id = conf_read(pdev, pos, 1);
		if (id == 0xff)
			break;
		pdev->caps[pdev->num_caps].id = id;
		pdev->caps[pdev->num_caps++].offset = pos;
		pos = conf_read(pdev, pos + 1, 1) & 0xfc;
	}
}

static void read_header(struct pci_dev *pdev)
{
	u8 hdr = conf_read(pdev, PCI_HEADER_TYPE, 1);

	pdev->vendor = conf_read(pdev, PCI_VENDOR_ID, 2);
	pdev->device = conf_read(pdev, PCI_DEVICE_ID, 2);
	pdev->class = conf_read(pdev, PCI_REVISION_ID, 4) >> 8;
	pdev->revision = conf_read(pdev, PCI_REVISION_ID, 1);
	pdev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	pdev->multifunction = hdr & PCI_HEADER_TYPE_MFD;
	pdev->irq = conf_read(pdev, PCI_INTERRUPT_LINE, 1);
	pdev->pin = conf_read(pdev, PCI_INTERRUPT_PIN, 1);
	if (pdev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		pdev->subsystem_vendor = conf_read(pdev, PCI_SUBSYSTEM_VENDOR_ID, 2);
		pdev->subsystem_device = conf_read(pdev, PCI_SUBSYSTEM_ID, 2);
	} else if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pdev->secondary = conf_read(pdev, PCI_SECONDARY_BUS, 1);
		pdev->subordinate = conf_read(pdev, PCI_SUBORDINATE_BUS, 1);
	}
}

static int list_add(struct pci_dev_list *list, struct pci_dev *pdev)
{
	struct pci_dev **grown;

	if (list->count == list->capacity) {
		grown = krealloc(list->devs, (list->capacity * 2 + 16) * sizeof(*grown), GFP_KERNEL);
		if (!grown)
			return -ENOMEM;
		list->devs = grown;
		list->capacity = list->capacity * 2 + 16;
	}
	list->devs[list->count++] = pdev;
	return 0;
}

void pci_free_dev(struct device *dev)
{
	kfree(to_pci_dev(dev));
}

static int scan_function(struct pci_scan *scan, u8 bus, u8 devfn, struct pci_dev *bridge)
{
	struct pci_dev *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	int ret;

	if (!pdev)
		return -ENOMEM;
	pdev->bus_number = bus;
	pdev->devfn = devfn;
	pdev->dev.parent = bridge ? &bridge->dev : NULL;
	pdev->dev.release = pci_free_dev;
	dev_set_name(&pdev->dev, "%04x:%02x:%02x.%u", PCI_DOMAIN, bus, PCI_SLOT(devfn),
		     PCI_FUNC(devfn));
	read_header(pdev);
	read_capabilities(pdev);
	pci_read_bases(pdev);
	if (list_add(scan->list, pdev) < 0) {
		kfree(pdev);
		return -ENOMEM;
	}
	/* Firmware numbers the buses behind bridges; a bridge it left at 0 leads nowhere yet. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_BRIDGE || pdev->secondary <= bus)
		return 0;
	if (scan->depth == PCI_MAX_BRIDGE_DEPTH) {
		pr_warn("pci: %s: bridges nested deeper than %d levels; bus %02x not scanned\n",
			pdev->dev.name, PCI_MAX_BRIDGE_DEPTH, pdev->secondary);
		return 0;
	}
	scan->depth++;
	ret = scan_bus(scan, pdev->secondary, pdev);
	scan->depth--;
	return ret;
}

static bool function_present(u8 bus, u8 devfn)
{
	u16 vendor = pci_conf_read(bus, devfn, PCI_VENDOR_ID, 2);

	return vendor != 0xffff && vendor != 0x0000;
}

static int scan_slot(struct pci_scan *scan, u8 bus, u8 slot, struct pci_dev *bridge)
{
	int functions, fn, ret;

	if (!function_present(bus, PCI_DEVFN(slot, 0)))
		return 0;
	functions = pci_conf_read(bus, PCI_DEVFN(slot, 0), PCI_HEADER_TYPE, 1) &
				    PCI_HEADER_TYPE_MFD ? 8 : 1;
	for (fn = 0; fn < functions; fn++) {
		if (!function_present(bus, PCI_DEVFN(slot, fn)))
			continue;
		ret = scan_function(scan, bus, PCI_DEVFN(slot, fn), bridge);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int scan_bus(struct pci_scan *scan, u8 bus, struct pci_dev *bridge)
{
	int slot, ret;

	if (scan->seen_bus[bus / 8] & (1u << (bus % 8)))
		return 0;
	scan->seen_bus[bus / 8] |= 1u << (bus % 8);
	for (slot = 0; slot < 32; slot++) {
		ret = scan_slot(scan, bus, slot, bridge);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool sorts_before(const struct pci_dev *a, const struct pci_dev *b)
{
	return a->bus_number != b->bus_number ? a->bus_number < b->bus_number :
						 a->devfn < b->devfn;
}

/* Insertion sort: a few dozen functions, found nearly in order already. */
static void sort_list(struct pci_dev_list *list)
{
	struct pci_dev *pdev;
	int i, j;

	for (i = 1; i < list->count; i++) {
		pdev = list->devs[i];
		for (j = i; j > 0 && sorts_before(pdev, list->devs[j - 1]); j--)
			list->devs[j] = list->devs[j - 1];
		list->devs[j] = pdev;
	}
}

int pci_scan_all(struct pci_dev_list *list)
{
	struct pci_scan scan = { .list = list };
	int ret = scan_bus(&scan, 0, NULL), i;

	if (ret < 0) {
		for (i = 0; i < list->count; i++)
			kfree(list->devs[i]);
		kfree(list->devs);
		list->devs = NULL;
		list->count = list->capacity = 0;
		return ret;
	}
	sort_list(list);
	return 0;
}
