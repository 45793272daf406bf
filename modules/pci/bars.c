/*
 * Base address registers: sizing them at scan time (write all ones, read the mask back, put
 * the old value back, with the device's decoding off meanwhile), and the resource, enable and
 * mapping functions drivers use.
 */
#include <keel/bug.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include "pci_internal.h"

#define PCI_BAR_MEM_ADDRESS_MASK 0xfffffff0u
#define PCI_BAR_IO_ADDRESS_MASK 0xfffffffcu
#define PCI_ROM_ADDRESS_MASK 0xfffff800u

static u32 conf_read32(const struct pci_dev *pdev, int where)
{
	return pci_conf_read(pdev->bus_number, pdev->devfn, where, 4);
}

static void conf_write32(const struct pci_dev *pdev, int where, u32 val)
{
	pci_conf_write(pdev->bus_number, pdev->devfn, where, 4, val);
}

/* What reads back from register where after writing probe to it; the old value is restored. */
static u32 probe_register(const struct pci_dev *pdev, int where, u32 probe)
{
	u32 orig = conf_read32(pdev, where), mask;

	conf_write32(pdev, where, probe);
	mask = conf_read32(pdev, where);
	conf_write32(pdev, where, orig);
	return mask;
}

static void set_resource(struct resource *res, u64 start, u64 size, unsigned long flags)
{
	res->start = start;
	res->end = start + size - 1;
	res->flags = flags;
}

/* Sizes BAR i; returns how many BAR registers it used (2 for a 64-bit memory BAR). */
static int size_bar(struct pci_dev *pdev, int i, int nbars)
{
	int where = PCI_BASE_ADDRESS_0 + 4 * i;
	u32 orig = conf_read32(pdev, where), mask = probe_register(pdev, where, ~0u);
	u64 addr, decode, flags;

	if (mask == 0 || mask == ~0u)
		return 1; /* unimplemented, or nothing answering */
	if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
		decode = mask & PCI_BAR_IO_ADDRESS_MASK;
		if (decode == 0)
			return 1;
		if ((decode & 0xffff0000) == 0) /* 16-bit I/O decoders leave the top half 0 */
			decode |= 0xffff0000;
		decode &= ~decode + 1;
		if (decode)
			set_resource(&pdev->resource[i], orig & PCI_BAR_IO_ADDRESS_MASK, decode,
				     IORESOURCE_IO);
		return 1;
	}
	addr = orig & PCI_BAR_MEM_ADDRESS_MASK;
	decode = mask & PCI_BAR_MEM_ADDRESS_MASK;
	flags = IORESOURCE_MEM | (orig & PCI_BASE_ADDRESS_MEM_PREFETCH ? IORESOURCE_PREFETCH : 0);
	if ((orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64) {
		if (i + 1 >= nbars)
			return 1; /* a 64-bit BAR needs the next register too: bogus */
		addr |= (u64)conf_read32(pdev, where + 4) << 32;
		decode |= (u64)probe_register(pdev, where + 4, ~0u) << 32;
		flags |= IORESOURCE_MEM_64;
	} else if (decode) {
		decode |= 0xffffffff00000000ull;
	}
	decode &= ~decode + 1;
	if (decode)
		set_resource(&pdev->resource[i], addr, decode, flags);
	return flags & IORESOURCE_MEM_64 ? 2 : 1;
}

static void size_rom(struct pci_dev *pdev, int where)
{
	u32 orig = conf_read32(pdev, where);
	u32 mask = probe_register(pdev, where, PCI_ROM_ADDRESS_MASK);
	u32 decode = mask & PCI_ROM_ADDRESS_MASK;

	if (decode == 0 || mask == ~0u)
		return;
	decode &= ~decode + 1;
	set_resource(&pdev->resource[PCI_ROM_RESOURCE], orig & PCI_ROM_ADDRESS_MASK, decode,
		     IORESOURCE_MEM | IORESOURCE_READONLY |
			     (orig & PCI_ROM_ADDRESS_ENABLE ? 0 : IORESOURCE_DISABLED));
}

/* Host bridges may be what routes the kernel's own memory accesses: never turn them off. */
static bool decode_must_stay_on(const struct pci_dev *pdev)
{
	return (pdev->class >> 8) == 0x0600;
}

