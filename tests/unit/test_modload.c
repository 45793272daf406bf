/*
 * Host tests of the module loader core on real modules: fixtures compiled by gcc and clang at
 * -O0/-O2/-Os with the kernel's module flags (tools/mkmodfixtures.py), loaded at a kernel-like
 * address against a fake kernel symbol table; every applied relocation is recomputed
 * independently, and tables, strings, jump tables, GOT use and overflows are checked.
 */
/* UNIT_SOURCES: kernel/module/elf_check.c kernel/module/layout.c kernel/module/symbols.c kernel/module/relocate.c kernel/module/reloc_check.c kernel/module/handoff.c libk/vsnprintf.c */
#include <string.h>
#include "modload_test.h"

static const char *const basic_fixtures[] = {
	"fx-basic-gcc-O0", "fx-basic-gcc-O2", "fx-basic-gcc-Os", "fx-basic-gcc-O2g",
	"fx-basic-clang-O0", "fx-basic-clang-O2", "fx-basic-clang-Os", "fx-basic-clang-O2g",
};

static void fixture_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s.ko", env_dir("MODLOAD_FIXTURES", FIXTURE_DIR_DEFAULT), name);
}

static int load_fixture(struct loaded *m, const char *name, u64 base,
			int (*resolve)(const char *, u64 *, void *))
{
	char path[512];

	fixture_path(path, sizeof(path), name);
	return load_path(m, path, base, resolve);
}

static u64 expected_symbol(const struct loaded *m, u32 idx)
{
	const Elf64_Sym *sym = &m->info.symtab[idx];
	u64 addr = 0;

	if (idx == 0)
		return 0;
	if (sym->st_shndx == SHN_UNDEF)
		return fake_resolve(m->info.strtab + sym->st_name, &addr, NULL) ? 0 : addr;
	if (sym->st_shndx == SHN_ABS)
		return sym->st_value;
	return module_section_addr(&m->info, sym->st_shndx) + sym->st_value;
}

static const struct load_region *region_for(const struct loaded *m, u64 flags)
{
	if (flags & SHF_EXECINSTR)
		return &m->info.layout.text;
	return (flags & SHF_WRITE) ? &m->info.layout.data : &m->info.layout.rodata;
}

static bool in_region(const struct loaded *m, const struct load_region *r, u64 addr, u64 len)
{
	u64 start = m->info.base + r->offset;

	return addr >= start && addr - start <= r->size && len <= r->size - (addr - start);
}

static void check_layout(const struct loaded *m, const char *name)
{
	const struct load_layout *l = &m->info.layout;

	CHECK(l->text.offset == 0 && l->rodata.offset == l->text.size &&
		      l->data.offset == l->rodata.offset + l->rodata.size &&
		      l->total_size == l->data.offset + l->data.size,
	      "%s: regions not contiguous", name);
	CHECK(l->text.size % 4096 == 0 && l->rodata.size % 4096 == 0 && l->data.size % 4096 == 0,
	      "%s: regions not page multiples", name);
	CHECK(l->data.size >= (1 << 20), "%s: .bss missing from data (%lu)", name,
	      (unsigned long)l->data.size);
	for (u32 i = 1; i < m->info.shnum; i++) {
		const Elf64_Shdr *sh = &m->info.sechdrs[i];
		u64 addr = module_section_addr(&m->info, i);

		if (!(sh->sh_flags & SHF_ALLOC)) {
			CHECK(addr == 0, "%s: non-ALLOC section %u loaded", name, i);
			continue;
		}
		CHECK(in_region(m, region_for(m, sh->sh_flags), addr, sh->sh_size),
		      "%s: section %s outside its W^X region", name, module_section_name(&m->info, i));
		CHECK(sh->sh_addralign <= 1 || addr % sh->sh_addralign == 0, "%s: %s misaligned", name,
		      module_section_name(&m->info, i));
	}
}

/* The GOT relocations: either relaxed to lea (0x8d) or pointing at a GOT slot holding S. */
static bool got_reloc_ok(const struct loaded *m, const Elf64_Rela *r, u64 P, u64 S)
{
	const u8 *loc = at(m, P, 4);
	u64 disp = (u64)(s64)(s32)read32(loc);
	u64 slot;

	if (ELF64_R_TYPE(r->r_info) != R_X86_64_GOTPCREL && r->r_offset >= 2 && loc[-2] == 0x8d)
		return disp == S + (u64)r->r_addend - P;
	slot = disp - (u64)r->r_addend + P;
	return in_region(m, &m->info.layout.rodata, slot, 8) && read64(m, slot) == S;
}

