/*
 * The ELF loader core: validates a relocatable .ko image, lays it out with W^X, copies it,
 * resolves its symbols and applies its relocations. It is pure computation on caller-supplied
 * memory (it never allocates and never looks up kernel symbols itself), so the same code runs
 * in the kernel and in host unit tests / the fuzzer (-DKEEL_HOST_TEST).
 *
 * Caller sequence (each step returns 0 or a negative errno; on error info->err holds ONE line
 * naming the problem, to be printed as "insmod: <name>: <info->err>"):
 *
 *	struct load_info info;
 *	err = module_validate_elf(&info, image, size, "hello.ko");  // -ENOEXEC, no state changed
 *	err = module_layout(&info);            // -ENOEXEC if too large; fills info.layout
 *	mem = module_area_alloc(info.layout.total_size);   // page-aligned, within +-2 GiB of kernel
 *	err = module_load_core(&info, &env, mem, (u64)mem);
 *		// = module_place + module_resolve_symbols (-ENOENT) + module_apply_relocations
 *		//   + module_check_tables (-ENOEXEC)
 *	set permissions page by page: info.layout.text RX, .rodata R (NX), .data RW (NX)
 *	module_get_syms(&info, &mod->syms);    // symbol view that outlives the ELF image
 *
 * The image must be 8-byte aligned (-EINVAL otherwise) and stay alive and unchanged until
 * module_load_core() returns; afterwards only the module memory (which holds its own symbol
 * table copy) is used. On the host, the write pointer `mem` and the load address `base`
 * differ: every address computed is base-relative, every byte written goes through mem.
 * Errors: -ENOEXEC malformed / unsupported / relocation overflow, -EFBIG too large (layout),
 * -ENOENT unresolved symbols, -EINVAL caller misuse (misaligned image or memory).
 * The assembler's _GLOBAL_OFFSET_TABLE_ resolves to the module's own GOT.
 */
#ifndef KEEL_MODULE_LOAD_CORE_H
#define KEEL_MODULE_LOAD_CORE_H

#include <keel/types.h>
#include <keel/elf.h>

#define LOAD_ERR_LEN 256
/* Upper bound for one module's allocation; the module area is 1.25 GiB. */
#define LOAD_MAX_MODULE_SIZE (256UL << 20)
#define LOAD_PAGE_SIZE 4096UL

/* One permission region of the module allocation: offset and size are page multiples. */
struct load_region {
	u64 offset;
	u64 size;
};

/*
 * The module allocation, in this order, each region page-aligned:
 *   text   (AX sections)                              -> RX
 *   rodata (A sections, GOT, section table, symbols)  -> R, NX (written only during load)
 *   data   (WA sections incl. NOBITS, zeroed)          -> RW, NX
 */
struct load_layout {
	struct load_region text, rodata, data;
	u64 total_size;
	u64 got_offset;       /* GOT: got_slots u64 entries */
	u32 got_slots;        /* upper bound: min(GOT-type relocations, symbols); slots are per symbol */
	u64 secoff_offset;    /* u64 per ELF section: its offset in the allocation or LOAD_NOT_LOADED */
	u64 syms_offset;      /* struct module_sym per ELF symbol (same indices) */
	u64 strtab_offset;    /* copy of the ELF symbol string table */
};

#define LOAD_NOT_LOADED (~0ULL)

/* A module symbol after loading; index-aligned with the ELF symbol table. */
struct module_sym {
	u64 addr;     /* final address (resolved for undefined symbols; 0 for unresolved weak) */
	u64 size;
	u32 name;     /* offset into module_syms.strtab */
	u32 got_slot; /* 1-based GOT slot, 0 if none (load-time bookkeeping) */
	u16 shndx;    /* ELF section index (SHN_UNDEF, SHN_ABS, or a section) */
	u8 info;      /* ELF st_info: ELF64_ST_BIND / ELF64_ST_TYPE */
	u8 flags;     /* MODULE_SYM_* */
	u32 reserved;
};

#define MODULE_SYM_DEFINED 0x1 /* defined by the module in a loaded section, or SHN_ABS */

/* The module's symbols, readable after the ELF image is freed (points into module rodata). */
struct module_syms {
	const struct module_sym *syms;
	u32 count;
	const char *strtab;
	u64 strtab_size;
	u64 base; /* load address range of the whole module allocation */
	u64 size;
};

