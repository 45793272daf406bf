#!/usr/bin/python3
"""pcialias: the modules.alias patterns of a module's PCI ID table, as Linux's file2alias makes them.

MODULE_DEVICE_TABLE(pci, ids) defines the symbol __mod_pci__ids_device_table, an alias of the
ids array of struct pci_device_id (kernel/include/keel/pci.h: six u32 vendor, device, subvendor,
subdevice, class, class_mask, then unsigned long driver_data: 32 bytes). This reads that array
out of a relocatable ELF (.o, prelink .o or .ko) through its symbol table and turns each entry
into a pattern such as

    pci:v00008086d0000100Esv*sd*bc*sc*i*

(PCI_ANY_ID fields become '*'; class bytes whose class_mask byte is 0xff are given, 0x00 gives
'*'), which matches the device modalias pci.ko makes: pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X.

As a library:  pcialias.pci_aliases(path) -> [pattern, ...]   (modpost can add each as a
MODULE_ALIAS("...") to <name>.mod.c, so depmod.py finds it in .modinfo)
From the shell: pcialias.py FILE...  prints "alias <pattern> <module>" lines for modules.alias.
"""
import os
import struct
import sys

PCI_ANY_ID = 0xffffffff
ENTRY = struct.Struct('<6IQ')
SHT_SYMTAB = 2
SHT_NOBITS = 8
SHN_LORESERVE = 0xff00


def _sections(data):
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        raise ValueError('not a little-endian ELF64 file')
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
    return [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
            for i in range(shnum)]


def device_tables(path, bus='pci'):
    """{table symbol: bytes of the array} for every __mod_<bus>__*_device_table symbol."""
    with open(path, 'rb') as f:
        data = f.read()
    sections = _sections(data)
    prefix, suffix = '__mod_%s__' % bus, '_device_table'
    tables = {}
    for sh in sections:
        if sh[1] != SHT_SYMTAB:
            continue
        strtab = sections[sh[6]]
        for off in range(sh[4], sh[4] + sh[5], 24):
            name_off, _info, _other, shndx, value, size = struct.unpack_from('<IBBHQQ', data, off)
            start = strtab[4] + name_off
            name = data[start:data.index(b'\0', start)].decode()
            if not (name.startswith(prefix) and name.endswith(suffix)):
                continue
            if shndx == 0 or shndx >= SHN_LORESERVE or sections[shndx][1] == SHT_NOBITS:
                raise ValueError('%s: %s is not defined in a section with contents' % (path, name))
            target = sections[shndx]
            tables[name] = data[target[4] + value:target[4] + value + size]
    return tables


def _field(prefix, present, value, width):
    return prefix + ('%0*X' % (width, value) if present else '*')


def alias_of(entry):
    """Linux's do_pci_entry: the pattern for one struct pci_device_id, or None when invalid."""
    vendor, device, subvendor, subdevice, cls, class_mask, _data = entry
    masks = [(class_mask >> shift) & 0xff for shift in (16, 8, 0)]
    if any(m not in (0, 0xff) for m in masks):
        return None  # file2alias refuses partial class byte masks too
    values = [(cls >> shift) & 0xff for shift in (16, 8, 0)]
    alias = 'pci:' + _field('v', vendor != PCI_ANY_ID, vendor, 8)
    alias += _field('d', device != PCI_ANY_ID, device, 8)
    alias += _field('sv', subvendor != PCI_ANY_ID, subvendor, 8)
    alias += _field('sd', subdevice != PCI_ANY_ID, subdevice, 8)
    for prefix, mask, value in zip(('bc', 'sc', 'i'), masks, values):
        alias += _field(prefix, mask == 0xff, value, 2)
    return alias if alias.endswith('*') else alias + '*'


def entries(table):
    """The entries before the terminator (vendor, subvendor and class_mask all 0)."""
    for off in range(0, len(table) - len(table) % ENTRY.size, ENTRY.size):
        entry = ENTRY.unpack_from(table, off)
        if entry[0] == 0 and entry[2] == 0 and entry[5] == 0:
            break
        yield entry


def pci_aliases(path):
    aliases = []
    for name, table in sorted(device_tables(path).items()):
        for entry in entries(table):
            alias = alias_of(entry)
            if alias is None:
                sys.stderr.write('pcialias: %s: %s: class_mask %#08x has a byte other than '
                                 '0x00/0xff; entry skipped\n' % (path, name, entry[5]))
            elif alias not in aliases:
                aliases.append(alias)
    return aliases


def module_name(path):
    return os.path.basename(path).rsplit('.', 1)[0].replace('-', '_')


def main(argv):
    if not argv or argv[0].startswith('-'):
        raise SystemExit(__doc__)
    for path in argv:
        for alias in pci_aliases(path):
            print('alias %s %s' % (alias, module_name(path)))


if __name__ == '__main__':
    main(sys.argv[1:])
