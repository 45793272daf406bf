/*
 * Step 1 of module loading: every structural check on an untrusted .ko image, done before
 * anything is allocated or changed, so later steps can index the image without re-checking.
 * Each failure names its problem in one line (info->err) and returns -ENOEXEC.
 */
#include <keel/string.h>
#include "load_internal.h"

#define MAX_SYMBOLS (1U << 24)

int load_fail(struct load_info *info, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(info->err, sizeof(info->err), fmt, ap);
	va_end(ap);
	load_err_sanitize(info);
	return err;
}

/* Messages quote names from the file: control bytes would reach the terminal raw. */
void load_err_sanitize(struct load_info *info)
{
	for (char *p = info->err; *p; p++) {
		if ((u8)*p < 0x20 || (u8)*p >= 0x7f)
			*p = '?';
	}
}

/* Whether [off, off + len) lies inside [0, limit), without overflowing. */
static bool range_inside(u64 off, u64 len, u64 limit)
{
	return off <= limit && len <= limit - off;
}

static const char *secname(const struct load_info *info, u32 idx)
{
	return info->secstrings + info->sechdrs[idx].sh_name;
}

static int check_ident(struct load_info *info)
{
	const Elf64_Ehdr *eh = info->ehdr;

	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return load_fail(info, -ENOEXEC, "not a 64-bit ELF file (class %u, expected ELFCLASS64)",
				 eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return load_fail(info, -ENOEXEC, "not little-endian (ELF data encoding %u)",
				 eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return load_fail(info, -ENOEXEC, "unsupported ELF version %u", eh->e_version);
	if (eh->e_machine != EM_X86_64)
		return load_fail(info, -ENOEXEC, "wrong machine type %u (expected EM_X86_64)",
				 eh->e_machine);
	if (eh->e_type != ET_REL)
		return load_fail(info, -ENOEXEC,
				 "not a relocatable object (ELF type %u, expected ET_REL)", eh->e_type);
	return 0;
}

static int check_header(struct load_info *info)
{
	const Elf64_Ehdr *eh = info->ehdr;
	u64 table_size;
	int err;

	if (info->size < SELFMAG || memcmp(info->image, ELFMAG, SELFMAG))
		return load_fail(info, -ENOEXEC, "not an ELF file (bad magic)");
	if (info->size < sizeof(Elf64_Ehdr))
		return load_fail(info, -ENOEXEC, "truncated ELF header (%zu bytes)", info->size);
	err = check_ident(info);
	if (err)
		return err;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return load_fail(info, -ENOEXEC, "bad section header entry size %u (expected %zu)",
				 eh->e_shentsize, sizeof(Elf64_Shdr));
	if (eh->e_shnum == 0)
		return load_fail(info, -ENOEXEC, "no section headers");
	if (eh->e_shoff % 8)
		return load_fail(info, -ENOEXEC, "section header table offset 0x%lx not 8-byte aligned",
				 (unsigned long)eh->e_shoff);
	table_size = (u64)eh->e_shnum * eh->e_shentsize;
	if (!range_inside(eh->e_shoff, table_size, info->size))
		return load_fail(info, -ENOEXEC,
				 "section header table (offset 0x%lx, %u entries) extends beyond end of file (%zu bytes)",
				 (unsigned long)eh->e_shoff, eh->e_shnum, info->size);
	info->sechdrs = (const Elf64_Shdr *)(info->image + eh->e_shoff);
	info->shnum = eh->e_shnum;
	return 0;
}

static int check_sections_in_file(struct load_info *info)
{
	for (u32 i = 0; i < info->shnum; i++) {
		const Elf64_Shdr *sh = &info->sechdrs[i];

		if (sh->sh_type == SHT_NOBITS || range_inside(sh->sh_offset, sh->sh_size, info->size))
			continue;
		return load_fail(info, -ENOEXEC,
				 "section %u (offset 0x%lx, size 0x%lx) extends beyond end of file (%zu bytes)",
				 i, (unsigned long)sh->sh_offset, (unsigned long)sh->sh_size, info->size);
	}
	return 0;
}

/* A string table usable with unchecked offsets below its size: ends with NUL. */
static bool strtab_terminated(const struct load_info *info, const Elf64_Shdr *sh)
{
	return sh->sh_type == SHT_STRTAB && sh->sh_size > 0 &&
	       info->image[sh->sh_offset + sh->sh_size - 1] == '\0';
}

static int check_section_names(struct load_info *info)
{
	u32 idx = info->ehdr->e_shstrndx;
	const Elf64_Shdr *sh;

	if (idx == SHN_UNDEF || idx >= info->shnum)
		return load_fail(info, -ENOEXEC,
				 "section name string table index %u out of range (%u sections)", idx,
				 info->shnum);
	sh = &info->sechdrs[idx];
	if (!strtab_terminated(info, sh))
		return load_fail(info, -ENOEXEC,
				 "section name string table (section %u) is not a NUL-terminated SHT_STRTAB",
				 idx);
	info->secstrings = (const char *)info->image + sh->sh_offset;
	info->secstrings_size = sh->sh_size;
	for (u32 i = 0; i < info->shnum; i++) {
		if (info->sechdrs[i].sh_name >= info->secstrings_size)
			return load_fail(info, -ENOEXEC, "section %u name offset 0x%x out of range", i,
					 info->sechdrs[i].sh_name);
	}
	return 0;
}

static int check_section_attributes(struct load_info *info, u32 i)
{
	const Elf64_Shdr *sh = &info->sechdrs[i];
	u64 align = sh->sh_addralign;

	if (sh->sh_type == SHT_REL)
		return load_fail(info, -ENOEXEC,
				 "section %s uses SHT_REL relocations (without addend); only SHT_RELA is supported",
				 secname(info, i));
	if (align > 1 && !IS_POWER_OF_2(align))
		return load_fail(info, -ENOEXEC, "section %s alignment %lu is not a power of two",
				 secname(info, i), (unsigned long)align);
	if (!(sh->sh_flags & SHF_ALLOC))
		return 0;
	if ((sh->sh_flags & SHF_WRITE) && (sh->sh_flags & SHF_EXECINSTR))
		return load_fail(info, -ENOEXEC, "section %s is both writable and executable (W^X)",
				 secname(info, i));
	if (align > LOAD_PAGE_SIZE)
		return load_fail(info, -ENOEXEC, "section %s alignment %lu exceeds the page size",
				 secname(info, i), (unsigned long)align);
	if (sh->sh_size > LOAD_MAX_MODULE_SIZE)
		return load_fail(info, -ENOEXEC, "section %s too large (0x%lx bytes)", secname(info, i),
				 (unsigned long)sh->sh_size);
	return 0;
}

static int find_symtab(struct load_info *info)
{
	u32 found = 0, count = 0;

	for (u32 i = 0; i < info->shnum; i++) {
		if (info->sechdrs[i].sh_type == SHT_SYMTAB) {
			found = i;
			count++;
		}
	}
	if (count == 0)
		return load_fail(info, -ENOEXEC, "no symbol table (SHT_SYMTAB)");
	if (count > 1)
		return load_fail(info, -ENOEXEC, "%u symbol tables (expected exactly one)", count);
	info->symtab_idx = found;
	return 0;
}

static int check_symtab(struct load_info *info)
{
	const Elf64_Shdr *sh = &info->sechdrs[info->symtab_idx];
	const char *name = secname(info, info->symtab_idx);
	u64 nsyms;

	if (sh->sh_entsize != sizeof(Elf64_Sym))
		return load_fail(info, -ENOEXEC, "symbol table %s entry size %lu (expected %zu)", name,
				 (unsigned long)sh->sh_entsize, sizeof(Elf64_Sym));
	nsyms = sh->sh_size / sizeof(Elf64_Sym);
	if (nsyms == 0 || sh->sh_size % sizeof(Elf64_Sym) || sh->sh_offset % 8)
		return load_fail(info, -ENOEXEC, "symbol table %s has bad size 0x%lx or offset 0x%lx",
				 name, (unsigned long)sh->sh_size, (unsigned long)sh->sh_offset);
	if (nsyms > MAX_SYMBOLS)
		return load_fail(info, -ENOEXEC, "too many symbols (%lu)", (unsigned long)nsyms);
	if (sh->sh_link == SHN_UNDEF || sh->sh_link >= info->shnum)
		return load_fail(info, -ENOEXEC, "symbol table's string table index %u out of range",
				 sh->sh_link);
	if (!strtab_terminated(info, &info->sechdrs[sh->sh_link]))
		return load_fail(info, -ENOEXEC,
				 "symbol string table %s is not a NUL-terminated SHT_STRTAB",
				 secname(info, sh->sh_link));
	info->symtab = (const Elf64_Sym *)(info->image + sh->sh_offset);
	info->nsyms = (u32)nsyms;
	info->strtab = (const char *)info->image + info->sechdrs[sh->sh_link].sh_offset;
	info->strtab_size = info->sechdrs[sh->sh_link].sh_size;
	return 0;
}

static int check_symbol_section(struct load_info *info, const Elf64_Sym *sym, const char *name)
{
	u32 shndx = sym->st_shndx;
	const Elf64_Shdr *sh;

	if (shndx == SHN_COMMON)
		return load_fail(info, -ENOEXEC, "symbol '%s' is a common symbol: compile with -fno-common",
				 name);
	if (shndx >= SHN_LORESERVE && shndx != SHN_ABS)
		return load_fail(info, -ENOEXEC, "symbol '%s' has unsupported reserved section index 0x%x",
				 name, shndx);
	if (shndx == SHN_ABS)
		return 0;
	if (shndx >= info->shnum)
		return load_fail(info, -ENOEXEC, "symbol '%s' section index %u out of range (%u sections)",
				 name, shndx, info->shnum);
	sh = &info->sechdrs[shndx];
	if ((sh->sh_flags & SHF_ALLOC) && sym->st_value > sh->sh_size)
		return load_fail(info, -ENOEXEC,
				 "symbol '%s' value 0x%lx lies outside its section %s (size 0x%lx)", name,
				 (unsigned long)sym->st_value, secname(info, shndx),
				 (unsigned long)sh->sh_size);
	return 0;
}

static const char *symbol_type_refusal(u8 type)
{
	switch (type) {
	case STT_NOTYPE:
	case STT_OBJECT:
	case STT_FUNC:
	case STT_SECTION:
	case STT_FILE:
		return NULL;
	case STT_COMMON:
		return "a common symbol (STT_COMMON): compile with -fno-common";
	case STT_TLS:
		return "thread-local (STT_TLS): the kernel has no thread-local storage";
	case STT_GNU_IFUNC:
		return "an indirect function (STT_GNU_IFUNC): its resolver would be called instead";
	}
	return "of an unknown type";
}

/*
 * Only the types and bindings the loader gives a meaning to are accepted: any other would be
 * linked as if it were a plain function or object, silently wrong.
 */
static int check_symbol_kind(struct load_info *info, u32 i, const Elf64_Sym *sym,
			     const char *name)
{
	u8 type = ELF64_ST_TYPE(sym->st_info), bind = ELF64_ST_BIND(sym->st_info);
	const char *why = symbol_type_refusal(type);

	if (why)
		return load_fail(info, -ENOEXEC, "symbol '%s' is %s (type %u)", name, why, type);
	if (bind == STB_GNU_UNIQUE)
		return load_fail(info, -ENOEXEC,
				 "symbol '%s' has binding STB_GNU_UNIQUE, which the loader does not support",
				 name);
	if (bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK)
		return load_fail(info, -ENOEXEC, "symbol '%s' has unknown binding %u", name, bind);
	if (i > 0 && bind == STB_LOCAL && sym->st_shndx == SHN_UNDEF)
		return load_fail(info, -ENOEXEC, "symbol '%s' is local but undefined", name);
	if (bind != STB_LOCAL && sym->st_shndx != SHN_UNDEF && sym->st_shndx < SHN_LORESERVE &&
	    !load_section_is_alloc(info, sym->st_shndx))
		return load_fail(info, -ENOEXEC, "global symbol '%s' defined in non-loaded section %s",
				 name, secname(info, sym->st_shndx));
	return 0;
}

static int check_symbols(struct load_info *info)
{
	for (u32 i = 0; i < info->nsyms; i++) {
		const Elf64_Sym *sym = &info->symtab[i];
		const char *name;

		if (sym->st_name >= info->strtab_size)
			return load_fail(info, -ENOEXEC, "symbol %u name offset 0x%x out of range", i,
					 sym->st_name);
		name = info->strtab + sym->st_name;
		if (sym->st_shndx != SHN_UNDEF) {
			int err = check_symbol_section(info, sym, name);

			if (!err)
				err = check_symbol_kind(info, i, sym, name);

			if (err)
				return err;
		} else if (i > 0 && !name[0]) {
			return load_fail(info, -ENOEXEC, "symbol %u is undefined and has no name", i);
		} else {
			int err = check_symbol_kind(info, i, sym, name);

			if (err)
				return err;
		}
	}
	return 0;
}

const char *load_symbol_display_name(const struct load_info *info, u32 symidx)
{
	const Elf64_Sym *sym = &info->symtab[symidx];

	if (ELF64_ST_TYPE(sym->st_info) == STT_SECTION && sym->st_shndx < info->shnum)
		return secname(info, sym->st_shndx);
	return info->strtab + sym->st_name;
}

static int check_rela_symbol(struct load_info *info, const char *relname, u64 n, u32 symidx,
			     bool applied)
{
	u32 shndx;

	if (symidx >= info->nsyms)
		return load_fail(info, -ENOEXEC, "%s entry %lu: symbol index %u out of range (%u symbols)",
				 relname, (unsigned long)n, symidx, info->nsyms);
	shndx = info->symtab[symidx].st_shndx;
	if (!applied || shndx == SHN_UNDEF || shndx == SHN_ABS || load_section_is_alloc(info, shndx))
		return 0;
	return load_fail(info, -ENOEXEC, "%s entry %lu: relocation against '%s' in non-loaded section %s",
			 relname, (unsigned long)n, load_symbol_display_name(info, symidx),
			 secname(info, shndx));
}

/* One relocation; those in non-loaded targets (debug info) are skipped later, so only bounds. */
static int check_rela(struct load_info *info, u32 relsec, u32 target, u64 n, const Elf64_Rela *r)
{
	const char *relname = secname(info, relsec);
	u32 type = ELF64_R_TYPE(r->r_info), width;
	bool applied = load_section_is_alloc(info, target);
	u64 tsize = info->sechdrs[target].sh_size;
	int err;

	err = check_rela_symbol(info, relname, n, ELF64_R_SYM(r->r_info), applied);
	if (err)
		return err;
	if (!reloc_type_width(type, &width)) {
		if (!applied)
			return 0;
		return load_fail(info, -ENOEXEC, "%s entry %lu: relocation type %u (%s) not supported",
				 relname, (unsigned long)n, type, module_reloc_type_name(type));
	}
	if (!range_inside(r->r_offset, width, tsize))
		return load_fail(info, -ENOEXEC,
				 "%s entry %lu: offset 0x%lx + %u bytes outside section %s (size 0x%lx)",
				 relname, (unsigned long)n, (unsigned long)r->r_offset, width,
				 secname(info, target), (unsigned long)tsize);
	if (applied && reloc_type_uses_got(type) && info->got_relocs < info->nsyms)
		info->got_relocs++;
	return 0;
}

static int check_rela_header(struct load_info *info, u32 relsec)
{
	const Elf64_Shdr *sh = &info->sechdrs[relsec];
	const char *name = secname(info, relsec);

	if (sh->sh_link != info->symtab_idx)
		return load_fail(info, -ENOEXEC,
				 "relocation section %s is linked to section %u, not the symbol table (%u)",
				 name, sh->sh_link, info->symtab_idx);
	if (sh->sh_info == SHN_UNDEF || sh->sh_info >= info->shnum)
		return load_fail(info, -ENOEXEC, "relocation section %s target section %u out of range",
				 name, sh->sh_info);
	if (sh->sh_entsize != sizeof(Elf64_Rela) || sh->sh_size % sizeof(Elf64_Rela) ||
	    sh->sh_offset % 8)
		return load_fail(info, -ENOEXEC,
				 "relocation section %s has bad entry size %lu (expected %zu), size or alignment",
				 name, (unsigned long)sh->sh_entsize, sizeof(Elf64_Rela));
	if (load_section_is_alloc(info, sh->sh_info) &&
	    info->sechdrs[sh->sh_info].sh_type == SHT_NOBITS)
		return load_fail(info, -ENOEXEC, "relocation section %s applies to NOBITS section %s",
				 name, secname(info, sh->sh_info));
	return 0;
}

static int check_relocation_section(struct load_info *info, u32 relsec)
{
	const Elf64_Shdr *sh = &info->sechdrs[relsec];
	const Elf64_Rela *rela = (const Elf64_Rela *)(info->image + sh->sh_offset);
	u64 count = sh->sh_size / sizeof(Elf64_Rela);
	int err = check_rela_header(info, relsec);

	for (u64 n = 0; !err && n < count; n++)
		err = check_rela(info, relsec, sh->sh_info, n, &rela[n]);
	return err;
}

static int check_all_sections(struct load_info *info)
{
	int err = 0;

	for (u32 i = 0; !err && i < info->shnum; i++)
		err = check_section_attributes(info, i);
	if (!err)
		err = find_symtab(info);
	if (!err)
		err = check_symtab(info);
	if (!err)
		err = check_symbols(info);
	for (u32 i = 0; !err && i < info->shnum; i++) {
		if (info->sechdrs[i].sh_type == SHT_RELA)
			err = check_relocation_section(info, i);
	}
	if (!err)
		err = check_relocation_overlaps(info);
	if (!err)
		err = check_entry_points(info);
	return err;
}

int module_validate_elf(struct load_info *info, const void *image, size_t size, const char *name)
{
	int err;

	memset(info, 0, sizeof(*info));
	info->name = name;
	info->image = image;
	info->size = size;
	info->ehdr = image;
	if ((uintptr_t)image % 8)
		return load_fail(info, -EINVAL, "image buffer is not 8-byte aligned");
	err = check_header(info);
	if (!err)
		err = check_sections_in_file(info);
	if (!err)
		err = check_section_names(info);
	if (!err)
		err = check_all_sections(info);
	return err;
}
