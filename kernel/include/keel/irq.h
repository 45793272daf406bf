/* Hardware interrupt registration for drivers (interface; implemented in kernel/irq/). */
#ifndef KEEL_IRQ_H
#define KEEL_IRQ_H

#include <keel/types.h>

typedef enum { IRQ_NONE = 0, IRQ_HANDLED = 1 } irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x00000080

/*
 * An interrupt controller as the IRQ core drives it (Linux's struct irq_chip, trimmed): the
 * 8259, the I/O APIC, and MSI (pci.ko's). Every op runs with interrupts off and must not
 * sleep; hwirq is the controller's own number (8259 line, GSI, MSI vector index), chip_data
 * what was registered with the line.
 */
struct irq_chip {
	const char *name; /* the /proc/interrupts column: "XT-PIC", "IO-APIC", "PCI-MSI" */
	void (*irq_mask)(unsigned int irq, void *chip_data, u32 hwirq);
	void (*irq_unmask)(unsigned int irq, void *chip_data, u32 hwirq);
	/* NULL: the Local APIC's EOI is all it needs (MSI, edge triggered). */
	void (*irq_eoi)(unsigned int irq, void *chip_data, u32 hwirq);
	/* Optional: true when this interrupt was spurious; no handler runs and no EOI is sent. */
	bool (*irq_is_spurious)(unsigned int irq, void *chip_data, u32 hwirq);
};

/*
 * Installs handler for irq: 0-15 are the ISA IRQs (on the I/O APIC translated through the
 * MADT's overrides: IRQ 0 is GSI 2 on QEMU), 16-47 I/O APIC GSIs of that number (PCI INTx on
 * q35), and MSI vectors from pci_irq_vector() (<keel/pci.h>). Returns 0, -EINVAL (bad
 * irq/handler, or no controller serves irq), -EBUSY (line taken and not shared by both),
 * -ENOMEM. Unlike Linux's it never sleeps, so it may be called with
 * interrupts off: a serial console hand-over must swap the early console's handler for the
 * driver's in one step. free_irq likewise. Follows Linux's request_irq.
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev_id);
void free_irq(unsigned int irq, void *dev_id);
void enable_irq(unsigned int irq);
void disable_irq(unsigned int irq);

/* True when the I/O APIC delivers the ISA IRQs and MSI is available; false in 8259 mode
 * (`noapic` on the command line, no usable MADT). Fixed after boot. */
bool irq_apic_mode(void);

/*
 * MSI support for pci.ko (Linux's irq domain allocation, reduced to one flat range):
 * irq_alloc_msi() reserves nvec (1-32) consecutive IRQs, each with its own IDT vector, served
 * by chip with chip_data and hwirq 0..nvec-1: the first IRQ, -ENODEV without a Local APIC
 * (8259 mode: `noapic` or no MADT), -EINVAL for nvec out of range, -ENOSPC when no run of
 * vectors is free. irq_free_msi() releases them (handlers still registered are freed with a
 * warning). irq_msi_message() gives the address/data pair a device writes to raise irq
 * (Intel SDM 11.11: fixed delivery, edge, physical destination = this CPU's APIC id): 0 or
 * -EINVAL for an IRQ not allocated by irq_alloc_msi(). None of them sleeps.
 */
struct msi_msg {
	u32 address_lo, address_hi, data;
};

int irq_alloc_msi(unsigned int nvec, const struct irq_chip *chip, void *chip_data);
void irq_free_msi(unsigned int first, unsigned int nvec);
int irq_msi_message(unsigned int irq, struct msi_msg *msg);

#endif
