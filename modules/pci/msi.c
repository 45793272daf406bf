/*
 * MSI and MSI-X (PCI Local Bus 3.0 sections 6.8.1-6.8.2) behind Linux's
 * pci_alloc_irq_vectors() API: the capability is programmed with the message the kernel's
 * IRQ core composes for each vector (kernel/irq/msi.c), vectors are masked through the
 * MSI-X table or the MSI mask bits, and everything is undone by pci_free_irq_vectors().
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include "pci_internal.h"

#define PCI_MAX_VECTORS 32

static u16 cfg_read16(struct pci_dev *dev, int where)
{
	u16 v = 0;

	pci_read_config_word(dev, where, &v);
	return v;
}

static void intx_disable(struct pci_dev *dev, bool off)
{
	u16 cmd = cfg_read16(dev, PCI_COMMAND);

	cmd = off ? cmd | PCI_COMMAND_INTX_DISABLE : cmd & ~PCI_COMMAND_INTX_DISABLE;
	pci_write_config_word(dev, PCI_COMMAND, cmd);
}

/* MSI-X: each vector has its own entry and mask bit in the table. */
static volatile u32 *msix_entry(struct pci_dev *dev, u32 index)
{
	return (volatile u32 *)((u8 *)dev->msix_table + index * PCI_MSIX_ENTRY_SIZE);
}

static void msix_set_mask(struct pci_dev *dev, u32 index, bool masked)
{
	volatile u32 *e = msix_entry(dev, index);

	e[PCI_MSIX_ENTRY_VECTOR_CTRL / 4] = masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0;
	(void)e[PCI_MSIX_ENTRY_VECTOR_CTRL / 4]; /* flush the posted write */
}

static void msix_mask(unsigned int irq, void *chip_data, u32 index)
{
	msix_set_mask(chip_data, index, true);
}

static void msix_unmask(unsigned int irq, void *chip_data, u32 index)
{
	msix_set_mask(chip_data, index, false);
}

/* MSI: one mask bit per vector, only when the capability has them (MASKBIT). */
static void msi_set_mask(struct pci_dev *dev, bool masked)
{
	u8 cap = pci_find_capability(dev, PCI_CAP_ID_MSI);
	u16 flags = cfg_read16(dev, cap + PCI_MSI_FLAGS);
	int where = flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;

	if (flags & PCI_MSI_FLAGS_MASKBIT)
		pci_write_config_dword(dev, cap + where, masked ? 1 : 0);
}

static void msi_mask(unsigned int irq, void *chip_data, u32 index)
{
	msi_set_mask(chip_data, true);
}

static void msi_unmask(unsigned int irq, void *chip_data, u32 index)
{
	msi_set_mask(chip_data, false);
}

static const struct irq_chip msix_chip = {
	.name = "PCI-MSIX",
	.irq_mask = msix_mask,
	.irq_unmask = msix_unmask,
};

static const struct irq_chip msi_chip = {
	.name = "PCI-MSI",
	.irq_mask = msi_mask,
	.irq_unmask = msi_unmask,
};

static int msix_map_table(struct pci_dev *dev, u8 cap, unsigned int nvec)
{
	u32 table;
	int bir;

	pci_read_config_dword(dev, cap + PCI_MSIX_TABLE, &table);
	bir = table & PCI_MSIX_TABLE_BIR;
	if (bir >= PCI_STD_NUM_BARS || !(pci_resource_flags(dev, bir) & IORESOURCE_MEM) ||
	    (table & ~PCI_MSIX_TABLE_BIR) + (u64)nvec * PCI_MSIX_ENTRY_SIZE >
		    pci_resource_len(dev, bir)) {
		pr_err("pci: %s: MSI-X table (BAR %d offset 0x%x) outside its BAR\n", pci_name(dev),
		       bir, table & ~PCI_MSIX_TABLE_BIR);
		return -EINVAL;
	}
	dev->msix_table = ioremap(pci_resource_start(dev, bir) + (table & ~PCI_MSIX_TABLE_BIR),
				  nvec * PCI_MSIX_ENTRY_SIZE);
	return dev->msix_table ? 0 : -ENOMEM;
}

static int msix_enable(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs)
{
	u8 cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
	unsigned int nvec;
	int first, err;
	u16 flags;

	if (!cap)
		return -ENOSPC;
	flags = cfg_read16(dev, cap + PCI_MSIX_FLAGS);
	nvec = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	if (nvec < min_vecs)
		return -ENOSPC;
	if (nvec > max_vecs)
		nvec = max_vecs;
	err = msix_map_table(dev, cap, nvec);
	if (err)
		return err;
	first = irq_alloc_msi(nvec, &msix_chip, dev);
	if (first < 0) {
		err = first;
		goto out_unmap;
	}
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS, flags | PCI_MSIX_FLAGS_MASKALL |
				  PCI_MSIX_FLAGS_ENABLE);
	for (unsigned int i = 0; i < nvec; i++) {
		volatile u32 *e = msix_entry(dev, i);
		struct msi_msg msg;

		irq_msi_message(first + i, &msg);
		e[PCI_MSIX_ENTRY_VECTOR_CTRL / 4] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
		e[PCI_MSIX_ENTRY_LOWER_ADDR / 4] = msg.address_lo;
		e[PCI_MSIX_ENTRY_UPPER_ADDR / 4] = msg.address_hi;
		e[PCI_MSIX_ENTRY_DATA / 4] = msg.data;
	}
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS, flags | PCI_MSIX_FLAGS_ENABLE);
	dev->irq = first;
	dev->irq_type = PCI_IRQ_MSIX;
	return nvec;