/* What the core needs from its caller: undefined-symbol resolution. */
struct load_env {
	/* 0 and *addr set if `name` is known (kernel export / other module), else -ENOENT. */
	int (*resolve)(const char *name, u64 *addr, void *ctx);
	void *ctx;
};

struct load_info {
	const char *name;
	const u8 *image;
	size_t size;
	const Elf64_Ehdr *ehdr;
	const Elf64_Shdr *sechdrs;
	u32 shnum;
	const char *secstrings;
	u64 secstrings_size;
	u32 symtab_idx;
	const Elf64_Sym *symtab;
	u32 nsyms;
	const char *strtab;
	u64 strtab_size;
	u32 got_relocs; /* GOT-type relocations in loaded sections (counted by validation) */
	struct load_layout layout;

	/* Set by module_place(). */
	u8 *mem;  /* write pointer to the allocation */
	u64 base; /* its load (virtual) address */
	u64 *secoff;
	struct module_sym *syms;
	u32 got_used;

	char err[LOAD_ERR_LEN];
};

/* Step 1: check everything about the image; fills info. -ENOEXEC (+ info->err) if invalid. */
int module_validate_elf(struct load_info *info, const void *image, size_t size, const char *name);
/* Step 2a: compute info->layout (W^X groups, GOT, tables). -ENOEXEC if too large. */
int module_layout(struct load_info *info);
/* Step 2b: copy sections into mem (layout.total_size bytes, loaded at `base`), zero the rest. */
int module_place(struct load_info *info, void *mem, u64 base);
/* Step 3: give every symbol its address. -ENOENT with "unknown symbols: a, b" if unresolved. */
int module_resolve_symbols(struct load_info *info, const struct load_env *env);
/* Step 4: apply RELA relocations to loaded sections. -ENOEXEC naming the first failure. */
int module_apply_relocations(struct load_info *info);
/* Steps 2b-5 in one call. */
int module_load_core(struct load_info *info, const struct load_env *env, void *mem, u64 base);

/* Sections (valid after module_validate_elf; addresses after module_place). */
int module_find_section(const struct load_info *info, const char *name); /* index or -ENOENT */
const char *module_section_name(const struct load_info *info, u32 idx);
const void *module_section_data(const struct load_info *info, u32 idx, u64 *size); /* in image */
u64 module_section_addr(const struct load_info *info, u32 idx);  /* 0 if not loaded */
void *module_section_mem(const struct load_info *info, u32 idx); /* NULL if not loaded */

/* Symbols (valid after module_resolve_symbols; they outlive the image). */
void module_get_syms(const struct load_info *info, struct module_syms *out);
const char *module_sym_name(const struct module_syms *ms, const struct module_sym *sym);
/* Calls fn for each defined STB_GLOBAL/STB_WEAK symbol; stops at and returns a non-zero result. */
int module_for_each_global(const struct module_syms *ms,
			   int (*fn)(const char *name, const struct module_sym *sym, void *ctx),
			   void *ctx);
/* Address of a defined global symbol: 0 or -ENOENT. */
int module_find_symbol(const struct module_syms *ms, const char *name, u64 *addr);
/* The defined function/object containing addr: true and name/offset/size for "fn+0xoff/0xsize". */
bool module_lookup_address(const struct module_syms *ms, u64 addr, const char **name, u64 *offset,
			   u64 *size);

/*
 * Step 5 (part of module_load_core): the pointers a module hands the kernel in its __ksymtab
 * (name, address) and __param (name, variable, count) entries lie inside its own image, in
 * the right kind of section, names NUL-terminated there. -ENOEXEC naming the entry.
 */
int module_check_tables(struct load_info *info);

/* Module names are [A-Za-z0-9_-], 1 to MODULE_NAME_MAX bytes: printable, typable, a file name. */
#define MODULE_NAME_MAX 55
bool module_name_valid(const char *name, size_t len);
/* name for a message: printable ASCII kept, other bytes as \xNN, cut with "..." to fit. */
void module_name_escape(char *buf, size_t size, const char *name, size_t len);

/* "R_X86_64_PC32", or "unknown" for numbers the psABI does not define. */
const char *module_reloc_type_name(u32 type);

#endif
