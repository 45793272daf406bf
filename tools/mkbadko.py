#!/usr/bin/python3
"""Writes the broken-module corpus: one deliberately broken copy of a valid .ko per loader
check and per unsupported relocation type, plus a manifest of the message each must produce.

usage: mkbadko.py VALID.ko OUTDIR

OUTDIR/NN-<check>.ko, and OUTDIR/manifest.txt with one line per file:
    NN-<check>.ko<TAB><substring of the one-line error the loader must report>
The input must be an x86-64 relocatable module with .text, .rela.text, .bss and .comment
(tools/mkmodfixtures.py's fx-basic-gcc-O2.ko is used by the tests).
"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
RELA = struct.Struct("<QQq")

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 1, 2, 3, 4, 8, 9
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4

RELOC_NAMES = [
    "NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE",
    "GOTPCREL", "32", "32S", "16", "PC16", "8", "PC8", "DTPMOD64", "DTPOFF64", "TPOFF64",
    "TLSGD", "TLSLD", "DTPOFF32", "GOTTPOFF", "TPOFF32", "PC64", "GOTOFF64", "GOTPC32",
    "GOT64", "GOTPCREL64", "GOTPC64", "GOTPLT64", "PLTOFF64", "SIZE32", "SIZE64",
    "GOTPC32_TLSDESC", "TLSDESC_CALL", "TLSDESC", "IRELATIVE", "RELATIVE64", "PC32_BND",
    "PLT32_BND", "GOTPCRELX", "REX_GOTPCRELX",
]
SUPPORTED_RELOCS = {0, 1, 2, 4, 9, 10, 11, 24, 41, 42}


class Elf:
    """A mutable view of an ELF64 relocatable file's headers, symbols and relocations."""

    def __init__(self, data):
        self.data = bytearray(data)
        self.ehdr = list(EHDR.unpack_from(self.data, 0))
        self.shoff, self.shnum, self.shstrndx = self.ehdr[6], self.ehdr[12], self.ehdr[13]

    def shdr(self, i):
        return list(SHDR.unpack_from(self.data, self.shoff + i * SHDR.size))

    def set_shdr(self, i, **fields):
        names = ["name", "type", "flags", "addr", "offset", "size", "link", "info", "align",
                 "entsize"]
        sh = self.shdr(i)
        for key, value in fields.items():
            sh[names.index(key)] = value
        SHDR.pack_into(self.data, self.shoff + i * SHDR.size, *sh)

    def set_ehdr(self, index, value):
        self.ehdr[index] = value
        EHDR.pack_into(self.data, 0, *self.ehdr)

    def section_name(self, i):
        strtab = self.shdr(self.shstrndx)
        start = strtab[4] + self.shdr(i)[0]
        return self.data[start:self.data.index(b"\0", start)].decode()

    def section(self, name):
        for i in range(self.shnum):
            if self.section_name(i) == name:
                return i
        sys.exit("mkbadko: input has no section %s" % name)

    def symtab(self):
        return self.section(".symtab")

    def sym_offset(self, idx):
        return self.shdr(self.symtab())[4] + idx * SYM.size

    def sym(self, idx):
        return list(SYM.unpack_from(self.data, self.sym_offset(idx)))

    def set_sym(self, idx, **fields):
        names = ["name", "info", "other", "shndx", "value", "size"]
        sym = self.sym(idx)
        for key, value in fields.items():
            sym[names.index(key)] = value
        SYM.pack_into(self.data, self.sym_offset(idx), *sym)

    def find_sym(self, pred):
        count = self.shdr(self.symtab())[5] // SYM.size
        for idx in range(1, count):
            if pred(self.sym(idx)):
                return idx
        sys.exit("mkbadko: no suitable symbol in input")

    def rela_offset(self, relsec, n=0):
        return self.shdr(relsec)[4] + n * RELA.size

    def set_rela(self, relsec, n=0, offset=None, sym=None, rtype=None):
        pos = self.rela_offset(relsec, n)
        r_offset, r_info, addend = RELA.unpack_from(self.data, pos)
        r_offset = r_offset if offset is None else offset
        sym = (r_info >> 32) if sym is None else sym
        rtype = (r_info & 0xffffffff) if rtype is None else rtype
        RELA.pack_into(self.data, pos, r_offset, (sym << 32) | rtype, addend)

    def rela_sym(self, relsec, n=0):
        return RELA.unpack_from(self.data, self.rela_offset(relsec, n))[1] >> 32


