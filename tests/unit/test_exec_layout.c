/* Host unit test for exec's pure logic: elf_check() against a minimal valid static
 * executable and one broken field at a time, and exec_build_stack()'s initial stack layout
 * (argc, argv, envp, auxv, strings, alignment) read back as a C library's _start would. */
/* UNIT_SOURCES: modules/binfmt_elf/elf_check.c modules/binfmt_elf/exec_stack.c */
#include <string.h>
#include <keel/errno.h>
#include "../../modules/binfmt_elf/binfmt_elf.h"
#include "unit.h"

#define TOP 0x7ffffffff000UL
#define USER_TOP 0x7ffefff00000UL

/* An ELF header and two PT_LOADs (text at 0x401000, data+bss at 0x402000) in 0x3000 bytes. */
static unsigned char file[0x3000];

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)file; }
static Elf64_Phdr *ph(int i) { return (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr)) + i; }

static void make_valid(void)
{
	memset(file, 0, sizeof(file));
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = 0x401010;
	eh()->e_phoff = sizeof(Elf64_Ehdr);
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = 3;
	*ph(0) = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x401000, 0x800, 0x800,
			       0x1000 };
	*ph(1) = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x402000, 0x100, 0x3000,
			       0x1000 };
	*ph(2) = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 };
}

static int check(void)
{
	struct elf_info info;
	const char *why;

	return elf_check(file, sizeof(file), USER_TOP, &info, &why);
}

static const char *reason(void)
{
	struct elf_info info;
	const char *why = NULL;

	elf_check(file, sizeof(file), USER_TOP, &info, &why);
	return why ? why : "(none)";
}

static void test_valid(void)
{
	struct elf_info info;
	const char *why;

	make_valid();
	CHECK_INT(elf_check(file, sizeof(file), USER_TOP, &info, &why), 0);
	CHECK_UINT(info.entry, 0x401010);
	CHECK_UINT(info.end, 0x405000);
	CHECK_UINT(info.load_bias, 0);
	CHECK(!info.exec_stack);
	eh()->e_type = ET_DYN;
	CHECK_INT(elf_check(file, sizeof(file), USER_TOP, &info, &why), 0);
	CHECK_UINT(info.load_bias, 0x555555554000UL - 0x401000);
	CHECK_UINT(info.entry, 0x555555554010UL);
}

static void test_not_elf(void)
{
	struct elf_info info;
	const char *why;

	make_valid();
	file[0] = 0;
	CHECK_INT(check(), 1);
	CHECK_INT(elf_check(file, 3, USER_TOP, &info, &why), 1);
	make_valid();
	CHECK_INT(elf_check(file, 40, USER_TOP, &info, &why), -ENOEXEC);
	CHECK_STR(why, "truncated ELF header");
}

/* Each edit on a valid file must give -ENOEXEC and a reason containing expect. */
static void expect_bad(void (*edit)(void), const char *expect)
{
	make_valid();
	edit();
	CHECK_INT(check(), -ENOEXEC);
	if (!strstr(reason(), expect))
		CHECK_STR(reason(), expect);
}

static void bad_class(void) { eh()->e_ident[EI_CLASS] = 1; }
static void bad_machine(void) { eh()->e_machine = 3; }
static void bad_type(void) { eh()->e_type = 1; }
static void bad_phentsize(void) { eh()->e_phentsize = 32; }
static void bad_phnum0(void) { eh()->e_phnum = 0; }
static void bad_phnum_huge(void) { eh()->e_phnum = 0xffff; }
static void bad_phoff(void) { eh()->e_phoff = sizeof(file) - 8; }
static void bad_phoff_wrap(void) { eh()->e_phoff = ~0UL - 7; }
static void bad_align(void) { ph(0)->p_align = 0x1800; }
static void bad_congruence(void) { ph(0)->p_vaddr = 0x401100; }
static void bad_filesz(void) { ph(1)->p_filesz = 0x3001; }
static void bad_past_file(void)
{
	ph(1)->p_offset = 0x2f00;
	ph(1)->p_vaddr = 0x402f00;
	ph(1)->p_filesz = 0x200;
}

static void bad_offset_wrap(void)
{
	ph(1)->p_offset = ~0UL - 0xfff;
	ph(1)->p_vaddr = 0x402000 - 0x1000;
}

static void bad_overlap(void) { ph(1)->p_vaddr = 0x401000; ph(1)->p_offset = 0x2000; }
static void bad_order(void) { ph(0)->p_vaddr = 0x501000; eh()->e_entry = 0x501010; }
static void bad_kernel(void) { ph(1)->p_vaddr = 0xffff800000402000UL; }
static void bad_low(void) { ph(0)->p_vaddr = 0x1000; }
static void bad_wrap(void) { ph(1)->p_memsz = ~0UL - 0x1000; }
static void bad_entry(void) { eh()->e_entry = 0x10; }
static void bad_noload(void) { ph(0)->p_type = 0; ph(1)->p_type = 0; }
static void bad_interp(void) { ph(2)->p_type = PT_INTERP; }

