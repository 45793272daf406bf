/*
 * The GDT (flat 64-bit kernel code and data, then the user segments in SYSRET's order) and the
 * TSS, whose RSP0 is the running task's kernel stack top (where ring 3 enters) and whose Interrupt Stack Table gives
 * double fault, NMI and machine check known-good stacks even when the current stack is broken.
 */
#include <keel/compiler.h>
#include <keel/layout.h>
#include <keel/string.h>
#include "cpu/traps.h"

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct descriptor_pointer {
	u16 limit;
	u64 base;
} __packed;

/* null, kernel code, kernel data, TSS (two slots), unused 32-bit user code (SYSRET's base),
 * user data, user 64-bit code */
#define GDT_ENTRIES 8
#define DESC_CODE64 0x00209a0000000000ULL /* present, DPL 0, code, long mode */
#define DESC_DATA 0x0000920000000000ULL   /* present, DPL 0, writable data */
#define DESC_USER_CODE64 0x0020fa0000000000ULL /* present, DPL 3, code, long mode */
#define DESC_USER_DATA 0x0000f20000000000ULL   /* present, DPL 3, writable data */
#define DESC_TSS_AVAILABLE 0x89

static u64 gdt[GDT_ENTRIES] __aligned(16);
static struct tss tss __aligned(16);
static u8 ist_stacks[IST_COUNT][KERNEL_STACK_SIZE] __aligned(16);

static unsigned long task_stack_lo, task_stack_hi;

void cpu_set_kernel_stack(unsigned long lo, unsigned long hi)
{
	task_stack_lo = lo;
	task_stack_hi = hi;
	tss.rsp[0] = hi;
	cpu_area.top_of_stack = hi; /* the syscall entry's stack */
}

bool stack_is_task(unsigned long addr)
{
	return addr >= task_stack_lo && addr < task_stack_hi;
}

bool stack_is_ist(unsigned long addr)
{
	unsigned long lo = (unsigned long)ist_stacks;

	return addr >= lo && addr < lo + sizeof(ist_stacks);
}

static void gdt_set_tss(unsigned int index, const struct tss *t)
{
	u64 base = (u64)t;
	u64 limit = sizeof(*t) - 1;

	gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		     ((u64)DESC_TSS_AVAILABLE << 40) | (((limit >> 16) & 0xf) << 48) |
		     (((base >> 24) & 0xff) << 56);
	gdt[index + 1] = base >> 32;
}

/* Loads the GDT, reloads CS with a far return and the data segments, then the task register. */
static void gdt_load(void)
{
	struct descriptor_pointer ptr = { .limit = sizeof(gdt) - 1, .base = (u64)gdt };

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %2, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movl %%eax, %%fs\n\t"
			     "movl %%eax, %%gs\n\t"
			     "ltr %w3"
			     :
			     : "m"(ptr), "i"(KERNEL_CS), "i"(KERNEL_DS), "r"(TSS_SELECTOR)
			     : "rax", "memory");
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[KERNEL_CS / 8] = DESC_CODE64;
	gdt[KERNEL_DS / 8] = DESC_DATA;
	gdt[USER_DS / 8] = DESC_USER_DATA;
	gdt[USER_CS / 8] = DESC_USER_CODE64;
	memset(&tss, 0, sizeof(tss));
	for (unsigned int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (u64)ist_stacks[i] + KERNEL_STACK_SIZE; /* stacks grow down */
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	gdt_set_tss(TSS_SELECTOR / 8, &tss);
	gdt_load();
}
