/* Host test of the MADT decoder: QEMU's table, overrides and their flags, and malformed
 * tables (bad length, bad checksum, entries past the end), each refused with one line. */
/* UNIT_SOURCES: kernel/acpi/madt.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "acpi/acpi_internal.h"
#include "acpi/madt.h"
#include "host_printk.h"
#include "unit.h"

static unsigned char table[512];
static size_t table_len;

static void put32(size_t off, unsigned int v)
{
	memcpy(table + off, &v, 4);
}

static void add(const unsigned char *entry, size_t len)
{
	memcpy(table + table_len, entry, len);
	table_len += len;
}

static void fix_checksum(void)
{
	unsigned char sum = 0;

	put32(4, (unsigned int)table_len);
	table[9] = 0;
	for (size_t i = 0; i < table_len; i++)
		sum += table[i];
	table[9] = (unsigned char)-sum;
}

/* What QEMU 7.2 builds for -M pc/q35 with one CPU. */
static void build_qemu_madt(void)
{
	static const unsigned char lapic[] = { 0, 8, 0, 0, 1, 0, 0, 0 };
	static const unsigned char ioapic[] = { 1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0 };
	static const unsigned char iso0[] = { 2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0 };
	static const unsigned char iso9[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0f, 0 }; /* level, low */
	static const unsigned char nmi[] = { 4, 6, 0xff, 0, 0, 1 };

	memset(table, 0, sizeof(table));
	memcpy(table, "APIC", 4);
	table[8] = 1;
	put32(36, 0xfee00000);
	put32(40, 1); /* PCAT_COMPAT */
	table_len = 44;
	add(lapic, sizeof(lapic));
	add(ioapic, sizeof(ioapic));
	add(iso0, sizeof(iso0));
	add(iso9, sizeof(iso9));
	add(nmi, sizeof(nmi));
	fix_checksum();
}

/* Parses from an exact-size heap copy, so ASan catches reads past the end. */
static int parse(size_t len, struct madt_info *info)
{
	unsigned char *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, table, len);
	unit_msg_count = 0;
	unit_last_msg[0] = '\0';
	ret = madt_parse(copy, len, info);
	free(copy);
	return ret;
}

static void test_qemu(void)
{
	struct madt_info info;

	build_qemu_madt();
	CHECK_INT(parse(table_len, &info), 0);
	CHECK_INT(unit_msg_count, 0);
	CHECK(info.lapic_address == 0xfee00000);
	CHECK(info.pcat_compat);
	CHECK_UINT(info.nr_cpus, 1);
	CHECK_UINT(info.nr_ioapics, 1);
	CHECK_UINT(info.ioapics[0].address, 0xfec00000);
	CHECK_UINT(info.ioapics[0].gsi_base, 0);
	CHECK(info.isa[0].present && info.isa[0].gsi == 2);
	CHECK_UINT(info.isa[0].flags, 0); /* conforms to ISA: edge, high */
	CHECK(info.isa[9].present && info.isa[9].gsi == 9);
	CHECK_UINT(info.isa[9].flags & MPS_INTI_TRIGGER_MASK, MPS_INTI_TRIGGER_LEVEL);
	CHECK_UINT(info.isa[9].flags & MPS_INTI_POLARITY_MASK, MPS_INTI_POLARITY_LOW);
	CHECK(!info.isa[1].present);
}

static void test_lapic_override(void)
{
	static const unsigned char addr[] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0 };
	struct madt_info info;

	build_qemu_madt();
	add(addr, sizeof(addr));
	fix_checksum();
	CHECK_INT(parse(table_len, &info), 0);
	CHECK(info.lapic_address == 0x1fee00000ULL);
}

/* A malformed table: -EINVAL, exactly one message (one line naming the problem), nothing
 * kept, so irq_init() falls back to the 8259. */
static void check_refused(size_t len, const char *what)
{
	struct madt_info info;

	CHECK_INT(parse(len, &info), -EINVAL);
	CHECK_INT(unit_msg_count, 1);
	CHECK(strstr(unit_last_msg, what) != NULL);
	CHECK(strchr(unit_last_msg, '\n') == unit_last_msg + strlen(unit_last_msg) - 1);
	CHECK_UINT(info.nr_ioapics, 0);
	CHECK(!info.isa[0].present);
}

static void test_malformed(void)
{
	build_qemu_madt();
	table[20] ^= 0x55; /* OEM table id: the checksum no longer adds up */
	check_refused(table_len, "bad checksum");

	build_qemu_madt();
	put32(4, 4096); /* longer than what can be read */
	check_refused(table_len, "bad table length");

	build_qemu_madt();
	put32(4, 20); /* shorter than the header */
	check_refused(table_len, "bad table length");

	build_qemu_madt();
	check_refused(30, "shorter than its fixed part");

	build_qemu_madt();
	table[44 + 8 + 1] = 200; /* the I/O APIC entry claims 200 bytes */
	fix_checksum();
	check_refused(table_len, "entry runs past the table");

	build_qemu_madt();
	table[44 + 8 + 1] = 0; /* a zero-length entry would loop forever */
	fix_checksum();
	check_refused(table_len, "entry runs past the table");

	build_qemu_madt();
	table[44 + 8 + 1] = 6; /* an I/O APIC entry too short for its fields */
	table[44 + 8 + 6] = 0;
	table[44 + 8 + 7] = 6;
	fix_checksum();
	check_refused(table_len, "too short");

	build_qemu_madt();
	memcpy(table, "APIX", 4);
	fix_checksum();
	check_refused(table_len, "signature");
}

static void test_no_ioapic(void)
{
	struct madt_info info;

	build_qemu_madt();
	table[44 + 8] = 0x7f; /* the I/O APIC entry becomes an unknown type, skipped */
	fix_checksum();
	CHECK_INT(parse(table_len, &info), -ENODEV);
	CHECK_UINT(info.nr_ioapics, 0);
}

static void test_ignored_overrides(void)
{
	static const unsigned char bad_bus[] = { 2, 10, 1, 3, 3, 0, 0, 0, 0, 0 };
	static const unsigned char bad_irq[] = { 2, 10, 0, 16, 3, 0, 0, 0, 0, 0 };
	struct madt_info info;

	build_qemu_madt();
	add(bad_bus, sizeof(bad_bus));
	add(bad_irq, sizeof(bad_irq));
	fix_checksum();
	CHECK_INT(parse(table_len, &info), 0);
	CHECK(!info.isa[3].present);
	CHECK_INT(unit_msg_count, 2);
}

int main(void)
{
	test_qemu();
	test_lapic_override();
	test_malformed();
	test_no_ioapic();
	test_ignored_overrides();
	return unit_summary();
}
