/*
 * PCI configuration mechanism #1: an address written to port 0xcf8 selects a bus, device,
 * function and dword register; port 0xcfc (+0..3 for narrower accesses) reads or writes it.
 * Also the pci_{read,write}_config_* functions exported to drivers.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include "pci_internal.h"

#define PCI_CONF1_ADDRESS_PORT 0xcf8
#define PCI_CONF1_DATA_PORT 0xcfc
#define PCI_CONF1_ENABLE 0x80000000u

static u32 conf1_address(u8 bus, u8 devfn, int where)
{
	return PCI_CONF1_ENABLE | (u32)bus << 16 | (u32)devfn << 8 | (where & 0xfc);
}

/*
 * The address register is a latch: a real mechanism #1 host bridge reads back what was
 * written, a machine without one floats the bus (all ones). Its old value is put back.
 */
bool pci_conf1_present(void)
{
	unsigned long flags;
	u32 saved, readback;

	local_irq_save(flags);
	saved = inl(PCI_CONF1_ADDRESS_PORT);
	outl(PCI_CONF1_ADDRESS_PORT, PCI_CONF1_ENABLE);
	readback = inl(PCI_CONF1_ADDRESS_PORT);
	outl(PCI_CONF1_ADDRESS_PORT, saved);
	local_irq_restore(flags);
	return readback == PCI_CONF1_ENABLE;
}

/* The address/data pair must not be split by an interrupt handler doing its own access. */
u32 pci_conf_read(u8 bus, u8 devfn, int where, int size)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA_PORT + (where & 3);
	u32 val;

	local_irq_save(flags);
	outl(PCI_CONF1_ADDRESS_PORT, conf1_address(bus, devfn, where));
	if (size == 1)
		val = inb(port);
	else if (size == 2)
		val = inw(port);
	else
		val = inl(port);
	local_irq_restore(flags);
	return val;
}

void pci_conf_write(u8 bus, u8 devfn, int where, int size, u32 val)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA_PORT + (where & 3);

	local_irq_save(flags);
	outl(PCI_CONF1_ADDRESS_PORT, conf1_address(bus, devfn, where));
	if (size == 1)
		outb(port, val);
	else if (size == 2)
		outw(port, val);
	else
		outl(port, val);
	local_irq_restore(flags);
}

unsigned long pci_config_lock(void)
{
	return arch_local_irq_save();
}

void pci_config_unlock(unsigned long flags)
{
	local_irq_restore(flags);
}

static bool config_offset_ok(const struct pci_dev *dev, int where, int size)
{
	return dev && where >= 0 && where + size <= 256 && (where & (size - 1)) == 0;
}

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	if (!config_offset_ok(dev, where, 1))
		return -EINVAL;
	*val = pci_conf_read(dev->bus_number, dev->devfn, where, 1);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_read_config_byte);

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	if (!config_offset_ok(dev, where, 2))
		return -EINVAL;
	*val = pci_conf_read(dev->bus_number, dev->devfn, where, 2);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_read_config_word);

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	if (!config_offset_ok(dev, where, 4))
		return -EINVAL;
	*val = pci_conf_read(dev->bus_number, dev->devfn, where, 4);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_read_config_dword);

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	if (!config_offset_ok(dev, where, 1))
		return -EINVAL;
	pci_conf_write(dev->bus_number, dev->devfn, where, 1, val);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_write_config_byte);

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	if (!config_offset_ok(dev, where, 2))
		return -EINVAL;
	pci_conf_write(dev->bus_number, dev->devfn, where, 2, val);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_write_config_word);

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	if (!config_offset_ok(dev, where, 4))
		return -EINVAL;
	pci_conf_write(dev->bus_number, dev->devfn, where, 4, val);
	return 0;
}
EXPORT_SYMBOL_GPL(pci_write_config_dword);
