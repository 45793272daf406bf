/*
 * Step 4 of module loading: applying x86-64 RELA relocations to the loaded sections, with an
 * overflow check per type. Validation already proved every offset, symbol and type sane.
 * Modules sit within +-2 GiB of the kernel, so PLT32 is applied as a direct PC32 and
 * `mov foo@GOTPCREL(%rip)` is relaxed to `lea foo(%rip)` when it reaches; otherwise the
 * module's own GOT (in its read-only region) holds the address.
 */
#include <keel/string.h>
#include "load_internal.h"

#define OPCODE_MOV_LOAD 0x8b
#define OPCODE_LEA 0x8d
#define MODRM_RIP_MASK 0xc7
#define MODRM_RIP 0x05

static const char *const reloc_names[] = {
	"R_X86_64_NONE", "R_X86_64_64", "R_X86_64_PC32", "R_X86_64_GOT32", "R_X86_64_PLT32",
	"R_X86_64_COPY", "R_X86_64_GLOB_DAT", "R_X86_64_JUMP_SLOT", "R_X86_64_RELATIVE",
	"R_X86_64_GOTPCREL", "R_X86_64_32", "R_X86_64_32S", "R_X86_64_16", "R_X86_64_PC16",
	"R_X86_64_8", "R_X86_64_PC8", "R_X86_64_DTPMOD64", "R_X86_64_DTPOFF64",
	"R_X86_64_TPOFF64", "R_X86_64_TLSGD", "R_X86_64_TLSLD", "R_X86_64_DTPOFF32",
	"R_X86_64_GOTTPOFF", "R_X86_64_TPOFF32", "R_X86_64_PC64", "R_X86_64_GOTOFF64",
	"R_X86_64_GOTPC32", "R_X86_64_GOT64", "R_X86_64_GOTPCREL64", "R_X86_64_GOTPC64",
	"R_X86_64_GOTPLT64", "R_X86_64_PLTOFF64", "R_X86_64_SIZE32", "R_X86_64_SIZE64",
	"R_X86_64_GOTPC32_TLSDESC", "R_X86_64_TLSDESC_CALL", "R_X86_64_TLSDESC",
	"R_X86_64_IRELATIVE", "R_X86_64_RELATIVE64", "R_X86_64_PC32_BND", "R_X86_64_PLT32_BND",
	"R_X86_64_GOTPCRELX", "R_X86_64_REX_GOTPCRELX",
};

const char *module_reloc_type_name(u32 type)
{
	return type < ARRAY_SIZE(reloc_names) ? reloc_names[type] : "unknown";
}

bool reloc_type_width(u32 type, u32 *width)
{
	switch (type) {
	case R_X86_64_NONE:
		*width = 0;
		return true;
	case R_X86_64_64:
	case R_X86_64_PC64:
		*width = 8;
		return true;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		*width = 4;
		return true;
	default:
		return false;
	}
}

