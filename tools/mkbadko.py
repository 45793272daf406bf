#!/usr/bin/python3
"""Writes the broken-module corpus: one deliberately broken copy of a valid .ko per loader
check and per unsupported relocation type, plus a manifest of the message each must produce.

usage: mkbadko.py VALID.ko [MORE.ko ...] OUTDIR

OUTDIR/NN-<check>.ko, and OUTDIR/manifest.txt with one line per file:
    NN-<check>.ko<TAB><substring of the one-line error the loader must report>[<TAB>kernel]
"kernel" marks checks made by the kernel's load_module() rather than by the loader core
(module names, from .modinfo or the file name): the host tests skip those.
The first input must be an x86-64 relocatable module with .text, .rela.text, .data, .bss
and .comment (tools/mkmodfixtures.py's fx-basic-gcc-O2.ko is used by the host tests, hello.ko
by the QEMU tests). A check that needs something the first input lacks (an __ksymtab, a
.modinfo name=...) is made on the first later input that has it, and left out when none has.
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


class Missing(Exception):
    """The input lacks what a mutation needs: try the next input."""


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
        raise Missing("no section %s" % name)

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
        raise Missing("no suitable symbol")

    def rela_offset(self, relsec, n=0):
        return self.shdr(relsec)[4] + n * RELA.size

    def set_rela(self, relsec, n=0, offset=None, sym=None, rtype=None, addend=None):
        pos = self.rela_offset(relsec, n)
        r_offset, r_info, r_addend = RELA.unpack_from(self.data, pos)
        r_offset = r_offset if offset is None else offset
        sym = (r_info >> 32) if sym is None else sym
        rtype = (r_info & 0xffffffff) if rtype is None else rtype
        r_addend = r_addend if addend is None else addend
        RELA.pack_into(self.data, pos, r_offset, (sym << 32) | rtype, r_addend)

    def rela(self, relsec, n=0):
        """(offset, symbol index, type, addend) of entry n."""
        if n >= self.shdr(relsec)[5] // RELA.size:
            raise Missing("relocation section has no entry %d" % n)
        r_offset, r_info, addend = RELA.unpack_from(self.data, self.rela_offset(relsec, n))
        return r_offset, r_info >> 32, r_info & 0xffffffff, addend

    def rela_at(self, relsec, offset):
        """The entry of relsec that patches `offset` of its target."""
        for n in range(self.shdr(relsec)[5] // RELA.size):
            if self.rela(relsec, n)[0] == offset:
                return n
        raise Missing("no relocation at offset %d" % offset)

    def sym_name(self, idx):
        start = self.shdr(self.section(".strtab"))[4] + self.sym(idx)[0]
        return self.data[start:self.data.index(b"\0", start)].decode(errors="replace")

    def named_sym(self, name):
        count = self.shdr(self.symtab())[5] // SYM.size
        for idx in range(1, count):
            if self.sym_name(idx) == name and self.sym(idx)[3] != 0:
                return idx
        raise Missing("no symbol %s" % name)

    def section_bytes(self, i):
        sh = self.shdr(i)
        return sh[4], bytes(self.data[sh[4]:sh[4] + sh[5]])

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


def overlap_mutations():
    """Class: two relocations writing the same bytes (refused naming both)."""
    msg = "write overlapping bytes"

    def rt(e):
        return e.section(".rela.text")

    def shifted(e):
        o0 = e.rela(rt(e), 0)[0]
        e.set_rela(rt(e), 0, rtype=2)
        e.set_rela(rt(e), 1, offset=o0 + 2, rtype=2)

    def wide_then_narrow(e):  # the example: R_X86_64_64 at a slot, R_X86_64_32 at +4
        o0 = e.rela(rt(e), 0)[0]
        e.set_rela(rt(e), 0, rtype=1)
        e.set_rela(rt(e), 1, offset=o0 + 4, rtype=10)

    def unsorted(e):  # entry 0 moved onto entry 2: the section is no longer in offset order
        e.set_rela(rt(e), 0, offset=e.rela(rt(e), 2)[0], rtype=2)
        e.set_rela(rt(e), 2, rtype=2)

    def gotpcrelx_opcode(e):  # relaxation rewrites the opcode bytes before the field
        o0 = e.rela(rt(e), 0)[0]
        e.set_rela(rt(e), 0, rtype=2)
        e.set_rela(rt(e), 1, offset=o0 + 5, rtype=42)

    def across_sections(e):  # a second relocation section applied to .text
        other = e.section(".rela.data")
        e.set_shdr(other, info=e.section(".text"))
        e.set_rela(other, 0, offset=e.rela(rt(e), 0)[0], rtype=2)

    return [
        ("overlap-shifted", msg, shifted),
        ("overlap-64-32", msg, wide_then_narrow),
        ("overlap-unsorted", msg, unsorted),
        ("overlap-gotpcrelx-opcode", "and .rela.text #1 (R_X86_64_REX_GOTPCRELX", gotpcrelx_opcode),
        ("overlap-across-sections", msg, across_sections),
    ]


def symbol_kind_mutations():
    """Class: symbol types and bindings the loader does not give a meaning to."""
    def global_in(e, secname):
        sec = e.section(secname)
        return e.find_sym(lambda s: s[3] == sec and s[1] >> 4 == 1)

    def undefined_global(e):
        return e.find_sym(lambda s: s[3] == 0 and s[1] >> 4 == 1)

    def retype(pick, bind=None, stype=None):
        def mutate(e):
            idx = pick(e)
            info = e.sym(idx)[1]
            b = info >> 4 if bind is None else bind
            t = info & 0xf if stype is None else stype
            e.set_sym(idx, info=(b << 4) | t)
        return mutate

    def data(e):  # any object defined in the module, local or global
        return e.find_sym(lambda s: s[1] & 0xf == 1 and 0 < s[3] < e.shnum)

    text = lambda e: global_in(e, ".text")
    return [
        ("sym-ifunc", "is an indirect function (STT_GNU_IFUNC)", retype(text, stype=10)),
        ("sym-ifunc-undefined", "(STT_GNU_IFUNC)", retype(undefined_global, stype=10)),
        ("sym-tls", "is thread-local (STT_TLS)", retype(data, stype=6)),
        ("sym-stt-common", "is a common symbol (STT_COMMON)", retype(data, stype=5)),
        ("sym-type-unknown", "is of an unknown type (type 7)", retype(text, stype=7)),
        ("sym-gnu-unique", "has binding STB_GNU_UNIQUE", retype(data, bind=10)),
        ("sym-binding-unknown", "has unknown binding 3", retype(text, bind=3)),
        ("sym-local-undefined", "is local but undefined", retype(undefined_global, bind=0)),
        ("sym-global-nonalloc", "defined in non-loaded section .comment",
         lambda e: e.set_sym(text(e), shndx=e.section(".comment"), value=0)),
    ]


def entry_point_mutations():
    """Class: init_module/cleanup_module that are not functions of the module's code."""
    def rodata_section(e):
        for i in range(1, e.shnum):
            sh = e.shdr(i)
            if sh[1] == SHT_PROGBITS and sh[2] & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR) == SHF_ALLOC \
                    and e.section_name(i).startswith(".rodata"):
                return i
        raise Missing("no .rodata section")

    def at_end(name):
        def mutate(e):
            idx = e.named_sym(name)
            e.set_sym(idx, value=e.shdr(e.sym(idx)[3])[5], size=0)
        return mutate

    def moved(name, where):
        return lambda e: e.set_sym(e.named_sym(name), shndx=where(e), value=0)

    def init_type(e):
        idx = e.named_sym("init_module")
        e.set_sym(idx, info=(e.sym(idx)[1] & 0xf0) | 1)

    return [
        ("init-in-data", "init_module is in section .data, which is not executable",
         moved("init_module", lambda e: e.section(".data"))),
        ("init-in-rodata", "init_module is in section .rodata", moved("init_module", rodata_section)),
        ("init-abs", "init_module is an absolute symbol (SHN_ABS)",
         moved("init_module", lambda e: 0xfff1)),
        ("init-end-of-text", "is not inside section .text", at_end("init_module")),
        ("init-object", "init_module is not a function (symbol type 1)", init_type),
        ("cleanup-in-data", "cleanup_module is in section .data, which is not executable",
         moved("cleanup_module", lambda e: e.section(".data"))),
        ("cleanup-end-of-text", "is not inside section .text", at_end("cleanup_module")),
    ]


