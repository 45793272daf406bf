/*
 * The Multiple APIC Description Table (ACPI 6.5 section 5.2.12): the Local APIC address, the
 * I/O APICs with their GSI bases, and the Interrupt Source Overrides that move ISA IRQs to
 * other GSIs or give them other polarity/trigger flags (QEMU: ISA IRQ 0 -> GSI 2).
 * Kept free of anything but the table bytes so tests/unit/test_madt.c can feed it fakes.
 */
#define pr_fmt(fmt) "acpi: MADT: " fmt

#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "acpi/acpi_internal.h"
#include "acpi/madt.h"

#define MADT_FIXED_LEN 44 /* header, Local APIC address, flags */
#define MADT_PCAT_COMPAT 0x1

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_ISO = 2,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR = 5,
};

#define LAPIC_ENABLED 0x1

/* Minimum entry length per type; 0: not used by Keel, skipped by its own length. */
static u8 madt_min_len(u8 type)
{
	switch (type) {
	case MADT_LAPIC: return 8;
	case MADT_IOAPIC: return 12;
	case MADT_ISO: return 10;
	case MADT_LAPIC_NMI: return 6;
	case MADT_LAPIC_ADDR: return 12;
	default: return 2;
	}
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void madt_add_ioapic(const u8 *e, struct madt_info *info)
{
	struct madt_ioapic *io;

	if (info->nr_ioapics == MADT_MAX_IOAPICS) {
		pr_warn("more than %d I/O APICs; ignoring id %u\n", MADT_MAX_IOAPICS, e[2]);
		return;
	}
	io = &info->ioapics[info->nr_ioapics++];
	io->id = e[2];
	io->address = get32(e + 4);
	io->gsi_base = get32(e + 8);
}

static void madt_add_override(const u8 *e, struct madt_info *info)
{
	u16 flags;

	/* Bus 0 is ISA, the only bus ACPI defines for overrides. */
	if (e[2] != 0 || e[3] >= MADT_ISA_IRQS) {
		pr_warn("override for bus %u IRQ %u ignored\n", e[2], e[3]);
		return;
	}
	memcpy(&flags, e + 8, sizeof(flags));
	info->isa[e[3]] = (struct madt_override){ true, get32(e + 4), flags };
}

static void madt_entry(const u8 *e, struct madt_info *info)
{
	u64 addr;

	switch (e[0]) {
	case MADT_LAPIC:
		if (get32(e + 4) & LAPIC_ENABLED)
			info->nr_cpus++;
		break;
	case MADT_IOAPIC:
		madt_add_ioapic(e, info);
		break;
	case MADT_ISO:
		madt_add_override(e, info);
		break;
	case MADT_LAPIC_ADDR:
		memcpy(&addr, e + 4, sizeof(addr));
		info->lapic_address = addr;
		break;
	default:
		break;
	}
}

static int madt_bad(struct madt_info *info, const char *what, size_t at)
{
	memset(info, 0, sizeof(*info));
	pr_err("%s at offset %zu; not using the APIC\n", what, at);
	return -EINVAL;
}

static int madt_check_header(const struct acpi_table_header *h, size_t len, struct madt_info *info)
{
	u8 sum = 0;

	if (len < MADT_FIXED_LEN)
		return madt_bad(info, "table shorter than its fixed part", 0);
	if (memcmp(h->signature, "APIC", 4) != 0)
		return madt_bad(info, "signature is not APIC", 0);
	if (h->length < MADT_FIXED_LEN || h->length > len)
		return madt_bad(info, "bad table length", 4);
	for (u32 i = 0; i < h->length; i++)
		sum += ((const u8 *)h)[i];
	if (sum)
		return madt_bad(info, "bad checksum", 9);
	return 0;
}

int madt_parse(const void *table, size_t len, struct madt_info *info)
{
	const struct acpi_table_header *h = table;
	const u8 *base = table;
	int err;

	memset(info, 0, sizeof(*info));
	err = madt_check_header(h, len, info);
	if (err)
		return err;
	info->lapic_address = get32(base + 36);
	info->pcat_compat = get32(base + 40) & MADT_PCAT_COMPAT;
	for (size_t off = MADT_FIXED_LEN; off < h->length;) {
		const u8 *e = base + off;

		if (h->length - off < 2 || e[1] < 2 || e[1] > h->length - off)
			return madt_bad(info, "entry runs past the table", off);
		if (e[1] < madt_min_len(e[0]))
			return madt_bad(info, "entry too short for its type", off);
		madt_entry(e, info);
		off += e[1];
	}
	if (!info->nr_ioapics) {
		pr_warn("no I/O APIC listed\n");
		return -ENODEV;
	}
	return 0;
}