static void test_bad_files(void)
{
	expect_bad(bad_class, "64-bit");
	expect_bad(bad_machine, "x86_64");
	expect_bad(bad_type, "e_type");
	expect_bad(bad_phentsize, "size");
	expect_bad(bad_phnum0, "e_phnum");
	expect_bad(bad_phnum_huge, "e_phnum");
	expect_bad(bad_phoff, "outside the file");
	expect_bad(bad_phoff_wrap, "outside the file");
	expect_bad(bad_align, "power of two");
	expect_bad(bad_congruence, "congruent");
	expect_bad(bad_filesz, "p_filesz > p_memsz");
	expect_bad(bad_past_file, "past the end");
	expect_bad(bad_offset_wrap, "past the end");
	expect_bad(bad_overlap, "overlap");
	expect_bad(bad_order, "overlap or are not in order");
	expect_bad(bad_kernel, "outside user space");
	expect_bad(bad_low, "outside user space");
	expect_bad(bad_wrap, "wrapping");
	expect_bad(bad_entry, "entry point");
	expect_bad(bad_noload, "no PT_LOAD");
	expect_bad(bad_interp, "PT_INTERP");
}

static unsigned long auxv_get(const u64 *auxv, unsigned long type)
{
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == type)
			return auxv[1];
	return ~0UL;
}

static u8 stack[8192] __attribute__((aligned(16)));

/* The user address a stack pointer stands for, as a pointer into the host buffer. */
static void *at(unsigned long uaddr) { return stack + (uaddr - (TOP - sizeof(stack))); }

static void test_stack_layout(void)
{
	char *argv[] = { "/bin/prog", "a", "", NULL }, *envp[] = { "HOME=/", "X=y", NULL };
	struct exec_stack_in in = {
		.argv = argv, .envp = envp, .argc = 3, .envc = 2, .execfn = "/bin/prog",
		.platform = "x86_64",
		.random = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.phdr = 0x400040, .phnum = 6, .entry = 0x401000, .hwcap = 0x178bfbff, .clktck = 100,
		.pagesz = 4096, .stack_top = TOP,
	};
	unsigned long sp = exec_build_stack(&in, stack, sizeof(stack));
	u64 *p = at(sp), *auxv;

	CHECK(sp != 0);
	CHECK_UINT(sp % 16, 0);
	CHECK_UINT(p[0], 3);
	CHECK_STR((char *)at(p[1]), "/bin/prog");
	CHECK_STR((char *)at(p[2]), "a");
	CHECK_STR((char *)at(p[3]), "");
	CHECK_UINT(p[4], 0);
	CHECK_STR((char *)at(p[5]), "HOME=/");
	CHECK_STR((char *)at(p[6]), "X=y");
	CHECK_UINT(p[7], 0);
	CHECK(p[1] < p[2] && p[2] < p[3] && p[3] < p[5] && p[5] < p[6]); /* argv strings lowest */
	auxv = p + 8;
	CHECK_UINT(auxv_get(auxv, AT_PAGESZ), 4096);
	CHECK_UINT(auxv_get(auxv, AT_PHDR), 0x400040);
	CHECK_UINT(auxv_get(auxv, AT_PHENT), 56);
	CHECK_UINT(auxv_get(auxv, AT_PHNUM), 6);
	CHECK_UINT(auxv_get(auxv, AT_ENTRY), 0x401000);
	CHECK_UINT(auxv_get(auxv, AT_CLKTCK), 100);
	CHECK_UINT(auxv_get(auxv, AT_HWCAP), 0x178bfbff);
	CHECK_UINT(auxv_get(auxv, AT_SECURE), 0);
	CHECK_UINT(auxv_get(auxv, AT_UID), 0);
	CHECK_UINT(auxv_get(auxv, AT_EGID), 0);
	CHECK_STR((char *)at(auxv_get(auxv, AT_PLATFORM)), "x86_64");
	CHECK_STR((char *)at(auxv_get(auxv, AT_EXECFN)), "/bin/prog");
	CHECK(memcmp(at(auxv_get(auxv, AT_RANDOM)), in.random, 16) == 0);
	CHECK(auxv_get(auxv, AT_EXECFN) > p[6]); /* execfn above the environment strings */
	CHECK_UINT(*(u64 *)at(TOP - 8), 0);      /* the end marker */
	CHECK(exec_build_stack(&in, stack, 256) == 0); /* does not fit */
}

int main(void)
{
	test_valid();
	test_not_elf();
	test_bad_files();
	test_stack_layout();
	return unit_summary();
}
