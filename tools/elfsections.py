#!/usr/bin/python3
"""Minimal ELF64 little-endian reader for the build tools (no pyelftools on the build machine):
the bytes of a named section of an object or .ko file, and .modinfo entries."""
import struct


def read_sections(path):
    """{section name: bytes} for every section with contents (SHT_NOBITS gives b'')."""
    return {name: data for name, (_, data) in sections_with_addresses(path).items()}


def sections_with_addresses(path):
    """{section name: (address, bytes)}."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        raise ValueError('%s: not a little-endian ELF64 file' % path)
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    headers = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
               for i in range(shnum)]
    names = headers[shstrndx]
    strtab = data[names[4]:names[4] + names[5]]
    sections = {}
    for h in headers:
        name = strtab[h[0]:strtab.index(b'\0', h[0])].decode()
        sections[name] = (h[3], b'' if h[1] == 8 else data[h[4]:h[4] + h[5]])
    return sections


def modinfo_entries(section):
    """(key, value) pairs of a .modinfo section, with the same rule as the kernel's parser:
    a chunk that does not start with "identifier=" continues the previous entry."""
    entries = []
    for chunk in section.split(b'\0'):
        key, eq, value = chunk.partition(b'=')
        if eq and key and all(c == 0x5f or (c < 0x80 and chr(c).isalnum()) for c in key):
            entries.append([key.decode(), value])
        elif entries:
            entries[-1][1] += b'\0' + chunk
    return [(k, v.rstrip(b'\0').decode(errors='replace')) for k, v in entries]


def modinfo(path):
    return modinfo_entries(read_sections(path).get('.modinfo', b''))