void pci_read_bases(struct pci_dev *pdev)
{
	int nbars = 0, rom = 0, i;
	unsigned long flags;
	u16 cmd;

	if (pdev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		nbars = PCI_STD_NUM_BARS;
		rom = PCI_ROM_ADDRESS;
	} else if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		nbars = 2;
		rom = PCI_ROM_ADDRESS1;
	} else if (pdev->hdr_type == PCI_HEADER_TYPE_CARDBUS) {
		nbars = 1;
	}
	/* With interrupts off no handler can reach a device whose decoding is off for a moment. */
	flags = pci_config_lock();
	cmd = pci_conf_read(pdev->bus_number, pdev->devfn, PCI_COMMAND, 2);
	if (!decode_must_stay_on(pdev) && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
		pci_conf_write(pdev->bus_number, pdev->devfn, PCI_COMMAND, 2,
			       cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (i = 0; i < nbars;)
		i += size_bar(pdev, i, nbars);
	if (rom)
		size_rom(pdev, rom);
	if (!decode_must_stay_on(pdev) && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
		pci_conf_write(pdev->bus_number, pdev->devfn, PCI_COMMAND, 2, cmd);
	pci_config_unlock(flags);
}

/* ---- Exported to drivers ---- */

static const struct resource *resource_of(const struct pci_dev *dev, int bar)
{
	if (!dev || bar < 0 || bar >= PCI_NUM_RESOURCES)
		return NULL;
	return &dev->resource[bar];
}

u64 pci_resource_start(const struct pci_dev *dev, int bar)
{
	const struct resource *res = resource_of(dev, bar);

	return res && res->flags ? res->start : 0;
}
EXPORT_SYMBOL_GPL(pci_resource_start);

u64 pci_resource_len(const struct pci_dev *dev, int bar)
{
	const struct resource *res = resource_of(dev, bar);

	return res && res->flags ? res->end - res->start + 1 : 0;
}
EXPORT_SYMBOL_GPL(pci_resource_len);

unsigned long pci_resource_flags(const struct pci_dev *dev, int bar)
{
	const struct resource *res = resource_of(dev, bar);

	return res ? res->flags : 0;
}
EXPORT_SYMBOL_GPL(pci_resource_flags);

static void update_command(struct pci_dev *dev, u16 set, u16 clear)
{
	u16 cmd, new_cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	new_cmd = (cmd | set) & ~clear;
	if (new_cmd != cmd)
		pci_write_config_word(dev, PCI_COMMAND, new_cmd);
}

int pci_enable_device(struct pci_dev *dev)
{
	u16 decode = 0;
	int i;

	if (!dev)
		return -EINVAL;
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (dev->resource[i].flags & IORESOURCE_IO)
			decode |= PCI_COMMAND_IO;
		if (dev->resource[i].flags & IORESOURCE_MEM)
			decode |= PCI_COMMAND_MEMORY;
	}
	update_command(dev, decode, 0);
	dev->enable_count++;
	return 0;
}
EXPORT_SYMBOL_GPL(pci_enable_device);

void pci_disable_device(struct pci_dev *dev)
{
	if (!dev || WARN_ON(dev->enable_count <= 0))
		return;
	if (--dev->enable_count == 0)
		update_command(dev, 0, PCI_COMMAND_MASTER);
}
EXPORT_SYMBOL_GPL(pci_disable_device);

void pci_set_master(struct pci_dev *dev)
{
	update_command(dev, PCI_COMMAND_MASTER, 0);
}
EXPORT_SYMBOL_GPL(pci_set_master);

void pci_clear_master(struct pci_dev *dev)
{
	update_command(dev, 0, PCI_COMMAND_MASTER);
}
EXPORT_SYMBOL_GPL(pci_clear_master);

void *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen)
{
	u64 len = pci_resource_len(dev, bar);

	if (!len || !(pci_resource_flags(dev, bar) & IORESOURCE_MEM))
		return NULL;
	if (maxlen && maxlen < len)
		len = maxlen;
	return ioremap(pci_resource_start(dev, bar), len);
}
EXPORT_SYMBOL_GPL(pci_iomap);

void pci_iounmap(struct pci_dev *dev, void *addr)
{
	if (addr)
		iounmap(addr);
}
EXPORT_SYMBOL_GPL(pci_iounmap);

u8 pci_find_capability(const struct pci_dev *dev, int cap)
{
	int i;

	for (i = 0; dev && i < dev->num_caps; i++)
		if (dev->caps[i].id == cap)
			return dev->caps[i].offset;
	return 0;
}
EXPORT_SYMBOL_GPL(pci_find_capability);