bool reloc_type_uses_got(u32 type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

/* One relocation being applied: where (loc written through mem, P its load address), what. */
struct reloc_site {
	struct load_info *info;
	u32 target;
	const Elf64_Rela *rela;
	u32 type;
	u32 symidx;
	u8 *loc;
	u64 P;
	u64 S;
	u64 A;
};

static bool fits_s32(u64 v)
{
	return v + 0x80000000ULL <= 0xffffffffULL;
}

static void put32(u8 *loc, u64 v)
{
	u32 v32 = (u32)v;

	memcpy(loc, &v32, sizeof(v32));
}

static void put64(u8 *loc, u64 v)
{
	memcpy(loc, &v, sizeof(v));
}

static int overflow(const struct reloc_site *rs, u64 value)
{
	return load_fail(rs->info, -ENOEXEC,
			 "relocation %s at %s+0x%lx against '%s' out of range (value 0x%lx)",
			 module_reloc_type_name(rs->type), module_section_name(rs->info, rs->target),
			 (unsigned long)rs->rela->r_offset,
			 load_symbol_display_name(rs->info, rs->symidx), (unsigned long)value);
}

static int put_pcrel32(const struct reloc_site *rs, u64 target_addr)
{
	u64 v = target_addr + rs->A - rs->P;

	if (!fits_s32(v))
		return overflow(rs, v);
	put32(rs->loc, v);
	return 0;
}

/* The symbol's GOT slot address, filling the slot on first use. */
static u64 got_slot_address(const struct reloc_site *rs)
{
	struct load_info *info = rs->info;
	struct module_sym *ms = &info->syms[rs->symidx];
	u64 slot_off;

	if (!ms->got_slot)
		ms->got_slot = ++info->got_used; /* <= got_slots: one per distinct symbol */
	slot_off = info->layout.got_offset + (u64)(ms->got_slot - 1) * sizeof(u64);
	put64(info->mem + slot_off, rs->S);
	return info->base + slot_off;
}

/* `mov foo@GOTPCREL(%rip), %reg` -> `lea foo(%rip), %reg`, when foo is reachable. */
static bool relax_gotpcrelx(const struct reloc_site *rs)
{
	u64 need = rs->type == R_X86_64_REX_GOTPCRELX ? 3 : 2;
	u64 v = rs->S + rs->A - rs->P;
	u8 *op;

	if (rs->rela->r_offset < need || !fits_s32(v))
		return false;
	op = rs->loc - 2;
	if (op[0] != OPCODE_MOV_LOAD || (op[1] & MODRM_RIP_MASK) != MODRM_RIP)
		return false;
	if (need == 3 && (rs->loc[-3] & 0xf0) != 0x40)
		return false;
	op[0] = OPCODE_LEA;
	put32(rs->loc, v);
	return true;
}

static int apply_one(const struct reloc_site *rs)
{
	u64 v = rs->S + rs->A;

	switch (rs->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		put64(rs->loc, v);
		return 0;
	case R_X86_64_PC64:
		put64(rs->loc, v - rs->P);
		return 0;
	case R_X86_64_32:
		if (v > 0xffffffffULL)
			return overflow(rs, v);
		put32(rs->loc, v);
		return 0;
	case R_X86_64_32S:
		if (!fits_s32(v))
			return overflow(rs, v);
		put32(rs->loc, v);
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return put_pcrel32(rs, rs->S);
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		if (relax_gotpcrelx(rs))
			return 0;
		return put_pcrel32(rs, got_slot_address(rs));
	case R_X86_64_GOTPCREL:
		return put_pcrel32(rs, got_slot_address(rs));
	default: /* refused by validation */
		return load_fail(rs->info, -ENOEXEC, "relocation type %u (%s) not supported", rs->type,
				 module_reloc_type_name(rs->type));
	}
}

static int apply_relocation_section(struct load_info *info, u32 relsec)
{
	const Elf64_Shdr *sh = &info->sechdrs[relsec];
	const Elf64_Rela *rela = (const Elf64_Rela *)(info->image + sh->sh_offset);
	u64 count = sh->sh_size / sizeof(Elf64_Rela);
	u64 sec_off = info->secoff[sh->sh_info];
	int err = 0;

	for (u64 n = 0; !err && n < count; n++) {
		struct reloc_site rs = {
			.info = info, .target = sh->sh_info, .rela = &rela[n],
			.type = ELF64_R_TYPE(rela[n].r_info), .symidx = ELF64_R_SYM(rela[n].r_info),
			.loc = info->mem + sec_off + rela[n].r_offset,
			.P = info->base + sec_off + rela[n].r_offset,
			.A = (u64)rela[n].r_addend,
		};

		rs.S = info->syms[rs.symidx].addr;
		err = apply_one(&rs);
	}
	return err;
}

int module_apply_relocations(struct load_info *info)
{
	int err = 0;

	for (u32 i = 0; !err && i < info->shnum; i++) {
		const Elf64_Shdr *sh = &info->sechdrs[i];

		if (sh->sh_type == SHT_RELA && load_section_is_alloc(info, sh->sh_info))
			err = apply_relocation_section(info, i);
	}
	return err;
}

int module_load_core(struct load_info *info, const struct load_env *env, void *mem, u64 base)
{
	int err = module_place(info, mem, base);

	if (!err)
		err = module_resolve_symbols(info, env);
	if (!err)
		err = module_apply_relocations(info);
	if (!err)
		err = module_check_tables(info);
	return err;
}
