/*
 * binfmt_elf.ko's internal interface. Its pure parts are compiled on the host for unit tests
 * (tests/unit/test_exec_layout.c): the ELF header and program header checks (elf_check.c) and
 * the initial user stack layout -- argc, argv, envp, auxv and the strings -- as the SysV x86_64
 * ABI and Linux's create_elf_tables() lay it out (exec_stack.c).
 */
#ifndef KEEL_BINFMT_ELF_H
#define KEEL_BINFMT_ELF_H

#include <keel/elf.h>

/* Linux refuses program header tables over 64 KiB (ELF_MIN_ALIGN... load_elf_phdrs). */
#define ELF_MAX_PHNUM (65536 / sizeof(Elf64_Phdr))

/* What the checks learnt about a valid executable. Addresses include the load bias. */
struct elf_info {
	unsigned long load_bias;  /* 0 for ET_EXEC; ET_DYN base minus the first page */
	unsigned long entry;
	unsigned long phdr_addr;  /* where the program headers are in memory, 0 if not loaded */
	unsigned int phnum;
	const Elf64_Phdr *phdrs;  /* inside the file buffer */
	unsigned long end;        /* one past the highest loaded byte: the brk starts above */
	bool exec_stack;          /* PT_GNU_STACK with PF_X */
};

/*
 * Checks every header field of the ELF file in buf[0..size) before anything uses it. 0 and
 * *info filled; 1 when the file is not ELF at all (bad magic or too short for it: another
 * format may want it); -ENOEXEC with *why naming the problem for a malformed or unsupported
 * ELF file. user_top is the highest user address a segment may end at.
 */
int elf_check(const u8 *buf, size_t size, unsigned long user_top, struct elf_info *info,
	      const char **why);

/* The numeric auxiliary vector entries the loader gives (strings are placed by the builder). */
struct exec_stack_in {
	char *const *argv, *const *envp;
	int argc, envc;
	const char *execfn;   /* AT_EXECFN */
	const char *platform; /* AT_PLATFORM */
	u8 random[16];        /* AT_RANDOM's bytes */
	unsigned long phdr, phnum, entry, hwcap, clktck, pagesz;
	unsigned long stack_top; /* user address of the end of buf */
};

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

/*
 * Lays out the initial stack in buf, which stands for user addresses [stack_top - size,
 * stack_top): from the top down an 8-byte zero end marker, AT_EXECFN's string, the
 * environment strings, the argument strings, AT_PLATFORM's string, the 16 AT_RANDOM bytes;
 * then, 16-byte aligned at the final stack pointer: argc, argv[], NULL, envp[], NULL, auxv
 * pairs ending with AT_NULL. Returns the user stack pointer (argc's address), or 0 when it
 * does not fit in size bytes.
 */
unsigned long exec_build_stack(const struct exec_stack_in *in, u8 *buf, size_t size);

#endif
