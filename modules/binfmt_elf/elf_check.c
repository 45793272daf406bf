/*
 * Checks of an ELF executable's headers before the loader trusts any of them (binfmt_elf.h):
 * identification, type, machine, header sizes, the program header table inside the file, and
 * for every PT_LOAD a sane alignment, file data inside the file, p_filesz <= p_memsz, no
 * overflow, no overlap with the previous segment, and an address range inside user space
 * once the load bias is added. Pure: host unit tests feed it broken files.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include "binfmt_elf.h"

#define PAGE_MASK_4K 0xfffUL
#define MIN_LOAD_ADDR 0x10000UL /* Linux's default mmap_min_addr: page 0 stays unmapped */
#define ELF_DYN_BASE 0x555555554000UL /* ELF_ET_DYN_BASE (<keel/mm_types.h>), host-test safe */

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t size, const char **why)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(why, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return fail(why, "bad ELF byte order or version");
	if (eh->e_machine != EM_X86_64)
		return fail(why, "not an x86_64 executable (e_machine)");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return fail(why, "not an executable (e_type)");
	if (eh->e_ehsize < sizeof(*eh) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(why, "bad ELF header or program header size");
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return fail(why, "bad program header count (e_phnum)");
	if (eh->e_phoff > size || eh->e_phoff % 8 ||
	    (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return fail(why, "program headers outside the file");
	return 0;
}

/* One PT_LOAD on its own: alignment, file range, sizes, no wrap-around. */
static int check_load(const Elf64_Phdr *ph, size_t size, const char **why)
{
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return fail(why, "PT_LOAD alignment not a power of two");
	if ((ph->p_vaddr - ph->p_offset) & PAGE_MASK_4K)
		return fail(why, "PT_LOAD offset and address not page congruent");
	if (ph->p_filesz > ph->p_memsz)
		return fail(why, "PT_LOAD p_filesz > p_memsz");
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return fail(why, "PT_LOAD data past the end of the file");
	if (ph->p_memsz == 0 || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return fail(why, "PT_LOAD empty or wrapping around");
	return 0;
}

/* The lowest PT_LOAD address, for the ET_DYN bias; 0 with no PT_LOAD. */
static unsigned long first_load_vaddr(const Elf64_Phdr *ph, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD)
			return ph[i].p_vaddr;
	return 0;
}

/* Every PT_LOAD: valid alone, ascending without overlap, inside user space after bias. */
static int check_loads(const Elf64_Phdr *ph, unsigned int n, size_t size,
		       unsigned long user_top, struct elf_info *info, const char **why)
{
	unsigned long prev_end = 0, start, end;
	int err, loads = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = check_load(&ph[i], size, why);
		if (err)
			return err;
		start = ph[i].p_vaddr + info->load_bias;
		end = start + ph[i].p_memsz;
		if (start < MIN_LOAD_ADDR || end > user_top || end < start)
			return fail(why, "PT_LOAD outside user space");
		if (loads++ && start < prev_end)
			return fail(why, "PT_LOAD segments overlap or are not in order");
		prev_end = end;
	}
	if (!loads)
		return fail(why, "no PT_LOAD segment");
	info->end = prev_end;
	return 0;
}

/* The entry point, and where the program headers land in memory (AT_PHDR). */
static int find_entry_and_phdr(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			       struct elf_info *info, const char **why)
{
	bool entry_ok = false;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type == PT_PHDR)
			info->phdr_addr = p->p_vaddr + info->load_bias;
		if (p->p_type == PT_GNU_STACK)
			info->exec_stack = p->p_flags & PF_X;
		if (p->p_type != PT_LOAD)
			continue;
		if (eh->e_entry >= p->p_vaddr && eh->e_entry - p->p_vaddr < p->p_memsz)
			entry_ok = true;
		if (!info->phdr_addr && eh->e_phoff >= p->p_offset &&
		    eh->e_phoff - p->p_offset < p->p_filesz)
			info->phdr_addr =
				p->p_vaddr + (eh->e_phoff - p->p_offset) + info->load_bias;
	}
	if (!entry_ok)
		return fail(why, "entry point outside every PT_LOAD");
	info->entry = eh->e_entry + info->load_bias;
	return 0;
}

static bool has_interp(const Elf64_Phdr *ph, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return true;
	return false;
}

int elf_check(const u8 *buf, size_t size, unsigned long user_top, struct elf_info *info,
	      const char **why)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	const Elf64_Phdr *ph;
	int err;

	memset(info, 0, sizeof(*info));
	*why = NULL;
	if (size < SELFMAG || memcmp(buf, ELFMAG, SELFMAG))
		return 1;
	if (size < sizeof(*eh))
		return fail(why, "truncated ELF header");
	err = check_ehdr(eh, size, why);
	if (err)
		return err;
	ph = (const Elf64_Phdr *)(buf + eh->e_phoff);
	if (has_interp(ph, eh->e_phnum))
		return fail(why, "dynamically linked (PT_INTERP): not supported yet");
	if (eh->e_type == ET_DYN)
		info->load_bias =
			ELF_DYN_BASE - (first_load_vaddr(ph, eh->e_phnum) & ~PAGE_MASK_4K);
	err = check_loads(ph, eh->e_phnum, size, user_top, info, why);
	if (!err)
		err = find_entry_and_phdr(eh, ph, info, why);
	info->phdrs = ph;
	info->phnum = eh->e_phnum;
	return err;
}
