/*
 * Chooses who delivers interrupts at boot: the Local APIC and I/O APICs the ACPI MADT
 * describes, with the 8259 pair remapped and masked; or, without a usable MADT or with
 * `noapic` on the command line, the 8259 alone (then there is no MSI).
 */
#define pr_fmt(fmt) "irq: " fmt

#include <keel/cmdline.h>
#include <keel/export.h>
#include <keel/printk.h>
#include "acpi/madt.h"
#include "irq/apic.h"
#include "irq/irq.h"
#include "irq/irq_internal.h"
#include "irq/pic.h"

static bool apic_mode;
static struct madt_info madt; /* static: too big for the boot stack's taste */

bool irq_apic_mode(void)
{
	return apic_mode;
}
EXPORT_SYMBOL(irq_apic_mode);

/* Lines 0-47 that reach an I/O APIC pin get the pin programmed (masked) and the chip. */
static unsigned int ioapic_attach_lines(void)
{
	unsigned int n = 0;

	for (unsigned int irq = 0; irq < IRQ_GSI_LIMIT; irq++) {
		bool level, low;
		u32 gsi;

		if (ioapic_irq_to_gsi(irq, &gsi, &level, &low) ||
		    ioapic_setup_pin(gsi, IRQ_VECTOR_BASE + irq, level, low))
			continue;
		irq_line_set_chip(irq, &ioapic_chip, NULL, gsi, level);
		n++;
	}
	return n;
}

static int apic_setup(void)
{
	int err = acpi_madt_read(&madt);

	if (err) {
		pr_warn("no usable ACPI MADT (%d); using the 8259 PICs\n", err);
		return err;
	}
	err = ioapic_init(&madt);
	if (err) {
		pr_warn("no I/O APIC answered (%d); using the 8259 PICs\n", err);
		return err;
	}
	/* Last: from here on the 8259 cannot reach the CPU (LINT0 masked). */
	err = lapic_init(madt.lapic_address);
	if (err) {
		pr_warn("Local APIC unusable (%d); using the 8259 PICs\n", err);
		return err;
	}
	pic_disable();
	apic_mode = true;
	pr_info("IO-APIC mode: %u lines on vectors 0x%x-0x%x, 8259 masked, MSI from IRQ %u\n",
		ioapic_attach_lines(), IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + IRQ_GSI_LIMIT - 1,
		IRQ_MSI_FIRST);
	return 0;
}

void irq_init(void)
{
	/* Remapped even when unused: a stray 8259 vector must not look like an exception. */
	pic_init(IRQ_VECTOR_BASE);
	if (cmdline_has("noapic"))
		pr_info("noapic on the command line\n");
	else if (apic_setup() == 0)
		return;
	for (unsigned int irq = 0; irq < NR_ISA_IRQS; irq++)
		irq_line_set_chip(irq, &pic_chip, NULL, irq, false);
	pr_info("8259 PICs remapped to vectors 0x%x-0x%x, all lines masked\n", IRQ_VECTOR_BASE,
		IRQ_VECTOR_BASE + NR_ISA_IRQS - 1);
}
