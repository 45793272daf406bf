/* What the ACPI MADT ("APIC" table) says about the interrupt controllers, for kernel/irq/. */
#ifndef KEEL_ACPI_MADT_H
#define KEEL_ACPI_MADT_H

#include <keel/types.h>

#define MADT_MAX_IOAPICS 8
#define MADT_ISA_IRQS 16

/* MPS INTI flags (ACPI 6.5 table 5.26): polarity in bits 0-1, trigger mode in bits 2-3. */
#define MPS_INTI_POLARITY_MASK 0x3
#define  MPS_INTI_POLARITY_HIGH 0x1
#define  MPS_INTI_POLARITY_LOW 0x3
#define MPS_INTI_TRIGGER_MASK 0xc
#define  MPS_INTI_TRIGGER_EDGE 0x4
#define  MPS_INTI_TRIGGER_LEVEL 0xc

struct madt_ioapic {
	u8 id;
	u32 address;  /* physical base of IOREGSEL/IOWIN */
	u32 gsi_base; /* the GSI of its pin 0 */
};

/* An ISA IRQ routed somewhere else, or with other flags than edge/active high. */
struct madt_override {
	bool present;
	u32 gsi;
	u16 flags; /* MPS_INTI_* */
};

struct madt_info {
	u64 lapic_address;  /* after any Local APIC Address Override */
	bool pcat_compat;   /* a dual 8259 is present too (and must be masked) */
	unsigned int nr_cpus; /* enabled Local APIC entries */
	unsigned int nr_ioapics;
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	struct madt_override isa[MADT_ISA_IRQS];
};

/*
 * Checks and decodes a MADT of len readable bytes at table (its own length field must fit in
 * len, its checksum must be zero, every entry must lie inside it and be long enough for its
 * type). 0 with *info filled; -EINVAL for a malformed table (one line printed naming what is
 * wrong, *info zeroed); -ENODEV when the table is valid but names no I/O APIC. Never sleeps.
 */
int madt_parse(const void *table, size_t len, struct madt_info *info);

/* The firmware's MADT decoded into *info: 0, -ENOENT (no ACPI or no MADT), or madt_parse's
 * errors. Callable from irq_init(), before acpi_init(). */
int acpi_madt_read(struct madt_info *info);

#endif
