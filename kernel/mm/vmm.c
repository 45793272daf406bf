/*
 * The kernel's own 4-level page tables: a direct map of physical memory (2 MiB pages, NX), the
 * kernel image with per-section permissions (4 KiB pages), and vmm_* to map, unmap, protect
 * and inspect 4 KiB pages anywhere in the kernel half. Nothing below DIRECT_MAP_BASE is mapped
 * here, so NULL and other low-address dereferences fault; processes' user halves are
 * user_pgtable.c's, in PML4s that copy this one's upper half.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "init/bootinfo.h"
#include "mm/mm.h"
#include "mm/mm_internal.h"
#include "mm/pgtable.h"

#define LARGE_ADDR 0x000fffffffe00000ULL
#define LARGE_PAGE_SIZE (2ULL << 20)
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE) /* leaves decide; upper levels allow all */
#define LOW_4G (4ULL << 30)

extern char __text_start[], __rodata_start[], __data_start[], __kernel_end[];

static u64 *kernel_pml4;
static u64 nx_bit; /* PTE_NX when EFER.NXE is on; without it bit 63 is reserved */
static bool paging_live; /* our tables are in CR3: changes need TLB flushes */

static unsigned int pt_index(unsigned long virt, int level)
{
	return (virt >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static u64 *table_at(u64 entry) { return phys_to_virt(entry & PTE_ADDR); }

static void flush_page(unsigned long virt)
{
	if (paging_live)
		__asm__ __volatile__("invlpg (%0)" ::"r"(virt) : "memory");
}

static u64 *new_table(void)
{
	u64 *t = alloc_page();

	if (t)
		memset(t, 0, PAGE_SIZE);
	return t;
}

/*
 * The entry for virt in the table of the given level (1 = page table ... 4 = PML4), creating
 * missing tables on the way when create is set. -EEXIST when a large page covers virt higher
 * up, -ENOENT when a table is missing, -ENOMEM when one could not be made.
 */
static int walk(unsigned long virt, int level, bool create, u64 **entry)
{
	u64 *table = kernel_pml4, *e, *t;

	for (int l = 4; l > level; l--) {
		e = &table[pt_index(virt, l)];
		if (!(*e & PTE_PRESENT)) {
			if (!create)
				return -ENOENT;
			t = new_table();
			if (!t)
				return -ENOMEM;
			*e = virt_to_phys(t) | TABLE_FLAGS;
		} else if (*e & PTE_LARGE) {
			return -EEXIST;
		}
		table = table_at(*e);
	}
	*entry = &table[pt_index(virt, level)];
	return 0;
}

/* Replaces a 2 MiB page by a page table of 512 pages with the same rights. */
static int split_large_page(u64 *pde)
{
	u64 *pt = new_table();
	u64 base = *pde & LARGE_ADDR, flags = *pde & ~LARGE_ADDR & ~PTE_LARGE;

	if (!pt)
		return -ENOMEM;
	for (unsigned int i = 0; i < 512; i++)
		pt[i] = (base + (u64)i * PAGE_SIZE) | flags;
	*pde = virt_to_phys(pt) | TABLE_FLAGS;
	return 0;
}

/* The 4 KiB entry of a mapped page, splitting a 2 MiB page around it; -ENOENT if unmapped. */
static int pte_for_update(unsigned long virt, u64 **pte)
{
	u64 *pde;
	int err = walk(virt, 2, false, &pde);

	if (err)
		return err == -EEXIST ? -EINVAL : err; /* 1 GiB pages are never made */
	if (!(*pde & PTE_PRESENT))
		return -ENOENT;
	if ((*pde & PTE_LARGE) && (err = split_large_page(pde)) < 0)
		return err;
	*pte = &table_at(*pde)[pt_index(virt, 1)];
	return (**pte & PTE_PRESENT) ? 0 : -ENOENT;
}

/* The leaf entry mapping virt and its size, or NULL. */
static u64 *find_leaf(unsigned long virt, u64 *page_size)
{
	u64 *table = kernel_pml4, *e;

	for (int l = 4; l >= 1; l--) {
		e = &table[pt_index(virt, l)];
		if (!(*e & PTE_PRESENT))
			return NULL;
		if (l == 1 || (*e & PTE_LARGE)) {
			*page_size = 1ULL << (PAGE_SHIFT + 9 * (l - 1));
			return e;
		}
		table = table_at(*e);
	}
	return NULL;
}

static u64 prot_to_flags(unsigned int prot)
{
	u64 flags = PTE_PRESENT;

	if (prot & VM_WRITE)
		flags |= PTE_WRITE;
	if (!(prot & VM_EXEC))
		flags |= nx_bit;
	if (prot & VM_UNCACHED)
		flags |= PTE_PCD | PTE_PWT;
	return flags;
}

static bool in_kernel_half(unsigned long virt, size_t size)
{
	return virt >= DIRECT_MAP_BASE && virt + size > virt && size;
}

static bool table_empty(const u64 *table)
{
	for (unsigned int i = 0; i < 512; i++)
		if (table[i])
			return false;
	return true;
}

/* Gives back the page table and page directory above virt once nothing is left in them, so
 * unmapping returns every page that mapping took. PDPTs and the PML4 stay. */
static void release_empty_tables(unsigned long virt)
{
	u64 *pdpte, *pde;

	if (walk(virt, 3, false, &pdpte) || !(*pdpte & PTE_PRESENT) || (*pdpte & PTE_LARGE))
		return;
	pde = &table_at(*pdpte)[pt_index(virt, 2)];
	if ((*pde & PTE_PRESENT) && !(*pde & PTE_LARGE) && table_empty(table_at(*pde))) {
		free_page(table_at(*pde));
		*pde = 0;
	}
	if (table_empty(table_at(*pdpte))) {
		free_page(table_at(*pdpte));
		*pdpte = 0;
	}
	flush_page(virt);
}

static void unmap_range(unsigned long virt, size_t size)
{
	u64 *pte;

	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		if (pte_for_update(virt + off, &pte) == 0) {
			*pte = 0;
			flush_page(virt + off);
		}
		if (off + PAGE_SIZE >= size || (virt + off + PAGE_SIZE) % LARGE_PAGE_SIZE == 0)
			release_empty_tables(virt + off);
	}
}

static int map_page(unsigned long virt, phys_addr_t phys, u64 flags)
{
	u64 *pte;
	int err = walk(virt, 1, true, &pte);

	if (err)
		return err;
	if (*pte & PTE_PRESENT)
		return -EEXIST;
	*pte = phys | flags;
	return 0;
}

int vmm_map(unsigned long virt, phys_addr_t phys, size_t size, unsigned int prot)
{
	unsigned long flags;
	int err = 0;
	size_t off;

	if ((virt | phys) % PAGE_SIZE || !in_kernel_half(virt, size))
		return -EINVAL;
	size = ALIGN_UP(size, (size_t)PAGE_SIZE);
	local_irq_save(flags);
	for (off = 0; off < size && !err; off += PAGE_SIZE)
		err = map_page(virt + off, phys + off, prot_to_flags(prot));
	if (err)
		unmap_range(virt, off - PAGE_SIZE);
	local_irq_restore(flags);
	return err;
}

void vmm_unmap(unsigned long virt, size_t size)
{
	unsigned long flags;

	if (virt % PAGE_SIZE || !in_kernel_half(virt, size)) {
		pr_err("vmm_unmap: bad range 0x%lx+0x%zx\n", virt, size);
		return;
	}
	local_irq_save(flags);
	unmap_range(virt, ALIGN_UP(size, (size_t)PAGE_SIZE));
	local_irq_restore(flags);
}

static int protect_range(unsigned long virt, size_t size, u64 new_flags)
{
	u64 *pte;
	int err;

	for (size_t off = 0; off < size; off += PAGE_SIZE)
		if (vmm_translate(virt + off) == (phys_addr_t)-1)
			return -ENOENT;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		err = pte_for_update(virt + off, &pte);
		if (err)
			return err;
		*pte = (*pte & PTE_ADDR) | new_flags;
		flush_page(virt + off);
	}
	return 0;
}

