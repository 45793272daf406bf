/*
 * Step 2 of module loading: W^X layout of the loaded sections into page-aligned text, rodata
 * and data regions (so permissions apply per page), and copying them into the caller's memory.
 * The layout is computed twice with the same code: once for sizes, once to record offsets.
 */
#include <keel/string.h>
#include "load_internal.h"

enum section_group { GROUP_NONE, GROUP_TEXT, GROUP_RODATA, GROUP_DATA };

#define INT3_OPCODE 0xcc

static enum section_group section_group(const Elf64_Shdr *sh)
{
	if (!(sh->sh_flags & SHF_ALLOC))
		return GROUP_NONE;
	if (sh->sh_flags & SHF_EXECINSTR)
		return GROUP_TEXT;
	if (sh->sh_flags & SHF_WRITE)
		return GROUP_DATA;
	return GROUP_RODATA;
}

/* Reserve `size` bytes at `align` after *cursor, staying below the module size limit. */
static bool reserve(u64 *cursor, u64 size, u64 align, u64 *offset)
{
	u64 start = ALIGN_UP(*cursor, align ? align : 1);

	if (start > LOAD_MAX_MODULE_SIZE || size > LOAD_MAX_MODULE_SIZE - start)
		return false;
	*offset = start;
	*cursor = start + size;
	return true;
}

static bool reserve_sections(const struct load_info *info, enum section_group group, u64 *cursor,
			     u64 *secoff)
{
	for (u32 i = 0; i < info->shnum; i++) {
		const Elf64_Shdr *sh = &info->sechdrs[i];
		u64 off;

		if (section_group(sh) != group)
			continue;
		if (!reserve(cursor, sh->sh_size, sh->sh_addralign, &off))
			return false;
		if (secoff)
			secoff[i] = off;
	}
	return true;
}

/* Start a region at the next page boundary and fill it with the group's sections. */
static bool reserve_region(const struct load_info *info, enum section_group group, u64 *cursor,
			   struct load_region *region, u64 *secoff)
{
	return reserve(cursor, 0, LOAD_PAGE_SIZE, &region->offset) &&
	       reserve_sections(info, group, cursor, secoff);
}

static bool end_region(u64 *cursor, struct load_region *region)
{
	u64 end;

	if (!reserve(cursor, 0, LOAD_PAGE_SIZE, &end))
		return false;
	region->size = end - region->offset;
	return true;
}

/* The rodata region also holds the GOT and the tables that outlive the ELF image. */
static bool reserve_tables(const struct load_info *info, u64 *cursor, struct load_layout *l)
{
	return reserve(cursor, (u64)l->got_slots * sizeof(u64), 8, &l->got_offset) &&
	       reserve(cursor, (u64)info->shnum * sizeof(u64), 8, &l->secoff_offset) &&
	       reserve(cursor, (u64)info->nsyms * sizeof(struct module_sym), 8, &l->syms_offset) &&
	       reserve(cursor, info->strtab_size, 8, &l->strtab_offset);
}

static bool compute_layout(const struct load_info *info, struct load_layout *l, u64 *secoff)
{
	u64 cursor = 0;

	memset(l, 0, sizeof(*l));
	l->got_slots = info->got_relocs;
	if (!reserve_region(info, GROUP_TEXT, &cursor, &l->text, secoff) ||
	    !end_region(&cursor, &l->text))
		return false;
	if (!reserve_region(info, GROUP_RODATA, &cursor, &l->rodata, secoff) ||
	    !reserve_tables(info, &cursor, l) || !end_region(&cursor, &l->rodata))
		return false;
	if (!reserve_region(info, GROUP_DATA, &cursor, &l->data, secoff) ||
	    !end_region(&cursor, &l->data))
		return false;
	l->total_size = cursor;
	return true;
}

int module_layout(struct load_info *info)
{
	if (!compute_layout(info, &info->layout, NULL))
		return load_fail(info, -EFBIG, "module too large (limit %lu MiB)",
				 LOAD_MAX_MODULE_SIZE >> 20);
	return 0;
}

static void copy_sections(struct load_info *info)
{
	for (u32 i = 0; i < info->shnum; i++) {
		const Elf64_Shdr *sh = &info->sechdrs[i];
		u8 *dst;

		if (info->secoff[i] == LOAD_NOT_LOADED)
			continue;
		dst = info->mem + info->secoff[i];
		if (sh->sh_type == SHT_NOBITS)
			memset(dst, 0, sh->sh_size);
		else
			memcpy(dst, info->image + sh->sh_offset, sh->sh_size);
	}
}

int module_place(struct load_info *info, void *mem, u64 base)
{
	struct load_layout check;
	const struct load_layout *l = &info->layout;

	if (base % LOAD_PAGE_SIZE || (uintptr_t)mem % 8)
		return load_fail(info, -EINVAL, "module memory not page-aligned");
	info->mem = mem;
	info->base = base;
	/* Padding between functions traps; everything else starts zeroed. */
	memset(info->mem, INT3_OPCODE, l->text.size);
	memset(info->mem + l->rodata.offset, 0, l->total_size - l->rodata.offset);
	info->secoff = (u64 *)(info->mem + l->secoff_offset);
	for (u32 i = 0; i < info->shnum; i++)
		info->secoff[i] = LOAD_NOT_LOADED;
	compute_layout(info, &check, info->secoff);
	copy_sections(info);
	info->syms = (struct module_sym *)(info->mem + l->syms_offset);
	memcpy(info->mem + l->strtab_offset, info->strtab, info->strtab_size);
	info->got_used = 0;
	return 0;
}

int module_find_section(const struct load_info *info, const char *name)
{
	for (u32 i = 1; i < info->shnum; i++) {
		if (!strcmp(info->secstrings + info->sechdrs[i].sh_name, name))
			return (int)i;
	}
	return -ENOENT;
}

const char *module_section_name(const struct load_info *info, u32 idx)
{
	return idx < info->shnum ? info->secstrings + info->sechdrs[idx].sh_name : NULL;
}

const void *module_section_data(const struct load_info *info, u32 idx, u64 *size)
{
	if (idx >= info->shnum || info->sechdrs[idx].sh_type == SHT_NOBITS) {
		*size = 0;
		return NULL;
	}
	*size = info->sechdrs[idx].sh_size;
	return info->image + info->sechdrs[idx].sh_offset;
}

u64 module_section_addr(const struct load_info *info, u32 idx)
{
	if (!info->secoff || idx >= info->shnum || info->secoff[idx] == LOAD_NOT_LOADED)
		return 0;
	return info->base + info->secoff[idx];
}

void *module_section_mem(const struct load_info *info, u32 idx)
{
	if (!info->secoff || idx >= info->shnum || info->secoff[idx] == LOAD_NOT_LOADED)
		return NULL;
	return info->mem + info->secoff[idx];
}
