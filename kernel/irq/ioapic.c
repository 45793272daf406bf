/*
 * The I/O APICs (82093AA datasheet; ACPI MADT): each pin is one Global System Interrupt,
 * programmed with a redirection entry (vector, polarity, trigger, mask, destination APIC id).
 * ISA IRQs reach it through the MADT's Interrupt Source Overrides; PCI INTx lines (GSI 16 and
 * up on q35) are level triggered, active low.
 */
#define pr_fmt(fmt) "ioapic: " fmt

#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include "acpi/madt.h"
#include "irq/apic.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_RTE(pin) (0x10 + 2 * (pin))

#define RTE_POLARITY_LOW (1u << 13)
#define RTE_TRIGGER_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

struct ioapic {
	volatile u32 *base;
	u32 gsi_base;
	unsigned int pins;
};

static struct ioapic ioapics[MADT_MAX_IOAPICS];
static unsigned int nr_ioapics;
static struct madt_override isa_overrides[MADT_ISA_IRQS];

static u32 io_read(struct ioapic *io, u8 reg)
{
	io->base[IOREGSEL / 4] = reg;
	return io->base[IOWIN / 4];
}

static void io_write(struct ioapic *io, u8 reg, u32 val)
{
	io->base[IOREGSEL / 4] = reg;
	io->base[IOWIN / 4] = val;
}

static struct ioapic *gsi_to_ioapic(u32 gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static int ioapic_add(const struct madt_ioapic *m)
{
	struct ioapic *io = &ioapics[nr_ioapics];

	io->base = ioremap(m->address, 0x20);
	if (!io->base)
		return -ENOMEM;
	io->gsi_base = m->gsi_base;
	io->pins = ((io_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
	for (unsigned int pin = 0; pin < io->pins; pin++)
		io_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
	pr_info("I/O APIC id %u at 0x%x: GSI %u-%u, all masked\n", m->id, m->address,
		io->gsi_base, io->gsi_base + io->pins - 1);
	nr_ioapics++;
	return 0;
}

int ioapic_init(const struct madt_info *madt)
{
	for (unsigned int i = 0; i < madt->nr_ioapics; i++) {
		int err = ioapic_add(&madt->ioapics[i]);

		if (err)
			pr_err("cannot map the I/O APIC at 0x%x: %d\n", madt->ioapics[i].address, err);
	}
	for (unsigned int irq = 0; irq < MADT_ISA_IRQS; irq++) {
		isa_overrides[irq] = madt->isa[irq];
		if (madt->isa[irq].present)
			pr_info("ISA IRQ %u -> GSI %u (%s, active %s)\n", irq, madt->isa[irq].gsi,
				(madt->isa[irq].flags & MPS_INTI_TRIGGER_MASK) ==
						MPS_INTI_TRIGGER_LEVEL ? "level" : "edge",
				(madt->isa[irq].flags & MPS_INTI_POLARITY_MASK) ==
						MPS_INTI_POLARITY_LOW ? "low" : "high");
	}
	return nr_ioapics ? 0 : -ENODEV;
}

/* True when an override moves another ISA IRQ onto gsi (QEMU: IRQ 0 onto GSI 2). */
static bool gsi_taken_by_override(u32 gsi, unsigned int irq)
{
	for (unsigned int i = 0; i < MADT_ISA_IRQS; i++)
		if (i != irq && isa_overrides[i].present && isa_overrides[i].gsi == gsi)
			return true;
	return false;
}

int ioapic_irq_to_gsi(unsigned int irq, u32 *gsi, bool *level, bool *active_low)
{
	unsigned int pin;

	if (irq < MADT_ISA_IRQS) {
		const struct madt_override *o = &isa_overrides[irq];
		u16 flags = o->present ? o->flags : 0;

		/* "Conforms to the bus" (0) means ISA's: edge, active high. */
		*gsi = o->present ? o->gsi : irq;
		*level = (flags & MPS_INTI_TRIGGER_MASK) == MPS_INTI_TRIGGER_LEVEL;
		*active_low = (flags & MPS_INTI_POLARITY_MASK) == MPS_INTI_POLARITY_LOW;
	} else {
		*gsi = irq;
		*level = *active_low = true; /* PCI INTx */
	}
	if (gsi_taken_by_override(*gsi, irq))
		return -EBUSY;
	return gsi_to_ioapic(*gsi, &pin) ? 0 : -ENODEV;
}

int ioapic_setup_pin(u32 gsi, u8 vector, bool level, bool active_low)
{
	unsigned int pin;
	struct ioapic *io = gsi_to_ioapic(gsi, &pin);
	u32 low = vector | RTE_MASKED;

	if (!io)
		return -ENODEV;
	if (level)
		low |= RTE_TRIGGER_LEVEL;
	if (active_low)
		low |= RTE_POLARITY_LOW;
	io_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
	io_write(io, IOAPIC_REG_RTE(pin) + 1, lapic_id() << 24);
	io_write(io, IOAPIC_REG_RTE(pin), low);
	return 0;
}

static void ioapic_set_mask(u32 gsi, bool masked)
{
	unsigned int pin;
	struct ioapic *io = gsi_to_ioapic(gsi, &pin);
	u32 low;

	if (!io)
		return;
	low = io_read(io, IOAPIC_REG_RTE(pin));
	low = masked ? low | RTE_MASKED : low & ~RTE_MASKED;
	io_write(io, IOAPIC_REG_RTE(pin), low);
}

static void ioapic_mask(unsigned int irq, void *chip_data, u32 gsi)
{
	ioapic_set_mask(gsi, true);
}

static void ioapic_unmask(unsigned int irq, void *chip_data, u32 gsi)
{
	ioapic_set_mask(gsi, false);
}

/* A level-triggered pin is re-armed by the EOI the Local APIC broadcasts to the I/O APICs. */
static void ioapic_eoi(unsigned int irq, void *chip_data, u32 gsi)
{
	lapic_eoi();
}

const struct irq_chip ioapic_chip = {
	.name = "IO-APIC",
	.irq_mask = ioapic_mask,
	.irq_unmask = ioapic_unmask,
	.irq_eoi = ioapic_eoi,
};