int vmm_protect(unsigned long virt, size_t size, unsigned int prot)
{
	unsigned long flags;
	int err;

	if (virt % PAGE_SIZE || !in_kernel_half(virt, size))
		return -EINVAL;
	local_irq_save(flags);
	err = protect_range(virt, ALIGN_UP(size, (size_t)PAGE_SIZE), prot_to_flags(prot));
	local_irq_restore(flags);
	return err;
}

/* The leaf entry's value and page size for virt, 0 when unmapped (consistent against
 * interrupt handlers that change mappings). */
static u64 read_leaf(unsigned long virt, u64 *size)
{
	unsigned long flags;
	u64 *leaf, entry = 0;

	if (virt < DIRECT_MAP_BASE || !kernel_pml4)
		return 0;
	local_irq_save(flags);
	leaf = find_leaf(virt, size);
	if (leaf)
		entry = *leaf;
	local_irq_restore(flags);
	return entry;
}

phys_addr_t vmm_translate(unsigned long virt)
{
	u64 size, entry = read_leaf(virt, &size);

	if (!entry)
		return (phys_addr_t)-1;
	return (entry & PTE_ADDR & ~(size - 1)) + (virt & (size - 1));
}

unsigned int vmm_query_prot(unsigned long virt)
{
	u64 size, entry = read_leaf(virt, &size);
	unsigned int prot = VM_READ;

	if (!entry)
		return 0;
	if (entry & PTE_WRITE)
		prot |= VM_WRITE;
	if (!(entry & nx_bit) || !nx_bit)
		prot |= VM_EXEC;
	if (entry & PTE_PCD)
		prot |= VM_UNCACHED;
	return prot;
}

