/*
 * Setting up the SYSCALL instruction (EFER.SCE, STAR, LSTAR, FMASK), the per-CPU area the
 * entry reaches through GS, and the supervisor-mode protections SMEP (no executing user pages
 * in ring 0) and SMAP (no touching user pages in ring 0 outside stac/clac), when the CPU has
 * them. Linux does this in syscall_init() and setup_smep()/setup_smap().
 */
#include <keel/printk.h>
#include <keel/uaccess.h>
#include "cpu/cpu.h"
#include "cpu/traps.h"

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1UL << 0)
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_AC (1UL << 18)
#define X86_EFLAGS_NT (1UL << 14)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_SMAP (1U << 20)

_Static_assert(__builtin_offsetof(struct cpu_entry_area, user_rsp) == 0, "entry_syscall.S");
_Static_assert(__builtin_offsetof(struct cpu_entry_area, top_of_stack) == 8, "entry_syscall.S");

struct cpu_entry_area cpu_area;
bool smap_enabled; /* <keel/uaccess.h>: stac/clac only exist on CPUs with SMAP */

extern char entry_SYSCALL_64[];

void wrmsr(u32 msr, u64 val)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static u32 cpuid7_ebx(void)
{
	u32 a = 0, b = 0, c = 0, d = 0;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (a < 7)
		return 0;
	a = 7;
	c = 0;
	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b;
}

static void cr4_set(unsigned long bits)
{
	unsigned long cr4;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" ::"r"(cr4 | bits) : "memory");
}

/* SMEP and SMAP when CPUID leaf 7 lists them (QEMU's default CPU has neither; -cpu max both). */
static void setup_smep_smap(void)
{
	u32 ebx = cpuid7_ebx();

	if (ebx & CPUID7_EBX_SMEP)
		cr4_set(CR4_SMEP);
	if (ebx & CPUID7_EBX_SMAP) {
		cr4_set(CR4_SMAP);
		smap_enabled = true;
	}
	pr_info("cpu: SMEP %s, SMAP %s\n", (ebx & CPUID7_EBX_SMEP) ? "on" : "off (no CPU support)",
		smap_enabled ? "on" : "off (no CPU support)");
}

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS = KERNEL_CS, SS = KERNEL_CS + 8; SYSRET: base + 16 and base + 8. */
	wrmsr(MSR_STAR, ((u64)USER_STAR_BASE << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK,
	      X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_AC | X86_EFLAGS_NT);
	/* In the kernel GS is the per-CPU area; the user's GS base (0) waits in KERNEL_GS_BASE. */
	wrmsr(MSR_GS_BASE, (u64)&cpu_area);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	setup_smep_smap();
}
