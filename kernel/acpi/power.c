/*
 * Switching off (ACPI S5 through PM1x_CNT) and resetting the machine (the FADT reset
 * register, then the 8042 keyboard controller's reset line, then a triple fault).
 */
#define pr_fmt(fmt) "acpi: " fmt

#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/writeback.h>
#include "acpi/acpi.h"
#include "acpi/acpi_internal.h"

#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)

#define KBC_STATUS 0x64
#define KBC_INPUT_FULL 0x02
#define KBC_PULSE_RESET 0xfe
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

/* Roughly 1 us per io_wait(): waits without needing the timer, which may be stopped. */
static void wait_us(unsigned long us)
{
	while (us--)
		io_wait();
}

/* Firmware may hand over with ACPI off (SCI_EN clear); asking it via SMI_CMD turns it on. */
static int acpi_enable_mode(void)
{
	if (inw(acpi_power.pm1a_cnt) & PM1_SCI_EN)
		return 0;
	if (!acpi_power.smi_cmd || !acpi_power.acpi_enable)
		return 0; /* hardware-reduced or always-on: nothing to switch */
	outb((u16)acpi_power.smi_cmd, acpi_power.acpi_enable);
	for (int ms = 0; ms < 3000; ms++) {
		if (inw(acpi_power.pm1a_cnt) & PM1_SCI_EN)
			return 0;
		wait_us(1000);
	}
	return -ETIMEDOUT;
}

static void write_sleep_type(u16 port, u8 slp_typ, u16 extra)
{
	u16 v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	outw(port, v | (u16)(slp_typ << PM1_SLP_TYP_SHIFT) | extra);
}

int acpi_poweroff(void)
{
	emergency_sync(); /* cached writes reach the disks before the power goes */
	if (!acpi_power.have_fadt || !acpi_power.pm1a_cnt) {
		pr_err("power-off needs the ACPI FADT's PM1a control block, which was not found\n");
		return -ENODEV;
	}
	if (!acpi_power.have_s5) {
		pr_err("power-off needs the \\_S5_ sleep type, which the DSDT did not give\n");
		return -ENODEV;
	}
	local_irq_disable();
	if (acpi_enable_mode() < 0)
		pr_warn("ACPI mode did not come on after SMI_CMD; trying S5 anyway\n");
	/* Type first, then type with SLP_EN, in both blocks: the order the spec describes. */
	write_sleep_type(acpi_power.pm1a_cnt, acpi_power.slp_typ_a, 0);
	if (acpi_power.pm1b_cnt)
		write_sleep_type(acpi_power.pm1b_cnt, acpi_power.slp_typ_b, 0);
	write_sleep_type(acpi_power.pm1a_cnt, acpi_power.slp_typ_a, PM1_SLP_EN);
	if (acpi_power.pm1b_cnt)
		write_sleep_type(acpi_power.pm1b_cnt, acpi_power.slp_typ_b, PM1_SLP_EN);
	wait_us(500000);
	local_irq_enable();
	pr_err("the machine is still running after the S5 request\n");
	return -EIO;
}

static void write_pci_config_byte(u64 address, u8 value)
{
	u32 device = (address >> 32) & 0x1f, function = (address >> 16) & 0x7;
	u32 offset = address & 0xff;

	outl(PCI_CONFIG_ADDRESS, 0x80000000u | device << 11 | function << 8 | (offset & 0xfc));
	outb(PCI_CONFIG_DATA + (offset & 3), value);
}

static void reset_via_register(void)
{
	const struct acpi_gas *r = &acpi_power.reset_reg;

	switch (r->space_id) {
	case ACPI_SPACE_IO:
		outb((u16)r->address, acpi_power.reset_value);
		break;
	case ACPI_SPACE_MEMORY:
		if (r->address < 0x100000000ULL)
			writeb(acpi_power.reset_value, phys_to_virt(r->address));
		break;
	case ACPI_SPACE_PCI_CONFIG:
		write_pci_config_byte(r->address, acpi_power.reset_value);
		break;
	}
}

static void reset_via_8042(void)
{
	/* Bounded: a machine without a keyboard controller reads 0xff here forever. */
	for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		io_wait();
	outb(KBC_STATUS, KBC_PULSE_RESET);
}

/* An empty IDT makes the next exception unhandleable: the CPU shuts down and the board resets. */
static void __noreturn reset_via_triple_fault(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed empty_idt = { 0, 0 };

	__asm__ __volatile__("lidt %0; int3" ::"m"(empty_idt));
	for (;;)
		cpu_halt();
}

void machine_reboot(void)
{
	emergency_sync();
	local_irq_disable();
	if (acpi_power.have_reset_reg) {
		reset_via_register();
		wait_us(100000);
	}
	reset_via_8042();
	wait_us(100000);
	reset_via_triple_fault();
}
