/*
 * Finds the ACPI tables: the RSDP (from the boot loader, else the BIOS areas), the RSDT or
 * XSDT, the FADT and the DSDT, checking every checksum and length, and records what
 * power-off and reset need in acpi_power.
 */
#define pr_fmt(fmt) "acpi: " fmt

#include <keel/errno.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "acpi/acpi.h"
#include "acpi/acpi_internal.h"
#include "acpi/madt.h"
#include "init/bootinfo.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000
#define EBDA_SEGMENT_PTR 0x40e
#define EBDA_SCAN_LEN 1024
#define DIRECT_MAP_LIMIT 0x100000000ULL /* the boot page tables map the first 4 GiB */
#define TABLE_MAX_LEN (16u << 20)

struct acpi_power acpi_power;

static struct acpi_rsdp rsdp;
static phys_addr_t rsdp_phys; /* 0 when the boot loader handed us a copy */

static bool checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

static bool rsdp_valid(const struct acpi_rsdp *r, size_t avail)
{
	if (avail < RSDP_V1_LEN || memcmp(r->signature, "RSD PTR ", 8) != 0)
		return false;
	if (!checksum_ok(r, RSDP_V1_LEN))
		return false;
	if (r->revision < 2)
		return true;
	return avail >= RSDP_V2_LEN && r->length >= RSDP_V2_LEN && checksum_ok(r, RSDP_V2_LEN);
}

static bool scan_for_rsdp(phys_addr_t start, phys_addr_t end)
{
	for (phys_addr_t pa = start; pa + RSDP_V1_LEN <= end; pa += 16) {
		const struct acpi_rsdp *r = phys_to_virt(pa);

		if (rsdp_valid(r, end - pa)) {
			memcpy(&rsdp, r, min_t(size_t, end - pa, sizeof(rsdp)));
			rsdp_phys = pa;
			return true;
		}
	}
	return false;
}

static bool find_rsdp_once(void)
{
	phys_addr_t ebda = (phys_addr_t)*(const u16 *)phys_to_virt(EBDA_SEGMENT_PTR) << 4;

	if (boot_info.rsdp_len && rsdp_valid((const void *)boot_info.rsdp, boot_info.rsdp_len)) {
		memcpy(&rsdp, boot_info.rsdp, min_t(size_t, boot_info.rsdp_len, sizeof(rsdp)));
		return true;
	}
	if (boot_info.rsdp_len)
		pr_warn("the boot loader's RSDP copy is invalid; scanning BIOS memory\n");
	if (ebda >= 0x80000 && ebda < 0xa0000 && scan_for_rsdp(ebda, ebda + EBDA_SCAN_LEN))
		return true;
	return scan_for_rsdp(BIOS_AREA_START, BIOS_AREA_END);
}

/* irq_init() needs the MADT before acpi_init() runs: look for the RSDP only once. */
static bool find_rsdp(void)
{
	static int found = -1;

	if (found < 0)
		found = find_rsdp_once();
	return found;
}

/* Maps and checks a table: signature (when sig is given), length and checksum. */
static const struct acpi_table_header *map_table(u64 phys, const char *sig)
{
	const struct acpi_table_header *h;

	if (!phys || phys >= DIRECT_MAP_LIMIT - sizeof(*h))
		return NULL;
	h = phys_to_virt(phys);
	if (sig && memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (h->length < sizeof(*h) || h->length > TABLE_MAX_LEN ||
	    phys + h->length > DIRECT_MAP_LIMIT) {
		pr_warn("table %.4s at 0x%lx has a bad length %u\n", h->signature,
			(unsigned long)phys, h->length);
		return NULL;
	}
	if (!checksum_ok(h, h->length)) {
		pr_warn("table %.4s at 0x%lx has a bad checksum\n", h->signature,
			(unsigned long)phys);
		return NULL;
	}
	return h;
}

/* The n-th table with signature sig listed by the XSDT (or RSDT), or NULL. */
static const struct acpi_table_header *find_table(const char *sig, unsigned int n)
{
	bool use_xsdt = rsdp.revision >= 2 && rsdp.xsdt_address;
	const struct acpi_table_header *root =
		use_xsdt ? map_table(rsdp.xsdt_address, "XSDT") : map_table(rsdp.rsdt_address, "RSDT");
	size_t entry_size = use_xsdt ? 8 : 4, count;
	const u8 *entries;

	if (!root)
		return NULL;
	entries = (const u8 *)(root + 1);
	count = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < count; i++) {
		u64 pa = 0;
		const struct acpi_table_header *t;

		memcpy(&pa, entries + i * entry_size, entry_size);
		t = map_table(pa, sig);
		if (t && n-- == 0)
			return t;
	}
	return NULL;
}

