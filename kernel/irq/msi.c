/*
 * IRQs for Message Signalled Interrupts: a flat range of IDT vectors above the I/O APIC's
 * (IRQ_MSI_FIRST..NR_IRQS-1), handed out in consecutive runs to pci.ko, which owns the
 * device-side masking (struct irq_chip). The message a device writes targets this CPU's
 * Local APIC directly (Intel SDM vol. 3A 11.11), so MSI needs the APIC, not the I/O APIC.
 */
#define pr_fmt(fmt) "msi: " fmt

#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irq.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include "irq/apic.h"
#include "irq/irq.h"
#include "irq/irq_internal.h"

#define MSI_MAX_VECTORS 32
#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_ADDRESS_DEST_SHIFT 12

/* Which MSI IRQs are handed out; a chip alone does not say (a freed line keeps none). */
static bool msi_used[NR_IRQS];

static bool msi_run_free(unsigned int first, unsigned int nvec)
{
	for (unsigned int irq = first; irq < first + nvec; irq++)
		if (msi_used[irq])
			return false;
	return true;
}

int irq_alloc_msi(unsigned int nvec, const struct irq_chip *chip, void *chip_data)
{
	unsigned long flags;
	int first = -ENOSPC;

	if (!irq_apic_mode())
		return -ENODEV;
	if (nvec == 0 || nvec > MSI_MAX_VECTORS || !chip)
		return -EINVAL;
	local_irq_save(flags);
	for (unsigned int irq = IRQ_MSI_FIRST; irq + nvec <= NR_IRQS; irq++) {
		if (!msi_run_free(irq, nvec))
			continue;
		for (unsigned int i = 0; i < nvec; i++) {
			msi_used[irq + i] = true;
			irq_line_set_chip(irq + i, chip, chip_data, i, false);
		}
		first = (int)irq;
		break;
	}
	local_irq_restore(flags);
	return first;
}
EXPORT_SYMBOL(irq_alloc_msi);

void irq_free_msi(unsigned int first, unsigned int nvec)
{
	for (unsigned int irq = first; irq < first + nvec && irq < NR_IRQS; irq++) {
		unsigned long flags;

		if (irq < IRQ_MSI_FIRST || !msi_used[irq]) {
			pr_warn("irq_free_msi: IRQ %u is not an allocated MSI IRQ\n", irq);
			continue;
		}
		irq_release_line(irq, "msi");
		local_irq_save(flags);
		irq_line_set_chip(irq, NULL, NULL, 0, false);
		msi_used[irq] = false;
		local_irq_restore(flags);
	}
}
EXPORT_SYMBOL(irq_free_msi);

int irq_msi_message(unsigned int irq, struct msi_msg *msg)
{
	if (irq >= NR_IRQS || !msi_used[irq])
		return -EINVAL;
	msg->address_lo = MSI_ADDRESS_BASE | (lapic_id() << MSI_ADDRESS_DEST_SHIFT);
	msg->address_hi = 0;
	msg->data = IRQ_VECTOR_BASE + irq; /* fixed delivery, edge */
	return 0;
}
EXPORT_SYMBOL(irq_msi_message);

/* How many MSI IRQs are handed out, for tests of leaks (the `irqs` command prints it). */
unsigned int irq_msi_in_use(void)
{
	unsigned int n = 0;

	for (unsigned int irq = IRQ_MSI_FIRST; irq < NR_IRQS; irq++)
		n += msi_used[irq];
	return n;
}
