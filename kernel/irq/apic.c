/*
 * The Local APIC in xAPIC mode (Intel SDM vol. 3A chapter 11): enabled through the spurious
 * vector register, task priority 0 so every vector is delivered, LINT0 (where the 8259 hangs
 * as ExtINT) masked, LINT1 as NMI, and the end-of-interrupt write that I/O APIC and MSI
 * interrupts need. Its registers are MMIO, mapped uncached with ioremap().
 */
#define pr_fmt(fmt) "apic: " fmt

#include <keel/errno.h>
#include <keel/io.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include "cpu/cpu.h"
#include "irq/apic.h"

#define MSR_IA32_APIC_BASE 0x1b
#define  APIC_BASE_ENABLE (1u << 11)
#define  APIC_BASE_X2APIC (1u << 10)
#define CPUID1_EDX_APIC (1u << 9)

#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define  APIC_SVR_ENABLE (1u << 8)
#define APIC_ESR 0x280
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define  APIC_LVT_MASKED (1u << 16)
#define  APIC_DM_NMI (4u << 8)

static volatile u32 *lapic_base;

static u32 lapic_read(unsigned int reg)
{
	return lapic_base[reg / 4];
}

static void lapic_write(unsigned int reg, u32 val)
{
	lapic_base[reg / 4] = val;
}

static bool cpu_has_apic(void)
{
	u32 a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d & CPUID1_EDX_APIC;
}

bool lapic_enabled(void)
{
	return lapic_base != NULL;
}

int lapic_init(u64 phys)
{
	u64 base;

	if (!cpu_has_apic())
		return -ENODEV;
	base = rdmsr(MSR_IA32_APIC_BASE);
	if (base & APIC_BASE_X2APIC) {
		pr_err("firmware left the Local APIC in x2APIC mode; not supported\n");
		return -ENODEV;
	}
	lapic_base = ioremap(phys, 0x400);
	if (!lapic_base)
		return -ENOMEM;
	wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, APIC_DM_NMI);
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
	lapic_eoi(); /* nothing may be left in service from the firmware */
	pr_info("Local APIC id %u version 0x%x at 0x%llx, spurious vector 0x%x\n", lapic_id(),
		lapic_read(APIC_VERSION) & 0xff, (unsigned long long)phys, LAPIC_SPURIOUS_VECTOR);
	return 0;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

u32 lapic_id(void)
{
	return lapic_read(APIC_ID) >> 24;
}
