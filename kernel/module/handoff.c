/*
 * What a module hands the kernel, checked before the kernel uses any of it: the entry points
 * it calls (init_module, cleanup_module), the pointers in the __ksymtab and __param tables it
 * dereferences, and the module's name it prints and matches. A module is untrusted input
 * until these hold: each pointer lies inside the module's own image, in the kind of section
 * its use needs (code to call, read-only data to keep as a name, writable data to store
 * into), and each string is NUL-terminated inside that section.
 */
#include <keel/export.h>
#include <keel/moduleparam.h>
#include <keel/string.h>
#include "load_internal.h"
#include "params.h"

/* What a pointer is used for decides the section it must be in. */
enum section_kind { KIND_CODE, KIND_RODATA, KIND_WRITABLE, KIND_ANY };

static const char *const kind_names[] = {
	[KIND_CODE] = "executable", [KIND_RODATA] = "read-only data",
	[KIND_WRITABLE] = "writable data", [KIND_ANY] = "loaded",
};

static bool kind_matches(u64 flags, enum section_kind kind)
{
	switch (kind) {
	case KIND_CODE:
		return flags & SHF_EXECINSTR;
	case KIND_RODATA:
		return !(flags & (SHF_EXECINSTR | SHF_WRITE));
	case KIND_WRITABLE:
		return flags & SHF_WRITE;
	case KIND_ANY:
		return true;
	}
	return false;
}

static int check_entry_point(struct load_info *info, const Elf64_Sym *sym, const char *name)
{
	const Elf64_Shdr *sh;
	u8 type = ELF64_ST_TYPE(sym->st_info);

	if (sym->st_shndx == SHN_ABS)
		return load_fail(info, -ENOEXEC,
				 "%s is an absolute symbol (SHN_ABS), not a function of the module", name);
	sh = &info->sechdrs[sym->st_shndx]; /* validation: a loaded section (global symbol) */
	if (!kind_matches(sh->sh_flags, KIND_CODE))
		return load_fail(info, -ENOEXEC, "%s is in section %s, which is not executable", name,
				 module_section_name(info, sym->st_shndx));
	if (type != STT_FUNC && type != STT_NOTYPE)
		return load_fail(info, -ENOEXEC, "%s is not a function (symbol type %u)", name, type);
	if (sym->st_value >= sh->sh_size || sym->st_size > sh->sh_size - sym->st_value)
		return load_fail(info, -ENOEXEC,
				 "%s (offset 0x%lx, size 0x%lx) is not inside section %s (size 0x%lx)",
				 name, (unsigned long)sym->st_value, (unsigned long)sym->st_size,
				 module_section_name(info, sym->st_shndx), (unsigned long)sh->sh_size);
	return 0;
}

/* Every definition the loader could pick (it takes global and weak ones by name). */
int check_entry_points(struct load_info *info)
{
	static const char *const entry_points[] = { "init_module", "cleanup_module" };

	for (u32 i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *sym = &info->symtab[i];
		const char *name = info->strtab + sym->st_name;

		if (sym->st_shndx == SHN_UNDEF || ELF64_ST_BIND(sym->st_info) == STB_LOCAL)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(entry_points); k++) {
			int err = strcmp(name, entry_points[k]) ? 0 :
				  check_entry_point(info, sym, name);

			if (err)
				return err;
		}
	}
	return 0;
}

/* The loaded section holding [addr, addr + len), or -1. */
static int section_holding(const struct load_info *info, u64 addr, u64 len)
{
	for (u32 i = 1; i < info->shnum; i++) {
		u64 start = module_section_addr(info, i), size = info->sechdrs[i].sh_size;

		if (start && addr >= start && addr - start < size && len <= size - (addr - start))
			return (int)i;
	}
	return -1;
}

/* 0 when [addr, addr + len) is inside one loaded section of that kind, else its refusal. */
static int check_pointer(struct load_info *info, const char *what, u64 addr, u64 len,
			 enum section_kind kind)
{
	int sec = section_holding(info, addr, len ? len : 1);

	if (sec < 0)
		return load_fail(info, -ENOEXEC,
				 "%s does not point inside the module (0x%lx, %lu bytes)", what,
				 (unsigned long)addr, (unsigned long)len);
	if (!kind_matches(info->sechdrs[sec].sh_flags, kind))
		return load_fail(info, -ENOEXEC, "%s points into section %s, which is not %s", what,
				 module_section_name(info, sec), kind_names[kind]);
	return 0;
}

