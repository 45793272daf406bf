/*
 * Which IRQ a function's INTx pin raises. With the 8259, and on the PIIX (-M pc), it is the
 * Interrupt Line firmware wrote: an ISA IRQ (10/11 on QEMU), which the IRQ core routes
 * through the MADT's overrides when the I/O APIC is in use. On the ICH9 (q35) the I/O APIC
 * sees the PIRQ lines directly as GSIs 16-23, while the Interrupt Line names the 8259 IRQ
 * the PIRQ was also steered to; without ACPI's _PRT Keel uses the ICH9's reset routing
 * (the one QEMU's _PRT describes): devices 25-31 route INTA-D to PIRQ A-D, the others
 * (device + pin) % 4 to PIRQ E-H; functions behind bridges are swizzled up to bus 0 (PCI
 * bridge spec 9.1). Drivers should prefer MSI, so this matters only for legacy devices.
 */
#include <keel/irq.h>
#include <keel/printk.h>
#include "pci_internal.h"

#define ICH9_LPC_DEVFN PCI_DEVFN(31, 0)
#define ICH9_LPC_DEVICE 0x2918
#define ICH9_GSI_PIRQA 16

static bool is_ich9(const struct pci_dev_list *list)
{
	for (int i = 0; i < list->count; i++) {
		const struct pci_dev *d = list->devs[i];

		if (d->bus_number == 0 && d->devfn == ICH9_LPC_DEVFN && d->vendor == 0x8086 &&
		    d->device == ICH9_LPC_DEVICE)
			return true;
	}
	return false;
}

static const struct pci_dev *bridge_to(const struct pci_dev_list *list, u8 bus)
{
	for (int i = 0; i < list->count; i++)
		if (list->devs[i]->hdr_type == PCI_HEADER_TYPE_BRIDGE &&
		    list->devs[i]->secondary == bus)
			return list->devs[i];
	return NULL;
}

/* GSI of dev's pin on the ICH9, or 0 when a bridge on the way up is missing. */
static unsigned int ich9_gsi(const struct pci_dev_list *list, const struct pci_dev *dev)
{
	unsigned int pin = dev->pin - 1, slot = PCI_SLOT(dev->devfn);
	u8 bus = dev->bus_number;

	while (bus != 0) {
		const struct pci_dev *br = bridge_to(list, bus);

		if (!br)
			return 0;
		pin = (pin + slot) % 4;
		slot = PCI_SLOT(br->devfn);
		bus = br->bus_number;
	}
	if (slot >= 25 && slot != 30) /* 30, the DMI-to-PCI bridge, routes to PIRQ E-H */
		return ICH9_GSI_PIRQA + pin;
	if (slot == 30)
		return ICH9_GSI_PIRQA + 4 + pin;
	return ICH9_GSI_PIRQA + 4 + (slot + pin) % 4;
}

void pci_route_intx(struct pci_dev_list *list)
{
	bool ich9 = irq_apic_mode() && is_ich9(list);

	for (int i = 0; i < list->count; i++) {
		struct pci_dev *dev = list->devs[i];

		if (ich9 && dev->pin >= 1 && dev->pin <= 4) {
			unsigned int gsi = ich9_gsi(list, dev);

			if (gsi)
				dev->irq = gsi;
		}
		dev->intx_irq = dev->irq;
	}
	if (ich9)
		pr_info("pci: ICH9 with I/O APIC: INTx on PIRQ GSIs %d-%d\n", ICH9_GSI_PIRQA,
			ICH9_GSI_PIRQA + 7);
}