def table_mutations():
    """Class: pointers in __param and __ksymtab entries that lead outside the module."""
    def undefined_global(e):
        return e.find_sym(lambda s: s[3] == 0 and s[1] >> 4 == 1)

    def repoint(table, field, target, addend=0):
        def mutate(e):
            rs = e.section(".rela" + table)
            e.set_rela(rs, e.rela_at(rs, field), sym=target(e), rtype=1, addend=addend)
        return mutate

    def in_section(name):
        def pick(e):
            sec = e.section(name)
            return e.find_sym(lambda s: s[3] == sec)
        return pick

    def writable_symbol(e):
        def ok(s):
            return 0 < s[3] < e.shnum and e.shdr(s[3])[2] & SHF_WRITE and s[4] < e.shdr(s[3])[5]
        return e.find_sym(ok)

    def grow(table):
        return lambda e: e.set_shdr(e.section(table), size=e.shdr(e.section(table))[5] + 8)

    def param_type(e):
        struct.pack_into("<H", e.data, e.shdr(e.section("__param"))[4] + 24, 99)

    init = lambda e: e.named_sym("init_module")
    return [
        ("param-name-outside", "__param entry #0: name does not point inside the module",
         repoint("__param", 0, undefined_global)),
        ("param-name-in-text", "__param entry #0: name points into section .text, which is not read-only data",
         repoint("__param", 0, init)),
        ("param-name-chars", "__param entry #0: name holds byte 0x3d",
         repoint("__param", 0, in_section(".modinfo"))),
        ("param-name-unterminated", "__param entry #0: name is not NUL-terminated inside section .rodata.fx_tail",
         repoint("__param", 0, lambda e: e.named_sym("fx_tail"))),
        ("param-arg-outside", "__param entry #0: variable does not point inside the module",
         repoint("__param", 8, undefined_global)),
        ("param-arg-in-text", "__param entry #0: variable points into section .text, which is not writable data",
         repoint("__param", 8, init)),
        ("param-count-outside", "__param entry #0: count does not point inside the module",
         repoint("__param", 16, undefined_global)),
        ("param-type", "__param entry #0: unknown type 99", param_type),
        ("param-size", "section __param size", grow("__param")),
        ("ksymtab-name-outside", "__ksymtab entry #0: name does not point inside the module",
         repoint("__ksymtab", 8, undefined_global)),
        ("ksymtab-name-writable", "which is not read-only data",
         repoint("__ksymtab", 8, writable_symbol)),
        ("ksymtab-addr-outside", "__ksymtab entry #0: address does not point inside the module",
         repoint("__ksymtab", 0, undefined_global)),
        ("ksymtab-size", "section __ksymtab size", grow("__ksymtab")),
    ]


