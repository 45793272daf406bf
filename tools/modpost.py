#!/usr/bin/python3
"""modpost: the step between compiling a set of modules and linking their .ko files.

For every module of the set (modules built together) it writes <objdir>/<name>.mod.c with:
  * vermagic=, name= and depends= .modinfo entries (depends: the modules of the set, or of the
    extra Module.symvers files given, that export symbols it uses);
  * the "__versions" section: for each undefined symbol, the CRC of the declaration the module
    was compiled against (from its own preprocessed sources, see genksyms.py); for a symbol the
    sources never declare (a call the compiler generated, e.g. memcpy) the exporter's CRC;
  * the absolute __crc_<sym> symbols of the module's own exports.
It also writes the set's Module.symvers (its exports), and fails on undefined symbols.

Usage: modpost.py --nm NM --out-symvers FILE [--symvers FILE]... [--quiet NAME]... MODULE...
  MODULE is NAME:OBJDIR:PRELINK.o:SRC1.i[,SRC2.i...]  (the .mod.c goes to OBJDIR/NAME.mod.c)
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elfsections  # noqa: E402
import genksyms  # noqa: E402
import pcialias  # noqa: E402
import usbalias  # noqa: E402

KERNEL_NAME = 'keel'
NAME_MAX = 55  # struct modversion_info name[] holds 55 characters and a NUL
LOADER_PROVIDED = {'__this_module'}


class Module:
    def __init__(self, spec):
        try:
            self.name, self.objdir, self.prelink, sources = spec.split(':')
        except ValueError:
            raise SystemExit('modpost: bad module spec %r' % spec)
        self.units = [genksyms.load_unit(path) for path in sources.split(',') if path]
        self.exports = {}   # symbol -> (crc, kind)
        self.undefined = []
        self.weak = set()   # weak undefined symbols: may stay unresolved (they read as 0)
        self.depends = set()
        self.versions = []  # (crc, symbol)
        self.aliases = []  # modules.alias patterns from MODULE_DEVICE_TABLE ID tables

    def declared_crc(self, symbol):
        for unit in self.units:
            crc = unit.crc(symbol)
            if crc is not None:
                return crc
        return None


def nm_symbols(nm, path):
    """(undefined symbols, defined symbols, weak undefined symbols) of an object file."""
    out = subprocess.run([nm, '-P', path], check=True, capture_output=True, text=True).stdout
    undefined, defined, weak = [], set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2:
            (undefined.append if fields[1] in 'Uw' else defined.add)(fields[0])
            if fields[1] == 'w':
                weak.add(fields[0])
    return undefined, defined, weak


def collect_exports(mod, table, errors):
    for unit in mod.units:
        for sym, kind in unit.exports:
            crc = unit.crc(sym)
            if crc is None:
                errors.append('%s: no declaration of exported symbol %s' % (mod.name, sym))
            elif sym in table and table[sym][1] != mod.name:
                errors.append('%s: exports %s, already exported by %s'
                              % (mod.name, sym, table[sym][1]))
            else:
                mod.exports[sym] = (crc, kind)
                table[sym] = (crc, mod.name, kind)


def resolve(mod, table, gpl_ok, errors):
    for sym in sorted(set(mod.undefined)):
        if sym in LOADER_PROVIDED or (sym.startswith('__crc_') and sym[6:] in mod.exports):
            continue
        if sym not in table and sym in mod.weak:
            continue  # nobody exports it: the loader leaves it 0, as the linker would
        if sym not in table:
            errors.append('"%s" [%s.ko] undefined!' % (sym, mod.name))
            continue
        crc, owner, kind = table[sym]
        if len(sym) > NAME_MAX:
            errors.append('%s: symbol name %s is too long for __versions' % (mod.name, sym))
            continue
        if kind == 'EXPORT_SYMBOL_GPL' and not gpl_ok:
            warn(mod, '%s: GPL-incompatible module uses GPL-only symbol %s (the kernel will'
                 ' refuse it)' % (mod.name, sym))
        mine = mod.declared_crc(sym)
        if mine is not None and mine != crc:
            warn(mod, '%s: its declaration of %s differs from %s\'s (stale headers?); the kernel '
                 'will refuse it' % (mod.name, sym, owner))
        mod.versions.append((crc if mine is None else mine, sym))
        if owner not in (KERNEL_NAME, mod.name):
            mod.depends.add(owner)


def check_modinfo(mod):
    info = elfsections.modinfo_entries(elfsections.read_sections(mod.prelink).get('.modinfo', b''))
    licenses = [v for k, v in info if k == 'license']
    if not licenses:
        warn(mod, 'missing MODULE_LICENSE() in %s' % mod.name)
    return bool(licenses) and all(lic in GPL_COMPATIBLE for lic in licenses)


GPL_COMPATIBLE = {'GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL',
                  'Dual MPL/GPL'}


# Modules that are broken on purpose (Kbuild: keel-broken := y): their warnings are expected,
# so printing them would only train people to ignore modpost.
QUIET = set()


def warn(mod, msg):
    if mod.name not in QUIET:
        sys.stderr.write('modpost: warning: %s\n' % msg)


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def mod_c_text(mod):
    out = ['/* Generated by tools/modpost.py for module %s: do not edit. */' % mod.name,
           '#include <keel/module.h>', '#include <keel/vermagic.h>', '',
           'MODULE_INFO(vermagic, VERMAGIC_STRING);',
           'MODULE_INFO(name, KBUILD_MODNAME);',
           'MODULE_INFO(depends, %s);' % c_string(','.join(sorted(mod.depends)))]
    for pattern in mod.aliases:
        out.append('MODULE_ALIAS(%s);' % c_string(pattern))
    if mod.versions:
        out += ['', 'static const struct modversion_info ____versions[]',
                '\t__used __section("__versions") __aligned(8) = {']
        out += ['\t{ 0x%08x, %s },' % (crc, c_string(sym)) for crc, sym in mod.versions]
        out.append('};')
    if mod.exports:
        out += ['', '/* CRCs of the symbols this module exports (absolute symbols). */',
                '__asm__(']
        for sym, (crc, _) in sorted(mod.exports.items()):
            out.append('\t"\\t.globl __crc_%s\\n\\t.set __crc_%s, 0x%08x\\n"' % (sym, sym, crc))
        out.append(');')
    return '\n'.join(out) + '\n'


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def main():
    ap = argparse.ArgumentParser(description='Keel modpost')
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--symvers', action='append', default=[])
    ap.add_argument('--out-symvers', required=True)
    ap.add_argument('--quiet', action='append', default=[], metavar='MODULE',
                    help='do not print warnings about MODULE (broken on purpose)')
    ap.add_argument('modules', nargs='*')
    args = ap.parse_args()
    QUIET.update(args.quiet)

    table = genksyms.read_symvers(args.symvers)
    mods = [Module(spec) for spec in args.modules]
    errors = []
    for mod in mods:
        table = {s: v for s, v in table.items() if v[1] != mod.name}  # rebuilt module
    for mod in mods:
        mod.undefined, _, mod.weak = nm_symbols(args.nm, mod.prelink)
        mod.aliases = pcialias.pci_aliases(mod.prelink) + usbalias.usb_aliases(mod.prelink)
        collect_exports(mod, table, errors)
    for mod in mods:
        resolve(mod, table, check_modinfo(mod), errors)
    if errors:
        sys.stderr.write(''.join('ERROR: modpost: %s\n' % e for e in errors))
        sys.exit(1)
    for mod in mods:
        write_if_changed(os.path.join(mod.objdir, mod.name + '.mod.c'), mod_c_text(mod))
    lines = ['0x%08x\t%s\t%s\t%s\t\n' % (crc, sym, mod.name, kind)
             for mod in mods for sym, (crc, kind) in sorted(mod.exports.items())]
    write_if_changed(args.out_symvers, ''.join(lines))


if __name__ == '__main__':
    main()