static bool reloc_ok(const struct loaded *m, const Elf64_Rela *r, u64 P, u64 S)
{
	u64 A = (u64)r->r_addend;
	const u8 *loc = at(m, P, 8);

	switch (ELF64_R_TYPE(r->r_info)) {
	case R_X86_64_NONE:
		return true;
	case R_X86_64_64:
		return read64(m, P) == S + A;
	case R_X86_64_PC64:
		return read64(m, P) == S + A - P;
	case R_X86_64_32:
		return read32(loc) == S + A;
	case R_X86_64_32S:
		return (u64)(s64)(s32)read32(loc) == S + A;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return (u64)(s64)(s32)read32(loc) == S + A - P;
	default:
		return got_reloc_ok(m, r, P, S);
	}
}

/* Recompute every applied relocation from the ELF file and compare with module memory. */
static int check_all_relocations(const struct loaded *m, const char *name)
{
	int checked = 0;

	for (u32 s = 0; s < m->info.shnum; s++) {
		const Elf64_Shdr *sh = &m->info.sechdrs[s];
		const Elf64_Rela *rela;

		if (sh->sh_type != SHT_RELA || !(m->info.sechdrs[sh->sh_info].sh_flags & SHF_ALLOC))
			continue;
		rela = (const Elf64_Rela *)(m->info.image + sh->sh_offset);
		for (u64 n = 0; n < sh->sh_size / sizeof(*rela); n++) {
			u64 P = module_section_addr(&m->info, sh->sh_info) + rela[n].r_offset;
			u64 S = expected_symbol(m, ELF64_R_SYM(rela[n].r_info));

			CHECK(reloc_ok(m, &rela[n], P, S), "%s: %s entry %lu (type %u) wrong", name,
			      module_section_name(&m->info, s), (unsigned long)n,
			      ELF64_R_TYPE(rela[n].r_info));
			checked++;
		}
	}
	return checked;
}

static u64 sym_addr(const struct loaded *m, const char *sym)
{
	struct module_syms ms;
	u64 addr = 0;

	module_get_syms(&m->info, &ms);
	CHECK(module_find_symbol(&ms, sym, &addr) == 0, "symbol %s not found", sym);
	return addr;
}

static const char *string_at(const struct loaded *m, u64 addr)
{
	const char *s = at(m, addr, 1);

	return s ? s : "(outside module)";
}

static void check_tables(const struct loaded *m, const char *name)
{
	static const char *const words[] = { "alpha", "beta", "gamma" };
	u64 ops = sym_addr(m, "ops"), msgs = sym_addr(m, "messages");
	u64 kptrs = sym_addr(m, "kernel_ptrs"), counter = sym_addr(m, "counter");

	CHECK(read64(m, ops) == sym_addr(m, "op_add") && read64(m, ops + 8) == sym_addr(m, "op_sub"),
	      "%s: function pointer table", name);
	for (int i = 0; i < 3; i++)
		CHECK(!strcmp(string_at(m, read64(m, msgs + 8 * i)), words[i]), "%s: messages[%d]",
		      name, i);
	CHECK(read64(m, kptrs) == 0xffffffff80200000ULL && read64(m, kptrs + 8) == 0xffffffff80001000ULL,
	      "%s: kernel pointers", name);
	CHECK(read64(m, kptrs + 16) == 0, "%s: unresolved weak symbol is not 0", name);
	CHECK(read64(m, kptrs + 24) == 0xffffffff80200040ULL, "%s: resolved weak symbol", name);
	CHECK(read32(at(m, counter, 4)) == 5, "%s: initialized data", name);
	CHECK(in_region(m, &m->info.layout.data, kptrs, 32), "%s: kernel_ptrs not in data", name);
	CHECK(in_region(m, &m->info.layout.rodata, ops, 16), "%s: ops not in rodata", name);
}