static bool is_identifier_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* A name string: read-only data of the module, NUL-terminated there, an identifier. */
static int check_name_pointer(struct load_info *info, const char *what, u64 addr)
{
	int err = check_pointer(info, what, addr, 1, KIND_RODATA);
	int sec = err ? -1 : section_holding(info, addr, 1);
	const char *s, *end;

	if (err)
		return err;
	s = (const char *)module_section_mem(info, sec) + (addr - module_section_addr(info, sec));
	end = memchr(s, '\0', info->sechdrs[sec].sh_size - (addr - module_section_addr(info, sec)));
	if (!end)
		return load_fail(info, -ENOEXEC, "%s is not NUL-terminated inside section %s", what,
				 module_section_name(info, sec));
	for (const char *p = s; p < end; p++) {
		if (!is_identifier_char(*p))
			return load_fail(info, -ENOEXEC,
					 "%s holds byte 0x%02x: names are letters, digits and '_'",
					 what, (u8)*p);
	}
	if (end == s)
		return load_fail(info, -ENOEXEC, "%s is empty", what);
	return 0;
}

/* The loaded table `name` as entries of `entsize` bytes (pointer-aligned structures); NULL
 * when absent or not loaded. A table placed at a misaligned address (its sh_addralign lied)
 * is refused: the kernel reads its entries as structures. */
static const void *table_of(struct load_info *info, const char *name, u64 entsize, u64 *count,
			    int *err)
{
	int idx = module_find_section(info, name);
	const void *mem = idx >= 0 ? module_section_mem(info, idx) : NULL;
	u64 size = mem ? info->sechdrs[idx].sh_size : 0;

	*count = size / entsize;
	*err = 0;
	if (size % entsize)
		*err = load_fail(info, -ENOEXEC,
				 "section %s size 0x%lx is not a whole number of %lu-byte entries",
				 name, (unsigned long)size, (unsigned long)entsize);
	else if ((uintptr_t)mem % sizeof(void *))
		*err = load_fail(info, -ENOEXEC, "section %s is not %lu-byte aligned", name,
				 (unsigned long)sizeof(void *));
	return *err ? NULL : mem;
}

static int check_ksymtab_entry(struct load_info *info, const struct kernel_symbol *ks, u64 n)
{
	char what[64];
	int err;

	snprintf(what, sizeof(what), "__ksymtab entry #%lu: name", (unsigned long)n);
	err = check_name_pointer(info, what, (u64)(uintptr_t)ks->name);
	if (err)
		return err;
	snprintf(what, sizeof(what), "__ksymtab entry #%lu: address", (unsigned long)n);
	return check_pointer(info, what, ks->addr, 1, KIND_ANY);
}

/* The kernel stores through arg (max elements, or one) and num: both must be module data. */
static int check_param_entry(struct load_info *info, const struct kernel_param *kp, u64 n)
{
	u64 elem = param_elem_size(kp->type);
	char what[64];
	int err;

	snprintf(what, sizeof(what), "__param entry #%lu: name", (unsigned long)n);
	err = check_name_pointer(info, what, (u64)(uintptr_t)kp->name);
	if (err)
		return err;
	if (!elem)
		return load_fail(info, -ENOEXEC, "__param entry #%lu: unknown type %u",
				 (unsigned long)n, kp->type);
	snprintf(what, sizeof(what), "__param entry #%lu: variable", (unsigned long)n);
	err = check_pointer(info, what, (u64)(uintptr_t)kp->arg, elem * (kp->max ? kp->max : 1),
			    KIND_WRITABLE);
	if (err || !kp->num)
		return err;
	snprintf(what, sizeof(what), "__param entry #%lu: count", (unsigned long)n);
	return check_pointer(info, what, (u64)(uintptr_t)kp->num, sizeof(unsigned int),
			     KIND_WRITABLE);
}

int module_check_tables(struct load_info *info)
{
	const struct kernel_symbol *ks;
	const struct kernel_param *kp;
	u64 count;
	int err;

	ks = table_of(info, "__ksymtab", sizeof(*ks), &count, &err);
	for (u64 n = 0; !err && n < count; n++)
		err = check_ksymtab_entry(info, &ks[n], n);
	if (err)
		return err;
	kp = table_of(info, "__param", sizeof(*kp), &count, &err);
	for (u64 n = 0; !err && n < count; n++)
		err = check_param_entry(info, &kp[n], n);
	return err;
}

bool module_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > MODULE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	}
	return true;
}

void module_name_escape(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, out = 0;

	if (!size)
		return;
	for (i = 0; i < len && out + 8 < size; i++) {
		u8 c = (u8)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[out++] = (char)c;
		else
			out += scnprintf(buf + out, size - out, "\\x%02x", c);
	}
	if (i < len)
		scnprintf(buf + out, size - out, "...");
	else
		buf[out] = '\0';
}