out_unmap:
	iounmap(dev->msix_table);
	dev->msix_table = NULL;
	return err;
}

static int msi_enable(struct pci_dev *dev)
{
	u8 cap = pci_find_capability(dev, PCI_CAP_ID_MSI);
	struct msi_msg msg;
	bool is64;
	int first;
	u16 flags;

	if (!cap)
		return -ENOSPC;
	flags = cfg_read16(dev, cap + PCI_MSI_FLAGS);
	is64 = flags & PCI_MSI_FLAGS_64BIT;
	/* One vector: several would need a power-of-two aligned block of them. */
	first = irq_alloc_msi(1, &msi_chip, dev);
	if (first < 0)
		return first;
	irq_msi_message(first, &msg);
	msi_set_mask(dev, true);
	pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_LO, msg.address_lo);
	if (is64)
		pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_HI, msg.address_hi);
	pci_write_config_word(dev, cap + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), msg.data);
	flags &= ~PCI_MSI_FLAGS_QSIZE;
	pci_write_config_word(dev, cap + PCI_MSI_FLAGS, flags | PCI_MSI_FLAGS_ENABLE);
	dev->irq = first;
	dev->irq_type = PCI_IRQ_MSI;
	return 1;
}

static int intx_enable(struct pci_dev *dev)
{
	if (!dev->pin || !dev->intx_irq)
		return -ENOSPC;
	dev->irq = dev->intx_irq;
	dev->irq_type = PCI_IRQ_LEGACY;
	return 1;
}

int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs,
			  unsigned int flags)
{
	int ret = -ENOSPC;

	if (!dev || dev->irq_type || !min_vecs || min_vecs > max_vecs ||
	    max_vecs > PCI_MAX_VECTORS || !(flags & PCI_IRQ_ALL_TYPES))
		return -EINVAL;
	if ((flags & PCI_IRQ_MSIX) && irq_apic_mode())
		ret = msix_enable(dev, min_vecs, max_vecs);
	if (ret < 0 && (flags & PCI_IRQ_MSI) && irq_apic_mode() && min_vecs == 1)
		ret = msi_enable(dev);
	if (ret < 0 && (flags & PCI_IRQ_LEGACY) && min_vecs == 1)
		ret = intx_enable(dev);
	if (ret < 0)
		return ret;
	dev->irq_nvec = ret;
	if (dev->irq_type != PCI_IRQ_LEGACY)
		intx_disable(dev, true);
	return ret;
}
EXPORT_SYMBOL_GPL(pci_alloc_irq_vectors);

int pci_irq_vector(struct pci_dev *dev, unsigned int nr)
{
	if (!dev || !dev->irq_type || nr >= dev->irq_nvec)
		return -EINVAL;
	return (int)(dev->irq + nr);
}
EXPORT_SYMBOL_GPL(pci_irq_vector);

static void msi_disable(struct pci_dev *dev, int cap_id, u16 enable_bit)
{
	u8 cap = pci_find_capability(dev, cap_id);

	pci_write_config_word(dev, cap + PCI_MSI_FLAGS, cfg_read16(dev, cap + PCI_MSI_FLAGS) &
				  ~enable_bit);
}

void pci_free_irq_vectors(struct pci_dev *dev)
{
	if (!dev || !dev->irq_type)
		return;
	if (dev->irq_type == PCI_IRQ_MSIX) {
		for (unsigned int i = 0; i < dev->irq_nvec; i++)
			msix_set_mask(dev, i, true);
		msi_disable(dev, PCI_CAP_ID_MSIX, PCI_MSIX_FLAGS_ENABLE);
		irq_free_msi(dev->irq, dev->irq_nvec);
		iounmap(dev->msix_table);
		dev->msix_table = NULL;
	} else if (dev->irq_type == PCI_IRQ_MSI) {
		msi_set_mask(dev, true);
		msi_disable(dev, PCI_CAP_ID_MSI, PCI_MSI_FLAGS_ENABLE);
		irq_free_msi(dev->irq, 1);
	}
	if (dev->irq_type != PCI_IRQ_LEGACY)
		intx_disable(dev, false);
	dev->irq = dev->intx_irq;
	dev->irq_type = 0;
	dev->irq_nvec = 0;
}
EXPORT_SYMBOL_GPL(pci_free_irq_vectors);
