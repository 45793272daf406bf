/*
 * Reference solution of the "ptwalk" exercise (docs/mm.md): `ptwalk ADDR` walks the 4-level
 * page tables the CPU uses right now (CR3) for a virtual address, printing each level's index,
 * entry and flags, then the physical address and the flags in effect. The tables are read
 * through the direct map (phys_to_virt), where every physical page is visible.
 */
#include <keel/console.h>
#include <keel/layout.h>
#include <keel/module.h>
#include <keel/shell.h>
#include <keel/string.h>

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

static const char *const level_names[] = { "PML4", "PDPT", "PD", "PT" };

static unsigned long read_cr3(void)
{
	unsigned long cr3;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

/* " P RW US PWT PCD A D PS G NX" for the bits set in e. */
static void format_flags(unsigned long e, char *buf, size_t size)
{
	static const struct { unsigned long bit; const char *name; } names[] = {
		{ PTE_P, "P" }, { PTE_RW, "RW" }, { PTE_US, "US" }, { PTE_PWT, "PWT" },
		{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" },
		{ PTE_G, "G" }, { PTE_NX, "NX" },
	};

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (e & names[i].bit) {
			strlcat(buf, " ", size);
			strlcat(buf, names[i].name, size);
		}
	}
}

static bool canonical(unsigned long va)
{
	return (long)(va << 16) >> 16 == (long)va;
}

static int ptwalk_run(int argc, char **argv)
{
	unsigned long va, table = read_cr3() & PTE_ADDR, e = 0, phys;
	bool rw = true, us = true, nx = false;
	static const char *const sizes[] = { "", "1G", "2M", "4K" };
	char flags[64];
	int level;

	if (argc != 2 || kstrtoul(argv[1], 16, &va)) {
		console_puts("usage: ptwalk ADDR (hexadecimal)\n");
		return 1;
	}
	if (!canonical(va)) {
		console_printf("ptwalk: 0x%lx: not canonical (bits 63-47 differ)\n", va);
		return 1;
	}
	console_printf("ptwalk: 0x%lx (CR3 0x%lx)\n", va, table);
	for (level = 0; level < 4; level++) {
		unsigned int shift = 39 - 9 * level, index = (va >> shift) & 511;

		e = ((const unsigned long *)phys_to_virt(table))[index];
		format_flags(e, flags, sizeof(flags));
		console_printf("  %-4s[%3u] = 0x%016lx%s\n", level_names[level], index, e, flags);
		if (!(e & PTE_P)) {
			console_printf("ptwalk: 0x%lx: not mapped (%s entry not present)\n", va,
				       level_names[level]);
			return 1;
		}
		rw = rw && (e & PTE_RW);
		us = us && (e & PTE_US);
		nx = nx || (e & PTE_NX);
		if (level == 3 || (level > 0 && (e & PTE_PS)))
			break;
		table = e & PTE_ADDR;
	}
	/* The page's size is what the level the walk stopped at maps: 1 GiB, 2 MiB or 4 KiB. */
	phys = (e & PTE_ADDR & ~((1UL << (39 - 9 * level)) - 1)) |
	       (va & ((1UL << (39 - 9 * level)) - 1));
	console_printf("ptwalk: 0x%lx -> 0x%lx, %s page, P%s%s%s%s\n", va, phys, sizes[level],
		       rw ? " RW" : "", us ? " US" : "", e & PTE_G ? " G" : "", nx ? " NX" : "");
	return 0;
}

static const struct shell_command ptwalk_command = {
	.name = "ptwalk",
	.usage = "ptwalk ADDR",
	.help = "walk the page tables for a virtual address (hexadecimal)",
	.run = ptwalk_run,
};

static int __init ptwalk_init(void)
{
	return shell_register_command(&ptwalk_command);
}

static void __exit ptwalk_exit(void)
{
	shell_unregister_command(&ptwalk_command);
}

module_init(ptwalk_init);
module_exit(ptwalk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: a page-table walker command");