/* Decode the relocated instruction operand in greeting(): it must reach the string. */
static void check_string_reference(const struct loaded *m, const char *name)
{
	u64 fn = sym_addr(m, "greeting"), off, fn_size = 0;
	struct module_syms ms;
	const char *sym;
	int found = 0;

	module_get_syms(&m->info, &ms);
	CHECK(module_lookup_address(&ms, fn, &sym, &off, &fn_size), "%s: greeting size", name);

	for (u32 s = 0; s < m->info.shnum; s++) {
		const Elf64_Shdr *sh = &m->info.sechdrs[s];
		const Elf64_Rela *rela = (const Elf64_Rela *)(m->info.image + sh->sh_offset);

		if (sh->sh_type != SHT_RELA || !(m->info.sechdrs[sh->sh_info].sh_flags & SHF_EXECINSTR))
			continue;
		for (u64 n = 0; n < sh->sh_size / sizeof(*rela); n++) {
			u64 P = module_section_addr(&m->info, sh->sh_info) + rela[n].r_offset;
			u64 v = (u64)(s64)(s32)read32(at(m, P, 4));
			u32 type = ELF64_R_TYPE(rela[n].r_info);

			if (P < fn || P >= fn + fn_size)
				continue;
			v = type == R_X86_64_32S ? v : P + 4 + v;
			CHECK(!strcmp(string_at(m, v), "hello from module"), "%s: string literal", name);
			found++;
		}
	}
	CHECK(found == 1, "%s: %d relocations in greeting()", name, found);
}

/* Jump tables: 64-bit entries in rodata that point into dispatch()/classify(). */
static void check_jump_table(const struct loaded *m, const char *name)
{
	u64 text = m->info.base + m->info.layout.text.offset;
	u64 dispatch = sym_addr(m, "dispatch");
	int entries = 0;

	for (u64 p = m->info.base + m->info.layout.rodata.offset;
	     p + 8 <= m->info.base + m->info.layout.data.offset; p += 8) {
		u64 v = read64(m, p);

		if (v >= dispatch && v < dispatch + 0x200 && v >= text)
			entries++;
	}
	CHECK(entries >= 8, "%s: jump table has %d entries into dispatch()", name, entries);
}

static int count_global(const char *name, const struct module_sym *sym, void *ctx)
{
	int *counts = ctx;

	counts[0]++;
	if (!strcmp(name, "init_module") || !strcmp(name, "cleanup_module"))
		counts[1]++;
	if (!strcmp(name, "big_buffer") || !strcmp(name, "printk"))
		counts[2]++;
	return 0;
}

static void check_symbol_queries(const struct loaded *m, const char *name)
{
	struct module_syms ms;
	const char *sym;
	u64 off, size, addr, bss;
	int counts[3] = { 0 };
	u64 dummy;

	module_get_syms(&m->info, &ms);
	addr = sym_addr(m, "classify");
	CHECK(module_lookup_address(&ms, addr + 3, &sym, &off, &size) && !strcmp(sym, "classify") &&
		      off == 3 && size > 3,
	      "%s: lookup of classify+3", name);
	CHECK(!module_lookup_address(&ms, m->info.base - 1, &sym, &off, &size), "%s: lookup below",
	      name);
	bss = module_section_addr(&m->info, (u32)module_find_section(&m->info, ".bss"));
	CHECK(module_lookup_address(&ms, bss + 4096, &sym, &off, &size) &&
		      !strcmp(sym, "big_buffer") && off == 4096,
	      "%s: lookup of a local object", name);
	module_for_each_global(&ms, count_global, counts);
	CHECK(counts[0] >= 10 && counts[1] == 2 && counts[2] == 0, "%s: global iteration %d/%d/%d",
	      name, counts[0], counts[1], counts[2]);
	CHECK(module_find_symbol(&ms, "maybe_missing", &dummy) == -ENOENT,
	      "%s: undefined symbol found as defined", name);
}

static void check_modinfo(const struct loaded *m, const char *name)
{
	int idx = module_find_section(&m->info, ".modinfo");
	u64 size = 0;
	const char *data = idx > 0 ? module_section_data(&m->info, (u32)idx, &size) : NULL;

	CHECK(data && size >= 12 && !memcmp(data, "license=GPL", 12), "%s: .modinfo", name);
	CHECK(module_find_section(&m->info, ".nonexistent") == -ENOENT, "%s: find_section", name);
}

static void test_basic_fixture(const char *name)
{
	struct loaded m;

	if (load_fixture(&m, name, TEST_BASE, fake_resolve)) {
		CHECK(0, "%s: %s failed: %d %s", name, m.step, m.err, m.info.err);
		unload(&m);
		return;
	}
	check_layout(&m, name);
	CHECK(check_all_relocations(&m, name) > 20, "%s: too few relocations", name);
	CHECK(m.info.layout.got_slots == 0, "%s: GOT reserved without GOT relocations", name);
	check_tables(&m, name);
	check_string_reference(&m, name);
	check_jump_table(&m, name);
	check_symbol_queries(&m, name);
	check_modinfo(&m, name);
	unload(&m);
}