/* Picks the 32-bit block address, else the extended one when it lives in I/O space. */
static u16 pm1_port(u32 legacy, const struct acpi_gas *ext)
{
	if (legacy)
		return (u16)legacy;
	if (ext->space_id == ACPI_SPACE_IO && ext->address <= 0xffff)
		return (u16)ext->address;
	return 0;
}

static void read_fadt(const struct acpi_table_header *h, struct acpi_fadt *fadt)
{
	memset(fadt, 0, sizeof(*fadt));
	memcpy(fadt, h, min_t(size_t, h->length, sizeof(*fadt)));
	acpi_power.have_fadt = true;
	acpi_power.smi_cmd = fadt->smi_cmd;
	acpi_power.acpi_enable = fadt->acpi_enable;
	acpi_power.pm1a_cnt = pm1_port(fadt->pm1a_cnt_blk, &fadt->x_pm1a_cnt_blk);
	acpi_power.pm1b_cnt = pm1_port(fadt->pm1b_cnt_blk, &fadt->x_pm1b_cnt_blk);
	/* The reset register is only defined from the 129-byte (ACPI 2.0) FADT on. */
	if (h->length >= offsetof(struct acpi_fadt, arm_boot_arch) &&
	    (fadt->flags & ACPI_FADT_RESET_REG_SUP) && fadt->reset_reg.address) {
		acpi_power.have_reset_reg = true;
		acpi_power.reset_reg = fadt->reset_reg;
		acpi_power.reset_value = fadt->reset_value;
	}
}

static bool find_s5_in(const struct acpi_table_header *t)
{
	return t && aml_find_s5((const u8 *)(t + 1), t->length - sizeof(*t), &acpi_power.slp_typ_a,
				&acpi_power.slp_typ_b) == 0;
}

/* \_S5_ normally sits in the DSDT; some firmware puts it in an SSDT. */
static void find_s5(const struct acpi_fadt *fadt)
{
	u64 dsdt = fadt->x_dsdt ? fadt->x_dsdt : fadt->dsdt;
	const struct acpi_table_header *t = map_table(dsdt, "DSDT");

	if (!t)
		pr_warn("no valid DSDT at 0x%lx\n", (unsigned long)dsdt);
	acpi_power.have_s5 = find_s5_in(t);
	for (unsigned int i = 0; !acpi_power.have_s5 && (t = find_table("SSDT", i)); i++)
		acpi_power.have_s5 = find_s5_in(t);
}

static void print_summary(const struct acpi_fadt *fadt)
{
	char where[32] = "from the boot loader";
	char s5[16] = "not found";

	if (rsdp_phys)
		snprintf(where, sizeof(where), "at 0x%lx", (unsigned long)rsdp_phys);
	if (acpi_power.have_s5)
		snprintf(s5, sizeof(s5), "%u/%u", acpi_power.slp_typ_a, acpi_power.slp_typ_b);
	pr_info("RSDP v%u %s (OEM %.6s), FADT rev %u, PM1a_CNT 0x%x, S5 = %s, reset %s\n",
		rsdp.revision >= 2 ? 2 : 1, where, rsdp.oem_id, fadt->header.revision,
		acpi_power.pm1a_cnt, s5, acpi_power.have_reset_reg ? "register" : "via 8042");
}

int acpi_madt_read(struct madt_info *info)
{
	const struct acpi_table_header *h;

	memset(info, 0, sizeof(*info));
	if (!find_rsdp())
		return -ENOENT;
	h = find_table("APIC", 0);
	if (!h)
		return -ENOENT;
	return madt_parse(h, h->length, info);
}

void acpi_init(void)
{
	const struct acpi_table_header *h;
	struct acpi_fadt fadt;

	if (!find_rsdp()) {
		pr_warn("no RSDP found: no ACPI power-off; reboot uses the 8042\n");
		return;
	}
	h = find_table("FACP", 0);
	if (!h) {
		pr_warn("RSDP found but no valid FADT: no ACPI power-off\n");
		return;
	}
	read_fadt(h, &fadt);
	find_s5(&fadt);
	print_summary(&fadt);
}
