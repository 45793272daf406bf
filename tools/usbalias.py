#!/usr/bin/python3
"""usbalias: the modules.alias patterns of a module's USB ID table, as Linux's file2alias makes them.

MODULE_DEVICE_TABLE(usb, ids) defines __mod_usb__ids_device_table, an alias of the ids array
of struct usb_device_id (kernel/include/keel/usb.h: u16 match_flags, idVendor, idProduct,
bcdDevice_lo, bcdDevice_hi, seven u8 class/subclass/protocol/interface-number fields, then
unsigned long driver_info at offset 24: 32 bytes). Each entry becomes a pattern such as

    usb:v*p*d*dc*dsc*dp*ic03isc01ip01in*

(fields the entry does not match on are '*'), which matches the interface modalias usbcore
makes: usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02Xin%02X. A bcdDevice range is
given only when it is one value (Linux writes ranges as bracket expressions; d* is wider).

As a library:  usbalias.usb_aliases(path) -> [pattern, ...]   (modpost adds them to .modinfo)
From the shell: usbalias.py FILE...  prints "alias <pattern> <module>" lines.
"""
import struct
import sys

import pcialias

ENTRY = struct.Struct('<5H7B7xQ')
FLAGS = ['VENDOR', 'PRODUCT', 'DEV_LO', 'DEV_HI', 'DEV_CLASS', 'DEV_SUBCLASS', 'DEV_PROTOCOL',
         'INT_CLASS', 'INT_SUBCLASS', 'INT_PROTOCOL', 'INT_NUMBER']
MATCH = {name: 1 << bit for bit, name in enumerate(FLAGS)}


def _field(prefix, present, value, width):
    return prefix + ('%0*X' % (width, value) if present else '*')


def alias_of(entry):
    """Linux's do_usb_entry for one struct usb_device_id (bcdDevice ranges simplified)."""
    flags, vendor, product, bcd_lo, bcd_hi = entry[:5]
    dc, dsc, dp, ic, isc, ip, inum = entry[5:12]
    alias = 'usb:' + _field('v', flags & MATCH['VENDOR'], vendor, 4)
    alias += _field('p', flags & MATCH['PRODUCT'], product, 4)
    exact = flags & MATCH['DEV_LO'] and flags & MATCH['DEV_HI'] and bcd_lo == bcd_hi
    alias += _field('d', exact, bcd_lo, 4)
    for prefix, name, value in (('dc', 'DEV_CLASS', dc), ('dsc', 'DEV_SUBCLASS', dsc),
                                ('dp', 'DEV_PROTOCOL', dp), ('ic', 'INT_CLASS', ic),
                                ('isc', 'INT_SUBCLASS', isc), ('ip', 'INT_PROTOCOL', ip),
                                ('in', 'INT_NUMBER', inum)):
        alias += _field(prefix, flags & MATCH[name], value, 2)
    return alias if alias.endswith('*') else alias + '*'


def entries(table):
    """The entries before the terminator (match_flags 0)."""
    for off in range(0, len(table) - len(table) % ENTRY.size, ENTRY.size):
        entry = ENTRY.unpack_from(table, off)
        if entry[0] == 0:
            break
        yield entry


def usb_aliases(path):
    aliases = []
    for _name, table in sorted(pcialias.device_tables(path, bus='usb').items()):
        for entry in entries(table):
            alias = alias_of(entry)
            if alias not in aliases:
                aliases.append(alias)
    return aliases


def main(argv):
    if not argv or argv[0].startswith('-'):
        raise SystemExit(__doc__)
    for path in argv:
        for alias in usb_aliases(path):
            print('alias %s %s' % (alias, pcialias.module_name(path)))


if __name__ == '__main__':
    main(sys.argv[1:])
