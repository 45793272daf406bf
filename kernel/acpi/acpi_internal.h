/* ACPI table layouts and what acpi_init() found, shared by the table walker and power code. */
#ifndef KEEL_ACPI_INTERNAL_H
#define KEEL_ACPI_INTERNAL_H

#include <keel/compiler.h>
#include <keel/types.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;       /* over the first 20 bytes */
	char oem_id[6];
	u8 revision;       /* 0: ACPI 1.0 (20 bytes); 2: ACPI 2.0+ (36 bytes) */
	u32 rsdt_address;
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __packed;

struct acpi_table_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

/* Generic Address Structure. */
struct acpi_gas {
	u8 space_id;
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;
} __packed;

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
#define ACPI_SPACE_PCI_CONFIG 2

/* The FADT up to the fields Keel uses; older, shorter FADTs are zero-extended when copied. */
struct acpi_fadt {
	struct acpi_table_header header;
	u32 firmware_ctrl;
	u32 dsdt;
	u8 reserved0;
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable;
	u8 acpi_disable;
	u8 s4bios_req;
	u8 pstate_cnt;
	u32 pm1a_evt_blk, pm1b_evt_blk;
	u32 pm1a_cnt_blk, pm1b_cnt_blk;
	u32 pm2_cnt_blk, pm_tmr_blk;
	u32 gpe0_blk, gpe1_blk;
	u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	u16 p_lvl2_lat, p_lvl3_lat;
	u16 flush_size, flush_stride;
	u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
} __packed;

#define ACPI_FADT_RESET_REG_SUP (1u << 10)

/* What power-off and reset need, filled in by acpi_init(). */
struct acpi_power {
	bool have_fadt;
	bool have_s5;
	u8 slp_typ_a, slp_typ_b;
	u16 pm1a_cnt, pm1b_cnt; /* I/O ports; 0 when absent */
	u32 smi_cmd;
	u8 acpi_enable;
	bool have_reset_reg;
	struct acpi_gas reset_reg;
	u8 reset_value;
};

extern struct acpi_power acpi_power;

/*
 * Finds "Name(_S5_, Package() {a, b, ...})" in an AML byte stream and decodes the two
 * SLP_TYP values. 0, or -ENOENT when no decodable _S5_ package is there.
 */
int aml_find_s5(const u8 *aml, size_t len, u8 *slp_typ_a, u8 *slp_typ_b);

#endif
