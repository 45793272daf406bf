/*
 * EXPORT_SYMBOL / EXPORT_SYMBOL_GPL: make a function or variable visible to loadable modules.
 *
 * Each export becomes one struct kernel_symbol in a section named "__ksymtab+<sym>". The base
 * kernel's linker script gathers them (sorted) between __ksymtab_start and __ksymtab_end; a
 * module's are merged into its "__ksymtab" section by modules/module.lds at `ld -r` time.
 *
 * The crc field is the modversions CRC of the symbol's C declaration. It is the value of the
 * absolute symbol __crc_<sym>, which the build generates: tools/genksyms.py for the kernel
 * ($(BUILD)/kcrc.S), tools/modpost.py for modules (in <name>.mod.c). A module's entries
 * therefore carry an R_X86_64_32 relocation against an SHN_ABS symbol for crc.
 */
#ifndef KEEL_EXPORT_H
#define KEEL_EXPORT_H

#include <keel/compiler.h>
#include <keel/types.h>

#define KSYM_FLAG_GPL_ONLY 0x1u

/* Layout shared with tools/genksyms.py and the loader: 24 bytes, 8-byte aligned. */
struct kernel_symbol {
	unsigned long addr;
	const char *name;
	u32 crc;
	u32 flags; /* KSYM_FLAG_* */
};

#ifdef __GENKSYMS__
/* tools/genksyms.py preprocesses sources with -D__GENKSYMS__ and looks for these markers. */
#define __EXPORT_SYMBOL(sym, flags, kind) __keel_genksyms_export(sym, kind);
#elif defined(KEEL_HOST_TEST)
/* Host unit tests link kernel sources into a normal program: no export table there. */
#define __EXPORT_SYMBOL(sym, flags, kind) extern __typeof__(sym) sym
#else
#define __EXPORT_SYMBOL(sym, flags, kind)                                                  \
	extern __typeof__(sym) sym;                                                        \
	__asm__(".pushsection \".rodata.kstrtab\", \"aMS\", @progbits, 1\n"              \
		"__kstrtab_" #sym ":\n"                                                    \
		"\t.asciz \"" #sym "\"\n"                                                  \
		".popsection\n"                                                            \
		".pushsection \"__ksymtab+" #sym "\", \"a\"\n"                             \
		"\t.balign 8\n"                                                            \
		"__ksymtab_" #sym ":\n"                                                    \
		"\t.quad " #sym "\n"                                                       \
		"\t.quad __kstrtab_" #sym "\n"                                             \
		"\t.long __crc_" #sym "\n"                                                 \
		"\t.long " __stringify(flags) "\n"                                         \
		".popsection\n")
#endif

#define EXPORT_SYMBOL(sym) __EXPORT_SYMBOL(sym, 0, EXPORT_SYMBOL)
#define EXPORT_SYMBOL_GPL(sym) __EXPORT_SYMBOL(sym, 1, EXPORT_SYMBOL_GPL)

#endif