def defined_in(elf, secname):
    sec = elf.section(secname)
    return lambda s: s[3] == sec and (s[1] & 0xf) in (1, 2)


def mutations():
    """(name, expected message substring, function mutating an Elf) for every check."""
    text, rela_text, bss = ".text", ".rela.text", ".bss"

    def undefined_global(e):
        return e.find_sym(lambda s: s[3] == 0 and s[1] >> 4 == 1)

    def first_reloc_symbol(e):
        return e.rela_sym(e.section(rela_text))

    return [
        ("bad-magic", "not an ELF file (bad magic)", lambda e: e.data.__setitem__(1, ord("X"))),
        ("elfclass32", "not a 64-bit ELF file", lambda e: e.data.__setitem__(4, 1)),
        ("big-endian", "not little-endian", lambda e: e.data.__setitem__(5, 2)),
        ("bad-version", "unsupported ELF version", lambda e: e.set_ehdr(3, 7)),
        ("wrong-machine", "wrong machine type 3 (expected EM_X86_64)", lambda e: e.set_ehdr(2, 3)),
        ("not-relocatable", "not a relocatable object (ELF type 2", lambda e: e.set_ehdr(1, 2)),
        ("truncated-header", "truncated ELF header", lambda e: e.data.__delitem__(slice(40, None))),
        ("shentsize", "bad section header entry size 32", lambda e: e.set_ehdr(11, 32)),
        ("no-sections", "no section headers", lambda e: e.set_ehdr(12, 0)),
        ("shoff-misaligned", "not 8-byte aligned", lambda e: e.set_ehdr(6, e.shoff + 4)),
        ("shoff-beyond-eof", "section header table (offset",
         lambda e: e.set_ehdr(6, len(e.data) - 8)),
        ("shoff-overflow", "extends beyond end of file",
         lambda e: e.set_ehdr(6, 0xfffffffffffffff8)),
        ("section-beyond-eof", "extends beyond end of file",
         lambda e: e.set_shdr(e.section(text), offset=len(e.data) + 16)),
        ("section-size-overflow", "extends beyond end of file",
         lambda e: e.set_shdr(e.section(text), size=0xffffffffffffff00)),
        ("shstrndx-range", "section name string table index", lambda e: e.set_ehdr(13, 999)),
        ("shstrtab-unterminated", "section name string table (section",
         lambda e: e.data.__setitem__(e.shdr(e.shstrndx)[4] + e.shdr(e.shstrndx)[5] - 1, 0x41)),
        ("section-name-range", "name offset 0x10000 out of range",
         lambda e: e.set_shdr(e.section(text), name=0x10000)),
        ("rel-section", "uses SHT_REL relocations",
         lambda e: e.set_shdr(e.section(rela_text), type=SHT_REL)),
        ("align-not-power-of-2", "alignment 3 is not a power of two",
         lambda e: e.set_shdr(e.section(text), align=3)),
        ("writable-executable", "both writable and executable (W^X)",
         lambda e: e.set_shdr(e.section(text), flags=SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR)),
        ("align-above-page", "exceeds the page size",
         lambda e: e.set_shdr(e.section(".data"), align=8192)),
        ("bss-too-large", "section .bss too large",
         lambda e: e.set_shdr(e.section(bss), size=1 << 40)),
        ("no-symtab", "no symbol table",
         lambda e: e.set_shdr(e.symtab(), type=SHT_PROGBITS)),
        ("two-symtabs", "2 symbol tables (expected exactly one)",
         lambda e: e.set_shdr(e.section(".comment"), type=SHT_SYMTAB)),
        ("symtab-entsize", "entry size 16 (expected 24)",
         lambda e: e.set_shdr(e.symtab(), entsize=16)),
        ("symtab-size", "has bad size",
         lambda e: e.set_shdr(e.symtab(), size=e.shdr(e.symtab())[5] - 4)),
        ("symtab-strtab-range", "symbol table's string table index 999",
         lambda e: e.set_shdr(e.symtab(), link=999)),
        ("symtab-strtab-type", "is not a NUL-terminated SHT_STRTAB",
         lambda e: e.set_shdr(e.symtab(), link=e.section(text))),
        ("strtab-unterminated", "symbol string table .strtab",
         lambda e: e.data.__setitem__(e.shdr(e.section(".strtab"))[4] +
                                      e.shdr(e.section(".strtab"))[5] - 1, 0x41)),
        ("symbol-name-range", "name offset 0x100000 out of range",
         lambda e: e.set_sym(1, name=0x100000)),
        ("symbol-section-range", "section index 999 out of range",
         lambda e: e.set_sym(e.find_sym(defined_in(e, text)), shndx=999)),
        ("common-symbol", "compile with -fno-common",
         lambda e: e.set_sym(e.find_sym(defined_in(e, ".data")), shndx=0xfff2)),
        ("reserved-section-index", "unsupported reserved section index 0xff05",
         lambda e: e.set_sym(e.find_sym(defined_in(e, text)), shndx=0xff05)),
        ("xindex-section-index", "unsupported reserved section index 0xffff",
         lambda e: e.set_sym(e.find_sym(defined_in(e, text)), shndx=0xffff)),
        ("symbol-outside-section", "lies outside its section",
         lambda e: e.set_sym(e.find_sym(defined_in(e, text)), value=0x100000)),
        ("undefined-no-name", "is undefined and has no name",
         lambda e: e.set_sym(undefined_global(e), name=0)),
        ("rela-link", "not the symbol table",
         lambda e: e.set_shdr(e.section(rela_text), link=e.section(text))),
        ("rela-target-range", "target section 999 out of range",
         lambda e: e.set_shdr(e.section(rela_text), info=999)),
        ("rela-entsize", "bad entry size 16",
         lambda e: e.set_shdr(e.section(rela_text), entsize=16)),
        ("rela-target-nobits", "applies to NOBITS section .bss",
         lambda e: e.set_shdr(e.section(rela_text), info=e.section(bss))),
        ("rela-offset", "outside section .text",
         lambda e: e.set_rela(e.section(rela_text), offset=e.shdr(e.section(text))[5] - 2)),
        ("rela-offset-overflow", "outside section .text",
         lambda e: e.set_rela(e.section(rela_text), offset=0xfffffffffffffffe)),
        ("rela-symbol-range", "symbol index 100000 out of range",
         lambda e: e.set_rela(e.section(rela_text), sym=100000)),
        ("rela-nonloaded-symbol", "in non-loaded section .comment",
         lambda e: e.set_sym(first_reloc_symbol(e), shndx=e.section(".comment"), value=0)),
        ("unknown-symbols", "unknown symbols: ",
         lambda e: rename_undefined(e, undefined_global(e))),
        ("reloc-overflow", "out of range",
         lambda e: e.set_rela(e.section(rela_text), sym=undefined_global(e), rtype=10)),
    ]


def rename_undefined(elf, idx):
    """Make an undefined symbol's name unresolvable by changing its first character."""
    pos = elf.shdr(elf.section(".strtab"))[4] + elf.sym(idx)[0]
    elf.data[pos] = ord("Z")


def reloc_mutations():
    for rtype in [t for t in range(len(RELOC_NAMES)) if t not in SUPPORTED_RELOCS] + [43, 255]:
        name = "R_X86_64_" + RELOC_NAMES[rtype] if rtype < len(RELOC_NAMES) else "unknown"
        yield ("reloc-type-%d" % rtype, "relocation type %d (%s) not supported" % (rtype, name),
               lambda e, t=rtype: e.set_rela(e.section(".rela.text"), rtype=t))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    valid = open(sys.argv[1], "rb").read()
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    manifest = []
    for n, (name, expected, mutate) in enumerate(mutations() + list(reloc_mutations()), 1):
        elf = Elf(valid)
        mutate(elf)
        filename = "%02d-%s.ko" % (n, name)
        with open(os.path.join(outdir, filename), "wb") as f:
            f.write(elf.data)
        manifest.append("%s\t%s\n" % (filename, expected))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.writelines(manifest)


if __name__ == "__main__":
    main()
