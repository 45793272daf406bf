/* Helpers shared by the loader core's files (not part of its API: see load_core.h). */
#ifndef KEEL_MODULE_LOAD_INTERNAL_H
#define KEEL_MODULE_LOAD_INTERNAL_H

#include <keel/compiler.h>
#include <keel/errno.h>
#include "load_core.h"

/* Record the one-line error message in info->err and return err. */
int load_fail(struct load_info *info, int err, const char *fmt, ...) __printf(3, 4);
/* Replaces the non-printable bytes of info->err (from names in the file) with '?'. */
void load_err_sanitize(struct load_info *info);

/* Whether a section is copied into the module allocation. */
static inline bool load_section_is_alloc(const struct load_info *info, u32 idx)
{
	return idx < info->shnum && (info->sechdrs[idx].sh_flags & SHF_ALLOC);
}

/* Bytes a supported relocation type patches (0 for NONE); false if unsupported. */
bool reloc_type_width(u32 type, u32 *width);
/* Whether a relocation type may need a GOT slot. */
bool reloc_type_uses_got(u32 type);
/* Validation of relocations as a whole: no two applied ones write the same bytes. */
int check_relocation_overlaps(struct load_info *info);
/* Validation of the symbols the kernel calls: init_module and cleanup_module. */
int check_entry_points(struct load_info *info);
/* The symbol's name for messages: its section's name for section symbols. */
const char *load_symbol_display_name(const struct load_info *info, u32 symidx);

#endif
