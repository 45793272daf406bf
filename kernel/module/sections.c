/*
 * The per-module section table (name, address) and the load hook, both for debugging: `lsmod -v`
 * prints the table, and gdb (tools/gdb/keel.py) reads it to give add-symbol-file every section's
 * address, from a breakpoint on do_init_module_hook() so that a module's symbols are known
 * before its init runs.
 */
#include <keel/compiler.h>
#include <keel/string.h>
#include "module/module.h"

void module_record_sections(struct module *mod, const struct load_info *info)
{
	mod->num_sections = 0;
	for (u32 i = 1; i < info->shnum && mod->num_sections < MODULE_MAX_SECTIONS; i++) {
		const char *name = module_section_name(info, i);
		u64 addr = module_section_addr(info, i);
		struct module_section *sec = &mod->sections[mod->num_sections];

		/* A name that does not fit is left out rather than cut: gdb would misplace it. */
		if (!addr || !name || strlen(name) >= sizeof(sec->name))
			continue;
		strlcpy(sec->name, name, sizeof(sec->name));
		sec->addr = addr;
		mod->num_sections++;
	}
}

/* __noinline and the empty asm keep the call and mod in %rdi, whatever the optimiser thinks. */
__noinline void do_init_module_hook(struct module *mod)
{
	__asm__ volatile("" : : "r"(mod) : "memory");
}