def name_mutations():
    """Class: module names that could not be printed or typed back (checked by the kernel)."""
    def modinfo_name(e):
        off, data = e.section_bytes(e.section(".modinfo"))
        pos = data.find(b"\0name=") + 1 if not data.startswith(b"name=") else 0
        if pos <= 0 and not data.startswith(b"name="):
            raise Missing("no name= in .modinfo")
        end = data.index(b"\0", pos)
        return off + pos + 5, end - pos - 5

    def renamed(value):
        def mutate(e):
            start, length = modinfo_name(e)
            new = (value * length)[:length]
            e.data[start:start + length] = new
            shown = "".join(chr(c) if 0x20 <= c < 0x7f and c != 0x5c else "\\x%02x" % c
                            for c in new)
            return "invalid module name '%s' (.modinfo name=)" % shown
        return mutate

    def emptied(e):
        start, length = modinfo_name(e)
        e.data[start:start + length] = bytes(length)

    def too_long(e):
        modinfo_name(e)
        off, data = e.section_bytes(e.section(".modinfo"))
        if len(data) < 62:
            raise Missing(".modinfo too small")
        e.data[off:off + 62] = b"name=" + b"a" * 56 + b"\0"

    return [
        ("name-escape", None, renamed(b"\x1b[2J")),
        ("name-slash", None, renamed(b"a/")),
        ("name-space", None, renamed(b"a ")),
        ("name-empty", "invalid module name '' (.modinfo name=)", emptied),
        ("name-too-long", "invalid module name 'aaaaaaaa", too_long),
        ("file-name-" + "x" * 50, "(from the file name)", lambda e: None),
    ]


def reloc_mutations():
    for rtype in [t for t in range(len(RELOC_NAMES)) if t not in SUPPORTED_RELOCS] + [43, 255]:
        name = "R_X86_64_" + RELOC_NAMES[rtype] if rtype < len(RELOC_NAMES) else "unknown"
        yield ("reloc-type-%d" % rtype, "relocation type %d (%s) not supported" % (rtype, name),
               lambda e, t=rtype: e.set_rela(e.section(".rela.text"), rtype=t))


def corpus():
    """(name, expected, mutate, kernel_only) for every mutation."""
    core = (mutations() + overlap_mutations() + symbol_kind_mutations() + entry_point_mutations()
            + table_mutations() + list(reloc_mutations()))
    return [m + (False,) for m in core] + [m + (True,) for m in name_mutations()]


def mutate_first(inputs, mutate):
    """The first input the mutation applies to, mutated, and what it returned; None if none."""
    for data in inputs:
        elf = Elf(data)
        try:
            returned = mutate(elf)
        except Missing:
            continue
        return elf, returned
    return None, None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    inputs = [open(path, "rb").read() for path in sys.argv[1:-1]]
    outdir = sys.argv[-1]
    os.makedirs(outdir, exist_ok=True)
    manifest = []
    for n, (name, expected, mutate, kernel_only) in enumerate(corpus(), 1):
        elf, returned = mutate_first(inputs, mutate)
        if elf is None:
            continue
        filename = "%02d-%s.ko" % (n, name)
        with open(os.path.join(outdir, filename), "wb") as f:
            f.write(elf.data)
        manifest.append("%s\t%s%s\n" % (filename, returned or expected,
                                        "\tkernel" if kernel_only else ""))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.writelines(manifest)


if __name__ == "__main__":
    main()
