/*
 * Step 3 of module loading: giving every ELF symbol its final address (module sections or the
 * caller's resolver), and the queries on a loaded module's symbols (init/exports lookup, oops
 * symbolization). The queries read only the module's own copy, not the ELF image.
 */
#include <keel/string.h>
#include "load_internal.h"

/* Room kept at the end of the message for " ... (N in all)". */
#define UNKNOWN_TAIL_ROOM 32
#define GOT_SYMBOL "_GLOBAL_OFFSET_TABLE_"

struct unknown_symbols {
	u32 count;
	u32 shown;
	size_t len;
};

static void add_unknown(struct load_info *info, struct unknown_symbols *u, const char *name)
{
	size_t cap = sizeof(info->err) - UNKNOWN_TAIL_ROOM;

	if (u->count++ == 0)
		u->len = scnprintf(info->err, sizeof(info->err), "unknown symbols:");
	if (u->shown != u->count - 1 || u->len + 2 + strlen(name) >= cap)
		return;
	u->len += scnprintf(info->err + u->len, sizeof(info->err) - u->len, "%s %s",
			    u->shown ? "," : "", name);
	u->shown++;
}

static int finish_unknown(struct load_info *info, struct unknown_symbols *u)
{
	if (!u->count)
		return 0;
	if (u->shown < u->count)
		scnprintf(info->err + u->len, sizeof(info->err) - u->len, "%s ... (%u in all)",
			  u->shown ? "," : "", u->count);
	load_err_sanitize(info);
	return -ENOENT;
}

static void resolve_undefined(struct load_info *info, const struct load_env *env, u32 i,
			      struct unknown_symbols *u)
{
	const Elf64_Sym *sym = &info->symtab[i];
	const char *name = info->strtab + sym->st_name;
	u64 addr;

	/* The assembler references it whenever GOT relocations are used: it is our GOT. */
	if (!strcmp(name, GOT_SYMBOL))
		info->syms[i].addr = info->base + info->layout.got_offset;
	else if (env && env->resolve && env->resolve(name, &addr, env->ctx) == 0)
		info->syms[i].addr = addr;
	else if (ELF64_ST_BIND(sym->st_info) == STB_WEAK)
		info->syms[i].addr = 0;
	else
		add_unknown(info, u, name);
}

static void resolve_symbol(struct load_info *info, const struct load_env *env, u32 i,
			   struct unknown_symbols *u)
{
	const Elf64_Sym *sym = &info->symtab[i];
	struct module_sym *ms = &info->syms[i];

	*ms = (struct module_sym){ .name = sym->st_name, .size = sym->st_size,
				   .shndx = sym->st_shndx, .info = sym->st_info };
	if (i == 0)
		return;
	if (sym->st_shndx == SHN_UNDEF) {
		resolve_undefined(info, env, i, u);
	} else if (sym->st_shndx == SHN_ABS) {
		ms->addr = sym->st_value;
		ms->flags = MODULE_SYM_DEFINED;
	} else if (load_section_is_alloc(info, sym->st_shndx)) {
		ms->addr = module_section_addr(info, sym->st_shndx) + sym->st_value;
		ms->flags = MODULE_SYM_DEFINED;
	}
}

int module_resolve_symbols(struct load_info *info, const struct load_env *env)
{
	struct unknown_symbols unknown = { 0 };

	for (u32 i = 0; i < info->nsyms; i++)
		resolve_symbol(info, env, i, &unknown);
	return finish_unknown(info, &unknown);
}

void module_get_syms(const struct load_info *info, struct module_syms *out)
{
	out->syms = info->syms;
	out->count = info->nsyms;
	out->strtab = (const char *)info->mem + info->layout.strtab_offset;
	out->strtab_size = info->strtab_size;
	out->base = info->base;
	out->size = info->layout.total_size;
}

const char *module_sym_name(const struct module_syms *ms, const struct module_sym *sym)
{
	return sym->name < ms->strtab_size ? ms->strtab + sym->name : "";
}

static bool is_defined_global(const struct module_sym *sym)
{
	u8 bind = ELF64_ST_BIND(sym->info), type = ELF64_ST_TYPE(sym->info);

	return (sym->flags & MODULE_SYM_DEFINED) && (bind == STB_GLOBAL || bind == STB_WEAK) &&
	       type != STT_SECTION && type != STT_FILE;
}

int module_for_each_global(const struct module_syms *ms,
			   int (*fn)(const char *name, const struct module_sym *sym, void *ctx),
			   void *ctx)
{
	for (u32 i = 1; i < ms->count; i++) {
		int ret;

		if (!is_defined_global(&ms->syms[i]))
			continue;
		ret = fn(module_sym_name(ms, &ms->syms[i]), &ms->syms[i], ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int module_find_symbol(const struct module_syms *ms, const char *name, u64 *addr)
{
	for (u32 i = 1; i < ms->count; i++) {
		if (is_defined_global(&ms->syms[i]) && !strcmp(module_sym_name(ms, &ms->syms[i]), name)) {
			*addr = ms->syms[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

/* Functions and objects with a name and a size, placed in a module section. */
static bool sym_contains(const struct module_syms *ms, const struct module_sym *sym, u64 addr)
{
	u8 type = ELF64_ST_TYPE(sym->info);

	if (!(sym->flags & MODULE_SYM_DEFINED) || sym->shndx == SHN_ABS || sym->size == 0)
		return false;
	if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
		return false;
	return addr >= sym->addr && addr - sym->addr < sym->size && *module_sym_name(ms, sym);
}

static bool better_match(const struct module_sym *cand, const struct module_sym *best)
{
	if (!best || cand->addr > best->addr)
		return true;
	return cand->addr == best->addr && ELF64_ST_TYPE(best->info) == STT_NOTYPE &&
	       ELF64_ST_TYPE(cand->info) != STT_NOTYPE;
}

bool module_lookup_address(const struct module_syms *ms, u64 addr, const char **name, u64 *offset,
			   u64 *size)
{
	const struct module_sym *best = NULL;

	for (u32 i = 1; i < ms->count; i++) {
		const struct module_sym *sym = &ms->syms[i];

		if (sym_contains(ms, sym, addr) && better_match(sym, best))
			best = sym;
	}
	if (!best)
		return false;
	*name = module_sym_name(ms, best);
	*offset = addr - best->addr;
	*size = best->size;
	return true;
}