/* ---- Building the tables at boot ---- */

/* Direct-maps [start, end) (2 MiB aligned) read-write, non-executable. */
static void map_direct(phys_addr_t start, phys_addr_t end)
{
	u64 *pde;

	for (phys_addr_t pa = start; pa < end; pa += LARGE_PAGE_SIZE) {
		if (walk((unsigned long)phys_to_virt(pa), 2, true, &pde) == -ENOMEM)
			panic("mm: out of memory building the direct map");
		if (!(*pde & PTE_PRESENT))
			*pde = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | nx_bit;
	}
}

static void map_all_memory(void)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	const struct boot_mmap_entry *map;
	unsigned int n;
	phys_addr_t end;

	map_direct(0, LOW_4G); /* RAM and low MMIO (VGA, framebuffer, APIC...) */
	map = page_alloc_memory_map(&n); /* sanitised: RAM under a reserved range is not RAM */
	for (unsigned int i = 0; i < n; i++) {
		const struct boot_mmap_entry *e = &map[i];

		end = e->base + e->len;
		if (e->type == BOOT_MEM_AVAILABLE && end > LOW_4G && end > e->base)
			map_direct(ALIGN_DOWN(max_t(u64, e->base, LOW_4G), LARGE_PAGE_SIZE),
				   ALIGN_UP(end, LARGE_PAGE_SIZE));
	}
	if (boot_info.has_fb && fb->addr + (u64)fb->pitch * fb->height > LOW_4G)
		map_direct(ALIGN_DOWN(fb->addr, LARGE_PAGE_SIZE),
			   ALIGN_UP(fb->addr + (u64)fb->pitch * fb->height, LARGE_PAGE_SIZE));
}

static void map_kernel_range(char *start, char *end, unsigned int prot)
{
	for (unsigned long va = (unsigned long)start; va < (unsigned long)end; va += PAGE_SIZE)
		if (map_page(va, va - KERNEL_VMA, prot_to_flags(prot)))
			panic("mm: cannot map the kernel image at 0x%lx", va);
}

/* Text read-only and executable, rodata read-only, data and bss writable; the direct map's
 * alias of text and rodata read-only as well, so no writable mapping of code exists. */
static void map_kernel_image(void)
{
	map_kernel_range(__text_start, __rodata_start, VM_READ | VM_EXEC);
	map_kernel_range(__rodata_start, __data_start, VM_READ);
	map_kernel_range(__data_start, __kernel_end, VM_READ | VM_WRITE);
	if (vmm_protect((unsigned long)phys_to_virt(virt_to_phys(__text_start)),
			__data_start - __text_start, VM_READ))
		panic("mm: cannot protect the direct map of the kernel image");
}

/* Every PML4 slot of the kernel half gets its PDPT now and keeps it: user address spaces copy
 * these 256 entries once, so a kernel mapping made later shows up in every one of them. */
static void preallocate_kernel_pdpts(void)
{
	u64 *t;

	for (unsigned int i = 256; i < 512; i++) {
		if (kernel_pml4[i] & PTE_PRESENT)
			continue;
		t = new_table();
		if (!t)
			panic("mm: out of memory for the kernel page tables");
		kernel_pml4[i] = virt_to_phys(t) | TABLE_FLAGS;
	}
}

void paging_init(void)
{
	u64 *pdpte;

	nx_bit = boot_nx_supported ? PTE_NX : 0; /* boot_nx_supported lives in low memory */
	kernel_pml4 = new_table();
	if (!kernel_pml4)
		panic("mm: out of memory for the kernel page tables");
	map_all_memory();
	map_kernel_image();
	/* The ioremap window's first PDPT stays for good: made now, it does not show up as a
	 * page lost by the first ioremap(). The module area shares the kernel image's PDPT. */
	if (walk(IOREMAP_BASE, 3, true, &pdpte))
		panic("mm: out of memory for the kernel page tables");
	preallocate_kernel_pdpts();
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(virt_to_phys(kernel_pml4)) : "memory");
	paging_live = true;
	page_alloc_set_limit(~0ULL);
}

bool mm_nx_enabled(void) { return nx_bit != 0; }
u64 *vmm_kernel_pgd(void) { return kernel_pml4; }
u64 vmm_nx_bit(void) { return nx_bit; }