static void test_unknown_symbols(void)
{
	struct loaded m;
	int err = load_fixture(&m, "fx-basic-gcc-O2", TEST_BASE, fake_resolve_nothing);

	CHECK(err == -ENOENT, "unresolved symbols: err %d (%s)", err, m.info.err);
	CHECK(!strncmp(m.info.err, "unknown symbols: ", 17) && strstr(m.info.err, "printk") &&
		      strstr(m.info.err, "jiffies") && strstr(m.info.err, "kernel_func") &&
		      !strstr(m.info.err, "maybe_missing") && !strstr(m.info.err, "weak_present") &&
		      !strstr(m.info.err, "..."),
	      "message: %s", m.info.err);
	unload(&m);

	err = load_fixture(&m, "fx-unknown", TEST_BASE, fake_resolve);
	CHECK(err == -ENOENT && strstr(m.info.err, "unknown symbols: unresolved_symbol_with_a_long_name_") &&
		      strstr(m.info.err, ", ... (40 in all)") && strlen(m.info.err) < LOAD_ERR_LEN - 1,
	      "truncated list: %s", m.info.err);
	unload(&m);
}

static void test_overflows(void)
{
	struct loaded m;
	int err = load_fixture(&m, "fx-overflow", TEST_BASE, fake_resolve);

	CHECK(err == -ENOEXEC && !strcmp(m.info.err, "relocation R_X86_64_32 at .data+0x0 against "
						     "'ext_data' out of range (value 0xffffffff80200080)"),
	      "R_X86_64_32 overflow: %d %s", err, m.info.err);
	unload(&m);

	/* Loaded far below the kernel, PC32 calls to it cannot reach. */
	err = load_fixture(&m, "fx-basic-clang-O2", 0x40000000ULL, fake_resolve);
	CHECK(err == -ENOEXEC && strstr(m.info.err, "out of range") && strstr(m.info.err, " at .text+0x"),
	      "PC32 overflow: %d %s", err, m.info.err);
	unload(&m);
}

static void test_got(u64 base, bool relaxable)
{
	struct loaded m;
	const u8 *code;

	if (load_fixture(&m, "fx-got", base, fake_resolve)) {
		CHECK(0, "fx-got at 0x%lx: %s failed: %s", (unsigned long)base, m.step, m.info.err);
		unload(&m);
		return;
	}
	code = at(&m, sym_addr(&m, "use_got"), 32);
	CHECK(check_all_relocations(&m, "fx-got") == 8, "fx-got: relocation count");
	CHECK((code[1] == 0x8d) == relaxable && (code[7] == 0x8d) == relaxable,
	      "fx-got at 0x%lx: mov relaxation %x %x", (unsigned long)base, code[1], code[7]);
	CHECK(code[13] == 0xff && code[14] == 0x15 && code[20] == 0x03, "fx-got: call/add rewritten");
	CHECK(m.info.got_used == 2 && m.info.layout.got_slots >= 2, "fx-got: %u GOT slots used of %u",
	      m.info.got_used, m.info.layout.got_slots);
	CHECK(read64(&m, sym_addr(&m, "abs32_slot")) == 0x1234, "fx-got: R_X86_64_32");
	unload(&m);
}

/* Every truncation of a valid module must be refused (or loaded) without memory errors. */
static void test_truncations(void)
{
	char path[512];
	size_t size;
	u8 *image;
	int refused = 0;

	fixture_path(path, sizeof(path), "fx-basic-gcc-Os");
	image = read_file(path, &size);
	CHECK(image != NULL, "cannot read %s", path);
	for (size_t len = 0; image && len < size; len++) {
		struct load_info info;

		if (module_validate_elf(&info, image, len, "t.ko") == -ENOEXEC && info.err[0])
			refused++;
	}
	CHECK(image && refused == (int)size, "truncations: %d of %zu refused", refused, size);
	free(image);
}

int main(void)
{
	if (build_fixtures()) {
		printf("cannot build the fixtures (tools/mkmodfixtures.py)\n0 passed, 1 failed\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(basic_fixtures) / sizeof(basic_fixtures[0]); i++)
		test_basic_fixture(basic_fixtures[i]);
	test_unknown_symbols();
	test_overflows();
	test_got(TEST_BASE, true);
	test_got(0x40000000ULL, false);
	test_truncations();
	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed != 0;
}
